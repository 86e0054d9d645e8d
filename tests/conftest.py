"""Shared fixtures: fast indexes on a fake embedder, and one real-model index per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from askbot.embedders import SentenceTransformerEmbedder
from askbot.sample import sample_dir
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder


@pytest.fixture(scope="session")
def _vector_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache") / "vectors.sqlite3"


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ONNX export per test session (an export takes half a minute)."""
    return tmp_path_factory.mktemp("onnx")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, _vector_cache: Path, onnx_cache: Path) -> None:
    """Tests never read a developer's ASKBOT_* or SLACK_* variables, nor write to their
    embedding or ONNX caches."""
    for name in list(os.environ):
        if name.startswith(("ASKBOT_", "SLACK_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ASKBOT_EMBEDDING_CACHE", str(_vector_cache))
    monkeypatch.setenv("ASKBOT_ONNX_CACHE", str(onnx_cache))


def make_settings(index: Path, **overrides: object) -> Settings:
    return Settings(index=index, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def fake_bot(tmp_path: Path) -> Iterator[AskBot]:
    """The sample corpus indexed with the deterministic fake embedder."""
    bot = AskBot.open(make_settings(tmp_path / "index"), HashingEmbedder(), create=True)
    bot.ingest_paths([sample_dir()])
    yield bot
    bot.close()


@pytest.fixture
def answering_bot(tmp_path: Path) -> Iterator[AskBot]:
    """The sample corpus on the fake embedder, never abstaining: the fake's cosines mean
    nothing, so a test of what excerpts look like must get excerpts to look at."""
    bot = AskBot.open(
        make_settings(tmp_path / "index", min_confidence=0.0), HashingEmbedder(), create=True
    )
    bot.ingest_paths([sample_dir()])
    yield bot
    bot.close()


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    embedder = SentenceTransformerEmbedder()
    embedder.warm_up()
    return embedder


@pytest.fixture(scope="session")
def real_bot(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> Iterator[AskBot]:
    """The sample corpus indexed with the real all-MiniLM-L6-v2 model."""
    path = tmp_path_factory.mktemp("real") / "index"
    bot = AskBot.open(Settings(index=path), real_embedder, create=True)
    bot.ingest_paths([sample_dir()])
    yield bot
    bot.close()

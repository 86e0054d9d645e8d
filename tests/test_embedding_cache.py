"""Passage vectors are cached by content: unchanged text never costs model time twice."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from askbot.embedders.cache import CachedEmbedder
from askbot.models import Article
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder


def test_a_second_index_of_the_same_text_costs_no_model_call(tmp_path: Path) -> None:
    model = HashingEmbedder()
    cached = CachedEmbedder(model, tmp_path / "cache.sqlite3")
    articles = [
        Article(id=f"a{i}", text=f"Story {i} about troops near the border.") for i in range(5)
    ]
    first = AskBot.open(Settings(index=tmp_path / "one"), cached, create=True)
    first.ingest_articles(articles)
    calls = model.calls
    assert (cached.misses, cached.hits) == (5, 0)
    # A new index (a rebuild, another chunking): the same passages come from the cache.
    second = AskBot.open(Settings(index=tmp_path / "two"), cached, create=True)
    second.ingest_articles(articles)
    assert model.calls == calls and cached.hits == 5
    # The cached vectors are the model's own.
    stored = cached.embed(["Story 1 about troops near the border."], "passage")
    assert np.allclose(stored, model.embed(["Story 1 about troops near the border."], "passage"))
    # Questions are never served from the cache.
    cached.embed(["Story 1 about troops near the border."], "query")
    assert model.calls == calls + 2


def test_another_embedder_never_gets_these_vectors(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    CachedEmbedder(HashingEmbedder(64), path).embed(["same text"], "passage")
    other = CachedEmbedder(HashingEmbedder(32), path)
    assert other.embed(["same text"], "passage").shape == (1, 32) and other.hits == 0


def test_an_unusable_cache_only_costs_model_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    cached = CachedEmbedder(HashingEmbedder(), blocker / "cache.sqlite3")
    assert cached.embed(["text"], "passage").shape == (1, 64)

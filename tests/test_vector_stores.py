"""The vector store contract, run against every registered store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from askbot.vectors import VectorStore, store_class, store_names

DIM = 32


def vectors(n: int, seed: int = 0, clusters: int = 64, spread: float = 0.6) -> NDArray[np.float32]:
    """Unit vectors around ``clusters`` centres: shaped like text embeddings, not noise."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, DIM))
    x = centres[rng.integers(0, clusters, n)] + spread * rng.standard_normal((n, DIM))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(params=store_names())
def store(request: pytest.FixtureRequest) -> VectorStore:
    return store_class(request.param).create(DIM, {})


def test_names_are_the_kinds() -> None:
    assert {"faiss-flat", "faiss-ivf"} <= set(store_names())
    for name in store_names():
        assert store_class(name).kind == name


def test_add_search_fetch_remove(store: VectorStore) -> None:
    x = vectors(300)
    ids = list(range(1000, 1300))
    store.add(ids, x)
    assert len(store) == 300 and store.dimension == DIM
    hits = store.search(x[7], 5)
    assert hits[0][0] == 1007 and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert np.allclose(store.fetch([1010, 1003]), x[[10, 3]], atol=1e-6)
    store.remove([1007])
    assert len(store) == 299
    assert 1007 not in [i for i, _ in store.search(x[7], 10)]
    assert (
        store.search(x[0], 0) == []
        and store_class(store.kind).create(DIM, {}).search(x[0], 5) == []
    )


def test_filters_are_pushed_into_the_search(store: VectorStore) -> None:
    """With a filter that keeps 50 of 100,000 vectors, the full top-k comes from those 50."""
    x = vectors(100_000, seed=1)
    store.add(list(range(100_000)), x)
    allowed = list(range(40_000, 100_000, 1200))[:50]
    query = x[3]  # near many vectors, none of them allowed
    hits = store.search(query, 20, allowed)
    assert len(hits) == 20 and {i for i, _ in hits} <= set(allowed)
    exact = np.argsort(-(x[allowed] @ query))[:20]
    assert [i for i, _ in hits] == [allowed[j] for j in exact]
    # A large allowed set goes through the index, still only allowed ids.
    many = list(range(0, 100_000, 2))
    assert {i for i, _ in store.search(query, 50, many)} <= set(many)
    assert store.search(query, 10, []) == []


def test_stage_is_private_until_published(store: VectorStore, tmp_path: Path) -> None:
    x = vectors(40)
    store.add(list(range(20)), x[:20])
    staged = store.stage()
    staged.add(list(range(20, 40)), x[20:])
    staged.remove([0])
    assert (len(store), len(staged)) == (20, 39)
    assert store.search(x[0], 1)[0][0] == 0  # the original still has it
    staged.publish(tmp_path / "vectors-1")
    reopened = store_class(store.kind).open(tmp_path / "vectors-1")
    assert len(reopened) == 39 and reopened.search(x[30], 1)[0][0] == 30
    assert reopened.describe()["vectors"] == 39
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no leftovers


def test_a_failed_publish_leaves_nothing(store: VectorStore, tmp_path: Path) -> None:
    store.add([1], vectors(1))
    (tmp_path / "vectors-1").write_text("a file squatting where the generation goes")
    with pytest.raises(OSError):
        store.publish(tmp_path / "vectors-1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors-1"]


def test_ivf_trains_once_it_has_enough_and_recalls_what_exact_search_finds() -> None:
    x = vectors(30_000, seed=2)
    ivf = store_class("faiss-ivf").create(DIM, {"min_train": 20_000})
    flat = store_class("faiss-flat").create(DIM, {})
    for store in (ivf, flat):
        store.add(list(range(10_000)), x[:10_000])
    assert ivf.describe()["nlist"] == 0  # too few to train on: exact meanwhile
    for store in (ivf, flat):
        store.add(list(range(10_000, 30_000)), x[10_000:])
    assert int(str(ivf.describe()["nlist"])) > 0
    rng = np.random.default_rng(3)
    queries = x[rng.choice(len(x), 200)] + 0.2 * rng.standard_normal((200, DIM)).astype(np.float32)
    found = [
        len({i for i, _ in ivf.search(q, 10)} & {i for i, _ in flat.search(q, 10)}) / 10
        for q in queries
    ]
    assert np.mean(found) >= 0.95


def test_auto_searches_exactly_while_small_and_unknown_stores_create_nothing(
    tmp_path: Path,
) -> None:
    from askbot.errors import ConfigError
    from askbot.service import AskBot
    from askbot.settings import Settings
    from fakes import HashingEmbedder

    bot = AskBot.open(Settings(index=tmp_path / "auto"), HashingEmbedder(), create=True)
    described = bot.describe()
    assert described.manifest.vector_store.name == "faiss-ivf"
    assert described.vector_store["nlist"] == 0  # exact (flat) until min_train vectors
    with pytest.raises(ConfigError, match="unknown vector store 'faiss-nope'"):
        AskBot.open(
            Settings(index=tmp_path / "bad", vector_store="faiss-nope"),
            HashingEmbedder(),
            create=True,
        )
    assert not (tmp_path / "bad").exists()

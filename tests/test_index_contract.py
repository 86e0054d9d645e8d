"""The index contract (snapshots, one writer, filters pushed down), run on every backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from askbot.errors import IndexBusyError
from askbot.index import Index, IndexSpec, create_index, open_index
from askbot.index.base import StorySketch
from askbot.models import (
    Article,
    Attribution,
    ChunkerConfig,
    Component,
    Passage,
    QueryFilters,
    Span,
)
from milvus_server import milvus_server, milvus_url

__all__ = ["milvus_server"]  # a fixture, used through make_index

DIM = 16
MakeIndex = Callable[..., Index]


def spec(store: str = "faiss-flat") -> IndexSpec:
    return IndexSpec(
        embedder="test-hashing:16",
        dimension=DIM,
        chunker=ChunkerConfig(),
        vector_store=Component(name=store),
        keyword_index=Component(name="sqlite-fts5"),
    )


MILVUS = ("milvus-lite-file", "milvus-server")


@pytest.fixture(params=["folder-flat", "folder-ivf", *MILVUS])
def make_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeIndex]:
    opened: list[Index] = []
    store = {"folder-flat": "faiss-flat", "folder-ivf": "faiss-ivf"}.get(request.param, "")

    def location(name: str) -> str | Path:
        if request.param == "milvus-lite-file":
            return tmp_path / f"{name}.db"
        if request.param == "milvus-server":
            return milvus_url(request.getfixturevalue("milvus_server"))
        return tmp_path / name

    def make(name: str = "index") -> Index:
        index = create_index(location(name), spec(store or "faiss-flat"))
        opened.append(index)
        return index

    yield make
    for index in opened:
        index.close()


def article(article_id: str, sentences: list[str], **meta: object) -> tuple[Article, list[Passage]]:
    """An article whose every sentence is one passage."""
    text = " ".join(sentences)
    passages, start = [], 0
    for sentence in sentences:
        span = Span(start=start, end=start + len(sentence))
        passages.append(
            Passage(
                article_id=article_id,
                start=span.start,
                end=span.end,
                text=sentence,
                sentences=(span,),
            )
        )
        start += len(sentence) + 1
    return Article(id=article_id, text=text, **meta), passages  # type: ignore[arg-type]


def unit(rng: np.random.Generator, n: int) -> NDArray[np.float32]:
    x = rng.standard_normal((n, DIM))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_upsert_read_remove(make_index: MakeIndex) -> None:
    index = make_index()
    rng = np.random.default_rng(0)
    a, pa = article(
        "a",
        ["Troops gathered at the border.", "Talks failed on Friday."],
        title="Border",
        source="Reuters",
        published=date(2022, 1, 28),
    )
    with index.writer(0) as writer:
        writer.upsert(a, pa, unit(rng, 2))
    with index.snapshot() as snap:
        assert snap.counts() == (1, 2)
        rows = snap.passages([pid for pid, _ in snap.keyword(["troops"], 5, QueryFilters())])
        (row,) = rows.values()
        assert row.text == a.text[row.start : row.end] == "Troops gathered at the border."
        assert (row.title, row.source, row.published) == ("Border", "Reuters", date(2022, 1, 28))
        assert snap.article("a") == a
        assert snap.document_frequencies(["troop", "nothing"]) == {"troop": 1}
    with index.writer(0) as writer:
        assert writer.content_hashes(["a", "b"]) == {"a": a.content_hash}
        assert writer.remove("a") and not writer.remove("a")
    with index.snapshot() as snap:
        assert snap.counts() == (0, 0) and snap.article_ids() == []


def test_quotes_survive_and_passages_carry_those_they_overlap(make_index: MakeIndex) -> None:
    index = make_index()
    sentences = ["Lavrov said no war.", "Blinken warned of costs."]
    a, pa = article("a", sentences, source="Interfax")
    second = pa[1].start
    # Far more quotes than one Milvus VARCHAR (64 KB) holds as JSON: none may be lost.
    many = [
        Attribution(start=0, end=5, name=f"Speaker number {n} of a long list", role="aide")
        for n in range(2000)
    ]
    quoted = a.model_copy(
        update={
            "quotes": (
                *many,
                Attribution(start=second, end=second + 7, name="Antony Blinken", kind="reported"),
            )
        }
    )
    with index.writer(0) as writer:
        writer.upsert(quoted, pa, unit(np.random.default_rng(3), 2))
    with index.snapshot() as snap:
        assert snap.article("a") == quoted
        rows = snap.passages(
            [pid for pid, _ in snap.dense(unit(np.random.default_rng(5), 1)[0], 5, QueryFilters())]
        )
        by_start = {row.start: row for row in rows.values()}
        assert by_start[0].quotes == tuple(many)
        assert [q.name for q in by_start[second].quotes] == ["Antony Blinken"]


def test_stories_round_trip_and_removal_drops_them(make_index: MakeIndex) -> None:
    index = make_index()
    rng = np.random.default_rng(4)
    days = {"a": date(2022, 1, 28), "b": date(2022, 1, 29), "c": None}
    made = {
        i: article(i, [f"Story text of {i}."], title=i.upper(), source="Wire", published=day)
        for i, day in days.items()
    }
    sketch = {i: StorySketch("a", days[i], 10 + n, bytes([n]) * 600) for n, i in enumerate(days)}
    with index.writer(0) as writer:
        for art, passages in made.values():
            writer.upsert(art, passages, unit(rng, 1))
        writer.save_stories(sketch, [("b", "a"), ("a", "c")])
        assert writer.story_sketches() == sketch  # the writer sees what it saved
    generation = index.info().generation
    with index.writer(0) as writer:
        assert writer.story_sketches() == sketch
        assert sorted(writer.story_links()) == [("a", "b"), ("a", "c")]
    with index.snapshot() as snap:
        found = snap.stories(["b", "nobody"])
        assert list(found) == ["b"]
        story, members = found["b"]
        assert story == "a" and [m.article_id for m in members] == ["a", "b", "c"]
        first = members[0]
        assert (first.title, first.source, first.published, first.chars) == (
            "A",
            "Wire",
            date(2022, 1, 28),
            10,
        )
        assert first.label
    with index.writer(0) as writer:  # stories alone are a change that commits
        writer.save_stories({"c": StorySketch("c", None, 12, b"x")}, [])
    assert index.info().generation == generation + 1
    with index.writer(0) as writer:
        assert writer.remove("a")
        changed, passages = article("b", ["Story text of b, changed."], published=days["b"])
        writer.upsert(changed, passages, unit(rng, 1))
        assert writer.story_sketches() == {"c": StorySketch("c", None, 12, b"x")}
        assert writer.story_links() == []
    with index.writer(0) as writer:
        assert list(writer.story_sketches()) == ["c"] and writer.story_links() == []
    with index.snapshot() as snap:
        assert list(snap.stories(["a", "b", "c"])) == ["c"]


def test_a_snapshot_sees_one_state_while_a_writer_commits(make_index: MakeIndex) -> None:
    index = make_index()
    rng = np.random.default_rng(1)
    old, p_old = article("a", ["The old version of the story."])
    with index.writer(0) as writer:
        writer.upsert(old, p_old, unit(rng, 1))
    with index.snapshot() as snap:
        before = snap.generation
        new, p_new = article("a", ["The new version, changed.", "And longer."])
        with index.writer(0) as writer:
            writer.upsert(new, p_new, unit(rng, 2))
            with index.snapshot() as same_thread:  # re-entrant: the same state
                assert same_thread.counts() == (1, 1)
        # Committed now, but this snapshot still reads the state it started with.
        assert snap.counts() == (1, 1) and snap.article("a") == old
        ((pid, _),) = snap.dense(unit(rng, 1)[0], 5, QueryFilters())
        assert snap.passages([pid])[pid].text == "The old version of the story."
        assert snap.vectors([pid]).shape == (1, DIM)
    with index.snapshot() as after:
        assert after.generation == before + 1 and after.article("a") == new


def test_a_failed_write_changes_nothing(make_index: MakeIndex) -> None:
    index = make_index()
    rng = np.random.default_rng(2)
    a, pa = article("a", ["Kept."])
    with index.writer(0) as writer:
        writer.upsert(a, pa, unit(rng, 1))
    generation = index.info().generation
    with pytest.raises(RuntimeError, match="mid-write"), index.writer(0) as writer:
        writer.remove("a")
        b, pb = article("b", ["Never committed."])
        writer.upsert(b, pb, unit(rng, 1))
        raise RuntimeError("mid-write")
    info = index.info()
    assert (info.articles, info.passages, info.generation) == (1, 1, generation)
    with index.snapshot() as snap:
        assert (
            snap.article_ids() == ["a"] and len(snap.dense(unit(rng, 1)[0], 5, QueryFilters())) == 1
        )


def test_one_writer_at_a_time(make_index: MakeIndex, request: pytest.FixtureRequest) -> None:
    if request.node.callspec.params["make_index"] in MILVUS:
        pytest.skip("Milvus takes many writers at once (tests/test_milvus.py)")
    index = make_index()
    other = open_index(Path(index.location))
    try:
        with index.writer(0), pytest.raises(IndexBusyError), other.writer(0):
            pass
    finally:
        other.close()


def test_filters_are_pushed_into_both_searches(tmp_path: Path) -> None:
    """A filter that keeps 50 of 100,000 passages still gets the full top-k from those 50,
    from the dense and from the keyword search (not the top of everything, filtered).

    On the flat store only: tests/test_vector_stores.py holds every store to the same
    100,000-vector filter, and IVF would spend this test re-learning its clusters."""
    index = create_index(tmp_path / "index", spec())
    rng = np.random.default_rng(3)
    common = "Troops moved near the border today."
    with index.writer(0) as writer:
        for number in range(2_000):
            big, passages = article(f"wire-{number}", [common] * 50, source="Wire Service")
            writer.upsert(big, passages, unit(rng, 50))
        for number in range(5):
            # Longer passages: BM25 ranks them below every wire passage.
            small, passages = article(
                f"small-{number}",
                [
                    f"{common} Local report {number}.{j} with many more words in it."
                    for j in range(10)
                ],
                source="Small Outlet",
                published=date(2022, 2, number + 1),
            )
            writer.upsert(small, passages, unit(rng, 10))
    only_small = QueryFilters(outlets=("small",))
    with index.snapshot() as snap:
        assert snap.counts() == (2_005, 100_050)
        for hits in (
            snap.keyword(["troops", "border"], 20, only_small),
            snap.dense(unit(rng, 1)[0], 20, only_small),
        ):
            assert len(hits) == 20
            owners = snap.owners([pid for pid, _ in hits])
            assert {owners[pid].split("-")[0] for pid, _ in hits} == {"small"}
        dated = QueryFilters(since=date(2022, 2, 4))
        owners = snap.owners([pid for pid, _ in snap.keyword(["troops"], 50, dated)])
        assert set(owners.values()) == {"small-3", "small-4"}
    index.close()

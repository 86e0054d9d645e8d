"""``askbot migrate SRC DST``: copies an index between backends (folder, Milvus) and checks it.

Articles are read from the source and ingested into the destination in batches, each
batch one commit, with the source's embedder and chunker, so the destination holds the
same passages. Vectors are re-embedded (served by the embedding cache for anything this
machine embedded before: the source's own vectors are not reachable per article through
the index interface). A migration that is killed resumes when run again: articles already
copied have the same content hash and are skipped. Articles the destination has and the
source does not are removed, so the destination ends as a copy. It then checks that the
counts agree and that a sample of questions gets the same excerpts from both, densely
retrieved (BM25 scores differ by engine: README, "Milvus").
"""

from __future__ import annotations

from collections.abc import Callable

from askbot.errors import IndexError_
from askbot.index import IndexSpec, create_index
from askbot.keywords.fts5 import NAME as FTS5
from askbot.models import Component, Record, RetrievalMode
from askbot.service import AskBot
from askbot.settings import Settings
from askbot.vectors import resolve_store

BATCH = 200
SAMPLE = 5


class MigrateReport(Record):
    articles: int
    passages: int
    copied: int
    unchanged: int
    removed: int
    questions_checked: int
    sources: int = 0  # followed sources copied with the index


def migrate(
    settings: Settings,
    source: str,
    target: str,
    *,
    sample: int = SAMPLE,
    progress: Callable[[int, int], None] | None = None,
) -> MigrateReport:
    if source == target:
        raise IndexError_("the source and destination are the same index", "name two indexes")
    src = AskBot.open(settings.model_copy(update={"index": source}))
    try:
        m = src.index.manifest
        spec = IndexSpec(
            embedder=m.embedder,
            dimension=m.dimension,
            chunker=m.chunker,
            vector_store=m.vector_store
            if m.vector_store.name.startswith("faiss")
            else Component(name=resolve_store(settings.vector_store)),
            keyword_index=Component(name=FTS5),
        )
        dst_index = create_index(target, spec)
        if dst_index.manifest.embedder != m.embedder or dst_index.manifest.chunker != m.chunker:
            dst_index.close()
            raise IndexError_(
                f"{target} was built with another embedder or chunker than {source}",
                "migrate into a new, empty index",
            )
        dst = AskBot(dst_index, src.embedder, settings.model_copy(update={"index": target}))
        try:
            return _copy(src, dst, sample, progress)
        finally:
            dst.close()
    finally:
        src.close()


def _copy(
    src: AskBot, dst: AskBot, sample: int, progress: Callable[[int, int], None] | None
) -> MigrateReport:
    with src.index.snapshot() as snap:
        ids = snap.article_ids()
    copied = unchanged = 0
    for start in range(0, len(ids), BATCH):
        with src.index.snapshot() as snap:
            batch = [a for a in (snap.article(i) for i in ids[start : start + BATCH]) if a]
        report = dst.ingest_articles(batch)
        copied += report.added + report.updated
        unchanged += report.unchanged
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    with dst.index.snapshot() as snap:
        extra = sorted(set(snap.article_ids()) - set(ids))
    removed, _ = dst.remove(extra) if extra else ([], [])
    with src.index.snapshot() as a, dst.index.snapshot() as b:
        counts, copy_counts = a.counts(), b.counts()
        questions = []
        for article_id in ids[:: max(1, len(ids) // max(sample, 1))][:sample]:
            article = a.article(article_id)
            if article is not None:
                questions.append(article.title or " ".join(article.text.split()[:12]))
    if counts != copy_counts:
        raise IndexError_(
            f"the copy holds {copy_counts[0]} articles and {copy_counts[1]} passages, "
            f"the source {counts[0]} and {counts[1]}",
            "run askbot migrate again (it resumes)",
        )
    for question in questions:
        want = src.ask(question, retriever=RetrievalMode.dense)
        got = dst.ask(question, retriever=RetrievalMode.dense)
        if [(e.article_id, e.start, e.end) for e in want.excerpts] != [
            (e.article_id, e.start, e.end) for e in got.excerpts
        ]:
            raise IndexError_(
                f"the copy answers {question!r} differently from the source",
                "run askbot migrate again, or report a bug",
            )
    return MigrateReport(
        articles=counts[0],
        passages=counts[1],
        copied=copied,
        unchanged=unchanged,
        removed=len(removed),
        questions_checked=len(questions),
        sources=_copy_sources(src, dst),
    )


def _copy_sources(src: AskBot, dst: AskBot) -> int:
    """The followed sources go with the index, as a copied folder keeps its sources.json:
    copied last (the articles they record as seen are in the copy by then), and only into
    a destination that follows none of its own."""
    from askbot.sources.registry import store_for

    source = store_for(src.index, src.settings)
    target = store_for(dst.index, dst.settings)
    if source.read() is None:
        return 0
    registry = source.load()
    with target.locked(dst.settings.lock_timeout):
        if target.load().sources:
            return 0
        target.save(registry)
    return len(registry.sources)


__all__ = ["MigrateReport", "migrate"]

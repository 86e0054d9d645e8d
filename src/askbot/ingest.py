"""The ingest pipeline: articles -> passages -> vectors -> one committed index write.

The whole run is one transaction: an interrupted ingest leaves the index as it was.
Unchanged articles (same content hash) are recognised before any embedding, so
re-ingesting a folder costs only the reading.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from askbot.chunker import chunk
from askbot.models import Article, ChunkerConfig, IngestReport, Passage, Skipped

if TYPE_CHECKING:
    from askbot.embedders import Embedder
    from askbot.index import Index

# Passages per call to the model: large enough for sentence-transformers to sort by
# length and pad little, small enough for the progress bar to move.
EMBED_GROUP = 1024

Progress = Callable[[int, int, int], None]
"""Called as progress(articles_done, passages_done, articles_total)."""


def embedding_text(article: Article, passage: Passage, config: ChunkerConfig) -> str:
    """What the model sees: the headline gives a passage its story's context."""
    if config.title_in_embedding and article.title:
        return f"{article.title.rstrip(' .')}. {passage.text}"
    return passage.text


def _groups(
    articles: list[Article], config: ChunkerConfig
) -> Iterator[list[tuple[Article, list[Passage]]]]:
    group: list[tuple[Article, list[Passage]]] = []
    size = 0
    for article in articles:
        passages = chunk(article.id, article.text, config)
        group.append((article, passages))
        size += len(passages)
        if size >= EMBED_GROUP:
            yield group
            group, size = [], 0
    if group:
        yield group


def ingest(
    index: Index,
    embedder: Embedder,
    items: Iterable[Article | Skipped],
    *,
    lock_timeout: float,
    progress: Progress | None = None,
) -> IngestReport:
    started = time.perf_counter()
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in items:
        (articles if isinstance(item, Article) else skipped).append(item)  # type: ignore[arg-type]
    config = index.manifest.chunker
    added = updated = passages_done = 0
    with index.writer(lock_timeout) as writer:
        known = writer.content_hashes([a.id for a in articles])
        todo = [a for a in articles if known.get(a.id) != a.content_hash]
        done = len(articles) - len(todo)
        if progress:
            progress(done, 0, len(articles))
        for group in _groups(todo, config):
            texts = [embedding_text(a, p, config) for a, ps in group for p in ps]
            vectors = embedder.embed(texts, "passage")
            row = 0
            for article, passages in group:
                writer.upsert(article, passages, vectors[row : row + len(passages)])
                row += len(passages)
                if article.id in known:
                    updated += 1
                else:
                    added += 1
            done += len(group)
            passages_done += row
            if progress:
                progress(done, passages_done, len(articles))
    return IngestReport(
        added=added,
        updated=updated,
        unchanged=len(articles) - len(todo),
        passages=passages_done,
        skipped=tuple(skipped),
        seconds=round(time.perf_counter() - started, 3),
    )

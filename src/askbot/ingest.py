"""The ingest pipeline: articles -> passages -> vectors -> one committed index write.

The whole run is one transaction: an interrupted ingest leaves the index as it was.
Unchanged articles (same content hash) are recognised before any embedding, so
re-ingesting a folder costs only the reading.

The model and the rest of the work overlap: while a group of passages is embedded (in a
thread: onnxruntime and PyTorch release the GIL), this thread finds who said what in the
group's articles (spaCy) and writes the group before. On two cores, ingest costs
about the sum of all the work divided by the cores, not the model plus the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from askbot.articles import Read
from askbot.chunker import chunk
from askbot.models import Article, ChunkerConfig, IngestReport, Notice, Passage, Skipped
from askbot.news.stories import group as group_stories

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from askbot.embedders import Embedder
    from askbot.index import Index, Writer

# Passages per call to the model: large enough for sentence-transformers to sort by
# length and pad little, small enough for the progress bar to move (a very long article
# is embedded in slices of this size too).
EMBED_GROUP = 1024

Progress = Callable[[int, int, int], None]
"""Called as progress(articles_done, passages_done, articles_total)."""

Item = Article | Read | Skipped | Notice
Group = list[tuple[Article, list[Passage]]]
"""Articles embedded together, each with its passages."""


def embedding_text(article: Article, passage: Passage, config: ChunkerConfig) -> str:
    """What the model sees: the headline gives a passage its story's context."""
    if config.title_in_embedding and article.title:
        return f"{article.title.rstrip(' .')}. {passage.text}"
    return passage.text


def _groups(articles: list[Article], config: ChunkerConfig) -> Iterator[Group]:
    group: Group = []
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


def _named(reads: list[Read], writer: Writer, skipped: list[Skipped]) -> list[Article]:
    """The articles to write, with the ids of files askbot names settled against the index:
    a file ingested before keeps its article's id; a name another file holds is reported."""
    by_path = [r for r in reads if r.named_by_path and r.article.origin]
    before = writer.ids_by_origin([r.article.origin for r in by_path if r.article.origin])
    holders = writer.origins([r.article.id for r in by_path])
    articles: list[Article] = []
    taken: dict[str, str] = {}
    for read in reads:
        article = read.article
        if read.named_by_path and article.origin:
            if article.origin in before:
                article = article.model_copy(update={"id": before[article.origin]})
            elif holders.get(article.id, article.origin) != article.origin:
                skipped.append(
                    Skipped(
                        location=read.location,
                        reason=f"its name {article.id!r} is already taken by "
                        f"{holders[article.id]}; ingest the folder that holds both "
                        "(each is then named by its path in it), or remove the other",
                    )
                )
                continue
        if article.id in taken:
            skipped.append(
                Skipped(
                    location=read.location,
                    reason=f"duplicate article id {article.id!r} (first in {taken[article.id]})",
                )
            )
            continue
        taken[article.id] = read.location
        articles.append(article)
    return articles


class _Speakers:
    """Who said what in articles (``askbot.news.speakers``); nothing when turned off
    (``ASKBOT_SPEAKERS``), or with one notice when its NLP model is not installed."""

    def __init__(self, notices: list[Notice], *, on: bool) -> None:
        self._notices = notices
        self._on = on

    @cached_property
    def _off(self) -> str | None:
        """Why attribution does not run (asked once, when there is something to read)."""
        from askbot.news import speakers  # spaCy loads only when something is ingested

        if not self._on:
            return "off"
        off = speakers.available()
        if off is not None:
            self._notices.append(Notice(location="ingest", message=off))
        return off

    def __call__(self, articles: list[Article]) -> list[Article]:
        if not articles or self._off is not None:
            return articles
        from askbot.news import speakers

        return [a.model_copy(update={"quotes": speakers.attribute(a.text)}) for a in articles]


def _embed(embedder: Embedder, texts: Sequence[str]) -> NDArray[np.float32]:
    parts = [
        embedder.embed(texts[start : start + EMBED_GROUP], "passage")
        for start in range(0, len(texts), EMBED_GROUP)
    ]
    return np.vstack(parts) if parts else np.zeros((0, embedder.dimension), np.float32)


def ingest(
    index: Index,
    embedder: Embedder,
    items: Iterable[Item],
    *,
    lock_timeout: float,
    progress: Progress | None = None,
    speakers: bool = True,
) -> IngestReport:
    started = time.perf_counter()
    reads: list[Read] = []
    skipped: list[Skipped] = []
    notices: list[Notice] = []
    for item in items:
        if isinstance(item, Skipped):
            skipped.append(item)
        elif isinstance(item, Notice):
            notices.append(item)
        elif isinstance(item, Read):
            reads.append(item)
        else:
            reads.append(Read(item, item.id))
    config = index.manifest.chunker
    added = updated = passages_done = 0
    with index.writer(lock_timeout) as writer:
        articles = _named(reads, writer, skipped)
        known = writer.content_hashes([a.id for a in articles])
        todo = [a for a in articles if known.get(a.id) != a.content_hash]
        done = len(articles) - len(todo)
        if progress:
            progress(done, 0, len(articles))

        def write(group: Group, vectors: Future[NDArray[np.float32]]) -> None:
            nonlocal added, updated, done, passages_done
            row = 0
            embedded = vectors.result()
            for article, passages in group:
                writer.upsert(article, passages, embedded[row : row + len(passages)])
                row += len(passages)
                if article.id in known:
                    updated += 1
                else:
                    added += 1
            done += len(group)
            passages_done += row
            if progress:
                progress(done, passages_done, len(articles))

        attributed = _Speakers(notices, on=speakers)
        # One group embeds in the model's thread while this one attributes its speakers
        # and writes the group before; at most two groups of vectors are held at once.
        with ThreadPoolExecutor(1, thread_name_prefix="askbot-embed") as model:
            pending: tuple[Group, Future[NDArray[np.float32]]] | None = None
            for group in _groups(todo, config):
                texts = [embedding_text(a, p, config) for a, ps in group for p in ps]
                vectors = model.submit(_embed, embedder, texts)
                people = attributed([a for a, _ in group])
                group = [(a, ps) for a, (_, ps) in zip(people, group, strict=True)]
                if pending is not None:
                    write(*pending)
                pending = (group, vectors)
            if pending is not None:
                write(*pending)
        # After the writes: new and changed articles are compared with every other one.
        stories_seconds = group_stories(writer, articles).seconds
    return IngestReport(
        added=added,
        updated=updated,
        unchanged=len(articles) - len(todo),
        passages=passages_done,
        skipped=tuple(skipped),
        notices=tuple(notices),
        seconds=round(time.perf_counter() - started, 3),
        stories_seconds=round(stories_seconds, 3),
    )

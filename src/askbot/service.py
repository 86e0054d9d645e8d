"""``AskBot``: the facade every door (CLI, REPL, Slack, eval, benchmarks) calls.

It owns an open index and an embedder, answers ``ask(question) -> Answer``, and ingests.
Adapters only render what it returns; none of them touches the index, the vectors or the
model directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from askbot.answering import Evidence, Pipeline, build_pipeline
from askbot.embedders import (
    Embedder,
    create_embedder,
    embedder_for_index,
    embedder_name,
    split_name,
    vectors_compatible,
)
from askbot.embedders.cache import CachedEmbedder
from askbot.errors import AskbotError, IndexIncompatibleError, IndexMissingError
from askbot.index import (
    Index,
    IndexSpec,
    create_index,
    destroy_index,
    index_exists,
    open_index,
)
from askbot.keywords.fts5 import NAME as FTS5
from askbot.models import (
    Answer,
    Article,
    Component,
    IndexInfo,
    IngestReport,
    RankedPassage,
    RetrievalMode,
    Timings,
)
from askbot.query import Query, parse_question
from askbot.sample import sample_dir
from askbot.settings import DEFAULT_INDEX, Settings
from askbot.vectors import resolve_store

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from askbot.ingest import Item, Progress

# Excerpts a timeline shows at least: a story's development needs more than three.
TIMELINE_K = 8


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _cached(embedder: Embedder, settings: Settings) -> Embedder:
    if settings.embedding_cache.strip().lower() in ("", "off", "none"):
        return embedder
    return CachedEmbedder(embedder, Path(settings.embedding_cache))


def configured_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name (for a new index)."""
    return _cached(create_embedder(settings.backend, settings.model, settings.batch_size), settings)


def _refuse(location: str, built_with: str, other: str, why: str = "") -> IndexIncompatibleError:
    backend = split_name(built_with)[0] or "the index's own"
    return IndexIncompatibleError(
        f"{location} was built with embedder {built_with!r}, whose vectors "
        f"{other!r} does not share{why}",
        f"use --backend {backend} (ASKBOT_BACKEND={backend}) or ingest into a new --index",
    )


def _embedder_of(index: Index, settings: Settings) -> Embedder:
    """The index's own embedder, or a configured one proven to make the same vectors
    (PyTorch and onnx fp32); any other is refused."""
    built_with = index.manifest.embedder
    if {"model", "backend"} & settings.model_fields_set:
        wanted = embedder_name(settings.backend, settings.model)
        if not vectors_compatible(built_with, wanted):
            raise _refuse(index.location, built_with, wanted)
        # What the user named, even where a stand-in would do (ASKBOT_BACKEND=torch).
        chosen = create_embedder(settings.backend, settings.model, settings.batch_size)
        return _checked(index, chosen, settings)
    chosen = embedder_for_index(built_with, settings.batch_size, index.location)
    return _checked(index, chosen, settings)


def _checked(index: Index, embedder: Embedder, settings: Settings) -> Embedder:
    """A backend that fell back (no onnxruntime) must still make the index's vectors."""
    if not vectors_compatible(index.manifest.embedder, embedder.name):
        raise _refuse(
            index.location,
            index.manifest.embedder,
            embedder.name,
            " (its own backend is unavailable here: pip install onnxruntime)",
        )
    return _cached(embedder, settings)


def _is_stale(location: str, embedder: Embedder, settings: Settings) -> bool:
    try:
        with open_index(location) as old:
            built = (old.manifest.embedder, old.manifest.chunker)
    except IndexMissingError:
        return False
    except AskbotError:
        return True  # damaged or of another format: rebuilt too
    return not vectors_compatible(built[0], embedder.name) or built[1] != settings.chunker()


class AskBot:
    def __init__(
        self, index: Index, embedder: Embedder, settings: Settings, pipeline: Pipeline | None = None
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.pipeline = pipeline or build_pipeline(settings)
        self._warm = False
        self._prepared: dict[str, NDArray[np.float32]] = {}

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        *,
        create: bool = False,
        rebuild: bool = False,
    ) -> AskBot:
        """Opens ``settings.index``.

        ``create`` builds an empty index when there is none; ``rebuild`` also replaces one
        built with another model or chunker (for indexes askbot builds itself).
        """
        location = settings.index
        if rebuild:
            wanted = embedder or configured_embedder(settings)
            if _is_stale(location, wanted, settings):
                destroy_index(location)
        try:
            index = open_index(location)
        except IndexMissingError:
            if not create:
                raise
            embedder = embedder or configured_embedder(settings)
            spec = IndexSpec(
                embedder=embedder.name,
                dimension=embedder.dimension,
                chunker=settings.chunker(),
                vector_store=Component(name=resolve_store(settings.vector_store)),
                keyword_index=Component(name=FTS5),
            )
            index = create_index(location, spec)
        if embedder is None:
            embedder = _embedder_of(index, settings)
        elif not vectors_compatible(index.manifest.embedder, embedder.name):
            index.close()
            raise _refuse(index.location, index.manifest.embedder, embedder.name)
        return cls(index, embedder, settings)

    @classmethod
    def open_or_sample(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        notice: Callable[[str], None] = print,
    ) -> AskBot:
        """Opens the index; at the default location, builds the sample index on first use."""
        if Path(settings.index) != Path(DEFAULT_INDEX) or index_exists(settings.index):
            return cls.open(settings, embedder)
        notice(
            f"askbot: no index at {settings.index} yet: building it from the two sample "
            "articles (once). Add your own with: askbot ingest PATH"
        )
        bot = cls.open(settings, embedder, create=True)
        bot.ingest_paths([sample_dir()])
        return bot

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> AskBot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def warm_up(self) -> float:
        """Loads the model and opens the index now, so the first question is not slower;
        returns the milliseconds it took (0 when already warm)."""
        if self._warm:
            return 0.0
        started = time.perf_counter()
        self.embedder.warm_up()
        with self.index.snapshot():
            pass
        self._warm = True
        return _ms(time.perf_counter() - started)

    def _vector(self, query: Query, mode: RetrievalMode) -> NDArray[np.float32] | None:
        """The question's vector; none for keywords alone, so no model is loaded for them."""
        if mode == RetrievalMode.bm25:
            return None
        prepared = self._prepared.get(query.text)
        if prepared is not None:
            return prepared
        row: NDArray[np.float32] = self.embedder.embed([query.text], "query")[0]
        return row

    def prepare(
        self, questions: Sequence[str], retriever: RetrievalMode | str | None = None
    ) -> None:
        """Embeds questions ahead of asking them, in batches (evaluation): the model is
        many times faster per question in a batch than one at a time."""
        if RetrievalMode(retriever or self.settings.retriever) == RetrievalMode.bm25:
            return
        texts: list[str] = []
        for question in questions:
            try:
                texts.append(self._query(question, None, None)[0].text)
            except AskbotError:
                continue  # asking it will report the problem
        todo = [t for t in dict.fromkeys(texts) if t not in self._prepared]
        if todo:
            self.warm_up()
            self._prepared.update(zip(todo, self.embedder.embed(todo, "query"), strict=True))

    # -- writing ------------------------------------------------------------------------

    def ingest_paths(self, paths: Sequence[Path], progress: Progress | None = None) -> IngestReport:
        from askbot.articles import read_articles  # the readers load parsers a question never needs

        max_bytes = int(self.settings.max_file_mb * 1_000_000)
        return self.ingest_articles(read_articles(paths, max_bytes), progress)

    def ingest_articles(
        self, articles: Iterable[Item], progress: Progress | None = None
    ) -> IngestReport:
        """Adds or replaces articles (``Article`` records, or what ``read_articles`` yields)."""
        from askbot.ingest import ingest

        return ingest(
            self.index,
            self.embedder,
            articles,
            lock_timeout=self.settings.lock_timeout,
            progress=progress,
            speakers=self.settings.speakers,
        )

    def remove(self, article_ids: Sequence[str]) -> tuple[list[str], list[str]]:
        """Deletes articles; returns (removed ids, ids that were not in the index)."""
        removed: list[str] = []
        missing: list[str] = []
        with self.index.writer(self.settings.lock_timeout) as writer:
            for article_id in dict.fromkeys(article_ids):
                (removed if writer.remove(article_id) else missing).append(article_id)
            if removed:  # a removed article may have been what held its story together
                from askbot.news.stories import group

                group(writer, [])
        return removed, missing

    # -- reading ------------------------------------------------------------------------

    def describe(self) -> IndexInfo:
        """What the index holds and was built with (``askbot info``)."""
        return self.index.info()

    def article(self, article_id: str) -> Article | None:
        with self.index.snapshot() as snap:
            return snap.article(article_id)

    def story_copies(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The other articles of each of these articles' stories, each mapped to the one
        of ``article_ids`` it is a copy of."""
        if not article_ids:
            return {}
        with self.index.snapshot() as snap:
            stories = snap.stories(article_ids)
        copies: dict[str, str] = {}
        for article_id in article_ids:
            for member in stories.get(article_id, ("", []))[1]:
                if member.article_id not in article_ids:
                    copies.setdefault(member.article_id, article_id)
        return copies

    def _query(self, question: str, k: int | None, as_of: date | None) -> tuple[Query, int]:
        query = parse_question(
            question,
            self.settings.max_question_chars,
            as_of=as_of,
            time_words=self.settings.time_words,
        )
        return query, max(1, min(k or self.settings.top_k, 20))

    def ask(
        self,
        question: str,
        k: int | None = None,
        retriever: RetrievalMode | str | None = None,
        *,
        as_of: date | None = None,
        timeline: bool = False,
    ) -> Answer:
        """Answers with up to ``k`` verbatim excerpts, or says the articles do not answer.

        ``as_of`` asks the question on that date: "this week" means the week before it,
        and nothing published after it is used. ``timeline`` lists the excerpts (one per
        article, at least ``TIMELINE_K``) in order of publication.
        """
        query, k = self._query(question, k, as_of)
        if timeline:
            k = max(k, TIMELINE_K)
        mode = RetrievalMode(retriever or self.settings.retriever)
        # Loading the model is reported apart: a first question does not pay for it.
        load_ms = self.warm_up() if mode != RetrievalMode.bm25 else 0.0
        started = time.perf_counter()
        vector = self._vector(query, mode)
        embedded = time.perf_counter()
        with self.index.snapshot() as snapshot:
            evidence = Evidence(snapshot, query, vector, k, timeline=timeline)
            answer = self.pipeline.run(evidence, mode)
        finished = time.perf_counter()
        return answer.model_copy(
            update={
                "timings": Timings(
                    load_ms=load_ms,
                    embed_ms=_ms(embedded - started),
                    search_ms=answer.timings.search_ms,
                    select_ms=answer.timings.select_ms,
                    total_ms=_ms(finished - started),
                )
            }
        )

    def retrieve(
        self,
        question: str,
        retriever: RetrievalMode | str | None = None,
        depth: int = 20,
        *,
        as_of: date | None = None,
    ) -> list[RankedPassage]:
        """The ranked passages ``ask`` would quote from (retrieval only, for evaluation)."""
        query, k = self._query(question, None, as_of)
        mode = RetrievalMode(retriever or self.settings.retriever)
        vector = self._vector(query, mode)
        with self.index.snapshot() as snapshot:
            hits = self.pipeline.retrieve(Evidence(snapshot, query, vector, k), mode)[:depth]
            owners = snapshot.owners([h.passage_id for h in hits])
        return [
            RankedPassage(
                passage_id=h.passage_id,
                article_id=owners[h.passage_id],
                score=h.score,
                cosine=h.cosine,
                bm25=h.bm25,
            )
            for h in hits
            if h.passage_id in owners
        ]

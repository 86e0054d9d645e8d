"""``AskBot``: the facade every door (CLI, REPL, Slack, eval) calls.

It owns an open index and an embedder, answers ``ask(question) -> Answer``, and ingests.
Adapters only render what it returns.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from askbot.articles import read_articles
from askbot.embedder import Embedder, SentenceTransformerEmbedder
from askbot.errors import IndexMissingError
from askbot.excerpts import coverage, idf_weights, rerank, score_units, select
from askbot.figures import discrepancies
from askbot.index import Index, destroy
from askbot.ingest import Progress, ingest
from askbot.models import Answer, Article, IndexInfo, IngestReport, Skipped, Timings
from askbot.query import parse_question
from askbot.retriever import Mode, Retriever
from askbot.sample import sample_dir
from askbot.settings import Settings

RANKING_DEPTH = 20
# Passages re-ranked by their best sentence (benchmarks/ablate_rerank.py).
RERANK_DEPTH = 20
# Passages whose sentences compete to be quoted; deeper ones almost never win.
EXCERPT_PASSAGES = 10
NO_MATCH = "none of the articles matches the question's words or meaning"
WEAK = "the closest passages do not answer it (confidence {:.2f} is below {:.2f})"


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class AskBot:
    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self._retriever = Retriever(
            index,
            candidates=settings.candidates,
            fusion=settings.fusion,
            dense_weight=settings.dense_weight,
            rrf_k=settings.rrf_k,
        )
        self._idf_lock = threading.Lock()
        self._idf_generation = -2
        self._df: dict[str, int] = {}
        self._total = 0

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
        embedder = embedder or SentenceTransformerEmbedder(settings.model, settings.batch_size)
        path = settings.index
        if rebuild and path.exists():
            try:
                old = Index.open(path)
                stale = (old.manifest.embedder, old.manifest.chunker) != (
                    embedder.name,
                    settings.chunker(),
                )
                old.close()
            except IndexMissingError:
                stale = False
            except Exception:  # noqa: BLE001 - a damaged index is rebuilt too
                stale = True
            if stale:
                destroy(path)
        try:
            index = Index.open(path)
        except IndexMissingError:
            if not create:
                raise
            index = Index.create(
                path,
                embedder=embedder.name,
                dimension=embedder.dimension,
                chunker=settings.chunker(),
            )
        index.check_embedder(embedder.name)
        return cls(index, embedder, settings)

    @classmethod
    def open_or_sample(
        cls,
        settings: Settings,
        embedder: Embedder | None = None,
        notice: Callable[[str], None] = print,
    ) -> AskBot:
        """Opens the index; at the default location, builds the sample index on first use."""
        default = Settings.model_fields["index"].default
        if settings.index != default or (settings.index / "manifest.json").exists():
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

    # -- writing ------------------------------------------------------------------------

    def ingest_paths(self, paths: Sequence[Path], progress: Progress | None = None) -> IngestReport:
        max_bytes = int(self.settings.max_file_mb * 1_000_000)
        return self.ingest_articles(read_articles(paths, max_bytes), progress)

    def ingest_articles(
        self, articles: Iterable[Article | Skipped], progress: Progress | None = None
    ) -> IngestReport:
        return ingest(
            self.index,
            self.embedder,
            articles,
            lock_timeout=self.settings.lock_timeout,
            progress=progress,
        )

    def remove(self, article_ids: Sequence[str]) -> tuple[list[str], list[str]]:
        """Deletes articles; returns (removed ids, ids that were not in the index)."""
        removed: list[str] = []
        missing: list[str] = []
        with self.index.writer(self.settings.lock_timeout) as writer:
            for article_id in dict.fromkeys(article_ids):
                (removed if writer.remove(article_id) else missing).append(article_id)
        return removed, missing

    def info(self) -> IndexInfo:
        self.index.refresh()
        return self.index.info()

    def article(self, article_id: str) -> Article | None:
        return self.index.store.article(article_id)

    # -- answering ----------------------------------------------------------------------

    def _document_frequencies(self) -> tuple[dict[str, int], int]:
        with self._idf_lock:
            if self._idf_generation != self.index.generation:
                self._df = self.index.store.document_frequencies()
                self._total = self.index.store.counts()[1]
                self._idf_generation = self.index.generation
            return self._df, self._total

    def ask(self, question: str, k: int | None = None, retriever: Mode | None = None) -> Answer:
        """Answers with up to ``k`` verbatim excerpts, or says the articles do not answer."""
        started = time.perf_counter()
        query = parse_question(question, self.settings.max_question_chars)
        k = max(1, min(k or self.settings.top_k, 20))
        mode: Mode = retriever or self.settings.retriever
        self.index.refresh()

        vector = self.embedder.embed([query.text], "query")[0]
        embedded = time.perf_counter()
        hits = self._retriever.search(query, vector, mode)
        searched = time.perf_counter()

        df, total = self._document_frequencies()
        weights = idf_weights(query.terms, df, total)
        quoted = max(EXCERPT_PASSAGES, 3 * k)
        # dense and bm25 stay single retrievers, for comparison: only hybrid re-ranks.
        depth = max(RERANK_DEPTH, 3 * k) if mode == "hybrid" else quoted
        rows = self.index.store.passages(h.passage_id for h in hits[:depth])
        scored = score_units(rows, weights)
        if mode == "hybrid":
            hits = rerank(hits[:depth], scored, self.settings.sentence_weight) + hits[depth:]
        excerpts = select(hits[:quoted], rows, scored, k, prefer_quotes=query.wants_quote)
        confidence = 0.0
        if excerpts:
            best_cosine = max(h.cosine for h in hits[:3])
            confidence = 0.5 * best_cosine + 0.5 * coverage(excerpts[0].text, weights)
        answered = bool(excerpts) and confidence >= self.settings.min_confidence
        reason = None
        if not excerpts:
            reason = NO_MATCH
        elif not answered:
            reason = WEAK.format(confidence, self.settings.min_confidence)
        owners = self.index.store.article_ids_for([h.passage_id for h in hits])
        ranking = list(dict.fromkeys(owners[h.passage_id] for h in hits if h.passage_id in owners))
        finished = time.perf_counter()
        return Answer(
            question=query.text,
            answered=answered,
            excerpts=tuple(excerpts) if answered else (),
            confidence=round(confidence, 4),
            reason=reason,
            filters=query.filters,
            discrepancies=discrepancies(excerpts) if answered else (),
            warnings=tuple(query.warnings),
            ranking=tuple(ranking[:RANKING_DEPTH]),
            timings=Timings(
                embed_ms=_ms(embedded - started),
                search_ms=_ms(searched - embedded),
                select_ms=_ms(finished - searched),
                total_ms=_ms(finished - started),
            ),
        )

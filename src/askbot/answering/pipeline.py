"""Answering as a pipeline of stages, composed from settings in one place.

    candidates (dense | keyword | hybrid) -> re-rank -> excerpt selection
        -> confidence / abstention -> answer analyzers (news/)

Each stage is a small class in its own module; ``build_pipeline`` is the only place that
knows which ones run and with which settings.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Protocol

from askbot.answering import filters as filtering
from askbot.answering.candidates import (
    CandidateSource,
    DenseCandidates,
    HybridCandidates,
    KeywordCandidates,
)
from askbot.answering.confidence import NO_MATCH, ConfidenceJudge, Verdict
from askbot.answering.evidence import Evidence, Hit
from askbot.answering.excerpts import ExcerptSelector
from askbot.answering.quotes import QuotationsFirst
from askbot.answering.recency import TimePreference
from askbot.answering.rerank import SentenceReranker
from askbot.answering.speaker import SpeakerCheck, SpeakerFirst
from askbot.models import Answer, Excerpt, RetrievalMode, Timings
from askbot.news import FigureAnalyzer, StalenessAnalyzer
from askbot.settings import Settings

RANKING_DEPTH = 20


class Reranker(Protocol):
    def rerank(self, hits: list[Hit], evidence: Evidence) -> list[Hit]: ...


class AnswerAnalyzer(Protocol):
    def analyze(self, answer: Answer, evidence: Evidence) -> Answer: ...


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class Pipeline:
    def __init__(
        self,
        sources: Mapping[RetrievalMode, CandidateSource],
        rerankers: Mapping[RetrievalMode, Reranker],
        selector: ExcerptSelector,
        judge: ConfidenceJudge,
        analyzers: Sequence[AnswerAnalyzer],
        preferences: Sequence[Reranker] = (),
    ) -> None:
        self.sources = sources
        self.preferences = preferences
        self.rerankers = rerankers
        self.selector = selector
        self.judge = judge
        self.analyzers = analyzers

    def _ranked(self, hits: list[Hit], evidence: Evidence, mode: RetrievalMode) -> list[Hit]:
        """Candidates ranked: the question's preferences (its time), then re-ranking."""
        for preference in self.preferences:
            hits = preference.rerank(hits, evidence)
        reranker = self.rerankers.get(mode)
        return reranker.rerank(hits, evidence) if reranker else hits

    def retrieve(self, evidence: Evidence, mode: RetrievalMode) -> list[Hit]:
        """The ranked candidates for the question: found, then ranked."""
        return self._ranked(self.sources[mode].find(evidence), evidence, mode)

    def run(self, evidence: Evidence, mode: RetrievalMode) -> Answer:
        started = time.perf_counter()
        query = evidence.query
        warnings = list(query.warnings)
        hits: list[Hit]
        excerpts: list[Excerpt]
        report = evidence.snapshot.filter_report(query.filters) if query.filters.active else None
        if report is not None:
            warnings += filtering.notes(report, query.filters)
        if evidence.passages == 0:
            hits, excerpts = [], []
            verdict = Verdict(False, 0.0, filtering.EMPTY_INDEX)
            searched = time.perf_counter()
        elif report is not None and report.kept == 0:
            hits = []
            verdict = Verdict(False, 0.0, filtering.nothing_kept(report, query.filters))
            excerpts = []
            searched = time.perf_counter()
        else:
            hits = self.sources[mode].find(evidence)
            searched = time.perf_counter()
            hits = self._ranked(hits, evidence, mode)
            excerpts = self.selector.select(hits, evidence)
            verdict = self.judge.judge(hits, excerpts, evidence)
            if verdict.reason == NO_MATCH and report is not None:
                verdict = Verdict(False, 0.0, filtering.no_match_among(report, query.filters))
        owners = evidence.snapshot.owners([h.passage_id for h in hits])
        ranking = list(dict.fromkeys(owners[h.passage_id] for h in hits if h.passage_id in owners))
        answer = Answer(
            question=query.text,
            answered=verdict.answered,
            excerpts=tuple(excerpts) if verdict.answered else (),
            confidence=round(verdict.confidence, 4),
            reason=verdict.reason,
            filters=query.filters,
            warnings=tuple(warnings),
            ranking=tuple(ranking[:RANKING_DEPTH]),
            timeline=evidence.timeline,
        )
        for analyzer in self.analyzers:
            answer = analyzer.analyze(answer, evidence)
        finished = time.perf_counter()
        return answer.model_copy(
            update={
                "timings": Timings(
                    search_ms=_ms(searched - started), select_ms=_ms(finished - searched)
                )
            }
        )


def build_pipeline(settings: Settings) -> Pipeline:
    """The stages askbot answers with, as the settings choose them."""
    n = settings.candidates
    sources: dict[RetrievalMode, CandidateSource] = {
        RetrievalMode.hybrid: HybridCandidates(
            n, settings.fusion, settings.dense_weight, settings.rrf_k
        ),
        RetrievalMode.dense: DenseCandidates(n),
        RetrievalMode.bm25: KeywordCandidates(n),
    }
    # dense and bm25 stay single retrievers, for comparison: only hybrid re-ranks.
    rerankers: dict[RetrievalMode, Reranker] = {
        RetrievalMode.hybrid: SentenceReranker(settings.sentence_weight)
    }
    # A question's time moves both the passages and the units quoted from them.
    time = TimePreference(settings.recency_weight)
    return Pipeline(
        sources,
        rerankers,
        ExcerptSelector(boosts=[QuotationsFirst(), SpeakerFirst(), time]),
        ConfidenceJudge(settings.min_confidence),
        analyzers=[FigureAnalyzer(), StalenessAnalyzer(), SpeakerCheck()],
        preferences=[time],
    )

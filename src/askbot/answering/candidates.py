"""Candidate passages: dense search, keyword search, or both fused.

Every hit carries its cosine similarity to the question (from the stored vector when the
dense search did not return it), because abstention needs an absolute measure that ranks
alone cannot give.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from askbot.answering.evidence import Evidence, Hit
from askbot.answering.fusion import convex, rrf
from askbot.index import Hits
from askbot.models import Fusion


class CandidateSource(ABC):
    def __init__(self, candidates: int) -> None:
        self.candidates = candidates

    @abstractmethod
    def find(self, evidence: Evidence) -> list[Hit]:
        """Passages best first, at most ``candidates`` of them."""

    def _dense(self, evidence: Evidence) -> Hits:
        assert evidence.vector is not None, "dense search needs the question's vector"
        return evidence.snapshot.dense(evidence.vector, self.candidates, evidence.query.filters)

    def _keyword(self, evidence: Evidence) -> Hits:
        query = evidence.query
        return evidence.snapshot.keyword(query.words, self.candidates, query.filters)

    @staticmethod
    def _hits(
        evidence: Evidence,
        order: Hits,
        dense: dict[int, float],
        bm25: dict[int, float],
    ) -> list[Hit]:
        missing = [pid for pid, _ in order if pid not in dense]
        cosines = dict(dense)
        if missing and evidence.vector is not None:
            stored = evidence.snapshot.vectors(missing)
            cosines.update(zip(missing, map(float, stored @ evidence.vector), strict=True))
        return [
            Hit(passage_id=pid, score=score, cosine=cosines.get(pid, 0.0), bm25=bm25.get(pid))
            for pid, score in order
        ]


class DenseCandidates(CandidateSource):
    def find(self, evidence: Evidence) -> list[Hit]:
        dense = self._dense(evidence)
        return self._hits(evidence, dense, dict(dense), {})


class KeywordCandidates(CandidateSource):
    def find(self, evidence: Evidence) -> list[Hit]:
        keyword = self._keyword(evidence)
        return self._hits(evidence, keyword, {}, dict(keyword))


class HybridCandidates(CandidateSource):
    def __init__(self, candidates: int, fusion: Fusion, dense_weight: float, rrf_k: int) -> None:
        super().__init__(candidates)
        self.fusion = fusion
        self.dense_weight = dense_weight
        self.rrf_k = rrf_k

    def find(self, evidence: Evidence) -> list[Hit]:
        dense, keyword = self._dense(evidence), self._keyword(evidence)
        cosines, bm25 = dict(dense), dict(keyword)
        if self.fusion == Fusion.rrf:
            fused = rrf([[p for p, _ in dense], [p for p, _ in keyword]], self.rrf_k)
        else:
            # BM25-only candidates need their cosine for the fusion, not just afterwards.
            both = self._hits(evidence, keyword, cosines, bm25)
            cosines.update((h.passage_id, h.cosine) for h in both)
            fused = convex(cosines, bm25, self.dense_weight)
        order = sorted(fused.items(), key=lambda item: -item[1])[: self.candidates]
        return self._hits(evidence, order, cosines, bm25)

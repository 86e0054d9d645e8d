"""Finds the passages that may answer a question: dense search, keyword search, fused.

The default fusion is a convex combination, ``alpha * cosine + (1 - alpha) * bm25 / best
bm25``: cosine similarity is already on a fixed 0-1 scale, and dividing BM25 by the
query's best score puts it on one too. On SQuAD v1.1 dev it beat reciprocal-rank fusion by
five points of recall@1, because RRF gives a weak retriever's ranks as much say as a
strong one's (benchmarks/ablate_fusion.py; results in benchmarks/results.md). RRF stays
available as ``ASKBOT_FUSION=rrf``.

Every hit carries its cosine similarity to the question, from the stored vector, because
the abstention decision needs an absolute measure that ranks alone cannot give.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from askbot.keywords import match_expression

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from askbot.index import Index
    from askbot.query import Query

Mode = Literal["hybrid", "dense", "bm25"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "bm25")
Fusion = Literal["convex", "rrf"]


@dataclass(frozen=True, slots=True)
class Hit:
    passage_id: int
    score: float
    cosine: float
    bm25: float | None


def convex(dense: dict[int, float], bm25: dict[int, float], alpha: float) -> dict[int, float]:
    """alpha * cosine + (1 - alpha) * BM25 / the best BM25; an absent score counts 0."""
    best = max(bm25.values(), default=0.0) or 1.0
    return {
        pid: alpha * dense.get(pid, 0.0) + (1 - alpha) * bm25.get(pid, 0.0) / best
        for pid in dense | bm25
    }


def rrf(rankings: list[list[int]], k: int, weights: list[float] | None = None) -> dict[int, float]:
    """Reciprocal-rank fusion: sum over rankings of weight / (k + rank), rank from 1."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


class Retriever:
    def __init__(
        self,
        index: Index,
        *,
        candidates: int,
        fusion: Fusion = "convex",
        dense_weight: float = 0.6,
        rrf_k: int = 60,
    ) -> None:
        self._index = index
        self._candidates = candidates
        self._fusion = fusion
        self._dense_weight = dense_weight
        self._rrf_k = rrf_k

    def search(self, query: Query, vector: NDArray[np.float32], mode: Mode) -> list[Hit]:
        """Passages best first, at most ``candidates`` of them."""
        allowed = (
            self._index.store.filtered_passage_ids(query.filters) if query.filters.active else None
        )
        if allowed is not None and not allowed:
            return []
        n = self._candidates
        dense = self._index.vectors.search(vector, n, allowed) if mode != "bm25" else []
        keyword = (
            self._index.store.bm25(match_expression(query.words), n, allowed)
            if mode != "dense"
            else []
        )
        bm25_scores = dict(keyword)
        if mode == "dense":
            order = [(pid, s) for pid, s in dense]
        elif mode == "bm25":
            order = list(keyword)
        else:
            cosines = self._cosines(list(bm25_scores), vector, dict(dense))
            if self._fusion == "rrf":
                fused = rrf([[p for p, _ in dense], [p for p, _ in keyword]], self._rrf_k)
            else:
                fused = convex(cosines, bm25_scores, self._dense_weight)
            order = sorted(fused.items(), key=lambda item: -item[1])[:n]
        cosines = self._cosines([pid for pid, _ in order], vector, dict(dense))
        return [
            Hit(passage_id=pid, score=score, cosine=cosines[pid], bm25=bm25_scores.get(pid))
            for pid, score in order
        ]

    def _cosines(
        self, ids: list[int], vector: NDArray[np.float32], known: dict[int, float]
    ) -> dict[int, float]:
        missing = [pid for pid in ids if pid not in known]
        result = dict(known)
        if missing:
            stored = self._index.vectors.reconstruct(missing)
            for pid, sim in zip(missing, stored @ vector, strict=True):
                result[pid] = float(sim)
        return result

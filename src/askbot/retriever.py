"""Finds the passages that may answer a question: dense search, keyword search, fused.

Reciprocal-rank fusion combines the two rankings without calibrating their scores against
each other (cosine similarities and BM25 scores live on different scales). Every hit also
gets its cosine similarity to the question, from the stored vector, because the abstention
decision needs an absolute measure that ranks alone cannot give.
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


@dataclass(frozen=True, slots=True)
class Hit:
    passage_id: int
    score: float
    cosine: float
    bm25: float | None


def rrf(rankings: list[list[int]], k: int, weights: list[float] | None = None) -> dict[int, float]:
    """Reciprocal-rank fusion: sum over rankings of weight / (k + rank), rank from 1."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


class Retriever:
    def __init__(self, index: Index, *, candidates: int, rrf_k: int) -> None:
        self._index = index
        self._candidates = candidates
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
            fused = rrf([[p for p, _ in dense], [p for p, _ in keyword]], self._rrf_k)
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

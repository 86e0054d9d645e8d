"""Merging the dense and keyword lists into one ranking.

The default is a convex combination, ``alpha * cosine + (1 - alpha) * bm25 / best bm25``:
cosine similarity is already on a fixed 0-1 scale, and dividing BM25 by the query's best
score puts it on one too. On SQuAD v1.1 dev it beat reciprocal-rank fusion by five points
of recall@1, because RRF gives a weak retriever's ranks as much say as a strong one's
(benchmarks/ablate_fusion.py; results in benchmarks/results.md).
"""

from __future__ import annotations


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

"""Exact against approximate vector search, by index size: where the auto policy switches.

    python benchmarks/bench_vectors.py [--sizes 10000 50000 200000 500000] [--queries 200]

For each size it builds a ``faiss-flat`` and a ``faiss-ivf`` store (through askbot's
vector-store interface, as the index uses them) over the same synthetic vectors, and
prints single-query search p50/p95 (one thread, as a question runs), IVF recall@10
against exact search, and the build time. The vectors are 384-dimensional, like
all-MiniLM-L6-v2's, drawn around 2,000 overlapping topic centres so they cluster the way
passage embeddings do; queries are new draws, not stored vectors. Embedding half a million real
passages would take hours on a laptop CPU, which is why they are synthetic.
Writes ``benchmarks/results-vectors.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from askbot.vectors import VectorStore, store_class

HERE = Path(__file__).resolve().parent
DIMENSION = 384
# Topics overlap (spread > 1): a question's neighbours straddle several clusters, as real
# passages on one story do, so IVF recall is not flattered.
TOPICS = 2000


def mixture(count: int, seed: int, spread: float = 1.2) -> NDArray[np.float32]:
    """Unit vectors around topic centres (the same centres for every seed)."""
    centres = np.random.default_rng(0).standard_normal((TOPICS, DIMENSION)).astype(np.float32)
    rng = np.random.default_rng(seed)
    which = rng.integers(0, TOPICS, size=count)
    noise = rng.standard_normal((count, DIMENSION)).astype(np.float32)
    vectors = centres[which] + spread * noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def timed_search(
    store: VectorStore, asks: NDArray[np.float32]
) -> tuple[list[float], list[list[int]]]:
    times, results = [], []
    for vector in asks:
        started = time.perf_counter()
        hits = store.search(vector, 10, None)
        times.append((time.perf_counter() - started) * 1000)
        results.append([pid for pid, _ in hits])
    return times, results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 50_000, 200_000, 500_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=HERE / "results-vectors.md")
    args = parser.parse_args()
    lines = [
        "# Vector search by index size: faiss-flat (exact) against faiss-ivf",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores); `python benchmarks/bench_vectors.py "
        f"--sizes {' '.join(map(str, args.sizes))} --queries {args.queries}`.",
        "Synthetic 384-d clustered vectors; one query at a time, one thread.",
        "",
        "| passages | flat p50 ms | flat p95 ms | ivf p50 ms | ivf p95 ms | ivf recall@10 "
        "| flat/ivf p50 | ivf build s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in args.sizes:
        vectors = mixture(size, seed=1)
        ids = list(range(1, size + 1))
        asks = mixture(args.queries, seed=2)  # new questions, not stored passages
        flat = store_class("faiss-flat").create(DIMENSION, {})
        flat.add(ids, vectors)
        started = time.perf_counter()
        ivf = store_class("faiss-ivf").create(DIMENSION, {"min_train": min(20_000, size)})
        ivf.add(ids, vectors)
        build = time.perf_counter() - started
        flat_ms, exact = timed_search(flat, asks)
        ivf_ms, approx = timed_search(ivf, asks)
        recall = statistics.mean(
            len(set(a) & set(e)) / max(1, len(e)) for a, e in zip(approx, exact, strict=True)
        )
        row = (
            f"| {size:,} | {percentile(flat_ms, 0.5):.2f} | {percentile(flat_ms, 0.95):.2f} "
            f"| {percentile(ivf_ms, 0.5):.2f} | {percentile(ivf_ms, 0.95):.2f} | {recall:.3f} "
            f"| {percentile(flat_ms, 0.5) / max(1e-9, percentile(ivf_ms, 0.5)):.1f}× "
            f"| {build:.1f} |"
        )
        print(row, flush=True)
        lines.append(row)
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

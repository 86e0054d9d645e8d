"""Fusion ablation on SQuAD v1.1 dev: which way of combining dense and BM25 ranks best.

    python benchmarks/ablate_fusion.py [--questions N] [--chunk-words 120 200]
                                       [--overlap SENTENCES] [--no-title]

Each retriever is run once per question (top 100 passages, with their scores); every
fusion function is then scored on the same candidate lists, so the comparison is exact
and cheap. --overlap and --no-title vary the passage shape the same way for every
size, to measure overlap and the headline in the embedded text. Indexes are kept in
embeddings/ablate-<shape>/ and rebuilt each run.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np

from askbot import AskBot, RetrievalMode, Settings
from askbot.answering import convex, rrf
from askbot.evaluate import load
from common import EMBEDDINGS, SQUAD, CachedQueries, stride

DEPTH = 100
Scores = dict[int, float]
Fusion = Callable[[Scores, Scores], Scores]


def minmax(scores: Scores) -> Scores:
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    span = (high - low) or 1.0
    return {k: (v - low) / span for k, v in scores.items()}


def convex_at(alpha: float) -> Fusion:
    """askbot's fusion: alpha * cosine + (1 - alpha) * BM25 / best BM25 of the query."""
    return lambda dense, bm25: convex(dense, bm25, alpha)


def convex_minmax(alpha: float) -> Fusion:
    """Both score lists min-max normalised over the query's candidates, then mixed."""

    def fuse(dense: Scores, bm25: Scores) -> Scores:
        d, b = minmax(dense), minmax(bm25)
        return {p: alpha * d.get(p, 0.0) + (1 - alpha) * b.get(p, 0.0) for p in dense | b}

    return fuse


def weighted_rrf(w_dense: float, k: int = 60) -> Fusion:
    def fuse(dense: Scores, bm25: Scores) -> Scores:
        by_score = [sorted(s, key=lambda p: -s[p]) for s in (dense, bm25)]
        return rrf(by_score, k, [w_dense, 1.0])

    return fuse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--chunk-words", type=int, nargs="+", default=[120])
    parser.add_argument("--overlap", type=int, default=0, help="sentences shared by neighbours")
    parser.add_argument("--no-title", action="store_true", help="embed passages without headline")
    args = parser.parse_args()
    squad = load(SQUAD)
    questions = stride(squad.questions, args.questions)
    fusions: dict[str, Fusion] = {
        "dense": lambda d, b: d,
        "bm25": lambda d, b: b,
        "rrf k=60": weighted_rrf(1.0),
        "rrf dense 0.5": weighted_rrf(0.5),
        **{f"convex a={a}": convex_at(a) for a in (0.3, 0.5, 0.6, 0.7, 0.8)},
        **{f"minmax a={a}": convex_minmax(a) for a in (0.3, 0.4, 0.5, 0.6)},
    }
    cached: CachedQueries | None = None
    for words in args.chunk_words:
        shape = f"{words}" + (f"-overlap{args.overlap}" if args.overlap else "")
        shape += "-notitle" if args.no_title else ""
        settings = Settings(
            index=EMBEDDINGS / f"ablate-{shape}",
            chunk_words=words,
            chunk_overlap=args.overlap,
            title_in_embedding=not args.no_title,
            candidates=DEPTH,
        )
        with AskBot.open(settings, cached, create=True, rebuild=True) as builder:
            builder.ingest_articles(squad.corpus or ())
            cached = cached or CachedQueries(builder.embedder, [q.question for q in questions])
            passages = builder.describe().passages
        ranks: dict[str, list[int | None]] = {name: [] for name in fusions}
        with AskBot.open(settings, cached) as bot:
            for question in questions:
                dense_hits = bot.retrieve(question.question, RetrievalMode.dense, DEPTH)
                bm25_hits = bot.retrieve(question.question, RetrievalMode.bm25, DEPTH)
                owner = {p.passage_id: p.article_id for p in [*dense_hits, *bm25_hits]}
                # BM25-only candidates carry their cosine too, from their stored vectors.
                dense = {p.passage_id: p.cosine for p in [*dense_hits, *bm25_hits]}
                bm25 = {p.passage_id: p.score for p in bm25_hits}
                for name, fuse in fusions.items():
                    scores = fuse(dense if name != "bm25" else {}, bm25)
                    ranking = list(
                        dict.fromkeys(owner[p] for p in sorted(scores, key=lambda p: -scores[p]))
                    )
                    gold = question.article_ids[0]
                    ranks[name].append(ranking.index(gold) + 1 if gold in ranking else None)
        print(f"\nchunk {shape} · {passages} passages · {len(questions)} questions")
        print(f"{'fusion':<16} recall@1 recall@5 mrr@10")
        for name, found in ranks.items():
            r = np.array([x or 10**6 for x in found])
            print(
                f"{name:<16} {np.mean(r == 1):.4f}   {np.mean(r <= 5):.4f}   "
                f"{np.mean(np.where(r <= 10, 1 / r, 0)):.4f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

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
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from askbot.embedder import SentenceTransformerEmbedder
from askbot.keywords import match_expression
from askbot.query import parse_question
from askbot.retriever import rrf
from askbot.service import AskBot
from askbot.settings import Settings
from bench_core import SQUAD, load_squad

DEPTH = 100
Scores = dict[int, float]
Fusion = Callable[[Scores, Scores], Scores]


def normalised(scores: Scores) -> Scores:
    if not scores:
        return {}
    top = max(scores.values())
    return {k: v / top for k, v in scores.items()} if top > 0 else scores


def convex(alpha: float) -> Fusion:
    """alpha * cosine + (1 - alpha) * BM25 / best BM25 of the query."""

    def fuse(dense: Scores, bm25: Scores) -> Scores:
        b = normalised(bm25)
        return {p: alpha * dense.get(p, 0.0) + (1 - alpha) * b.get(p, 0.0) for p in dense | b}

    return fuse


def minmax(scores: Scores) -> Scores:
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    span = (high - low) or 1.0
    return {k: (v - low) / span for k, v in scores.items()}


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
    articles, questions = load_squad(SQUAD)
    questions = questions[:: max(1, len(questions) // args.questions)][: args.questions]
    model = SentenceTransformerEmbedder()
    vectors = model.embed([q for q, _ in questions], "query")
    fusions: dict[str, Fusion] = {
        "dense": lambda d, b: d,
        "bm25": lambda d, b: b,
        "rrf k=60": weighted_rrf(1.0),
        "rrf dense 0.5": weighted_rrf(0.5),
        **{f"convex a={a}": convex(a) for a in (0.3, 0.5, 0.6, 0.7, 0.8)},
        **{f"minmax a={a}": convex_minmax(a) for a in (0.3, 0.4, 0.5, 0.6)},
    }
    for words in args.chunk_words:
        shape = f"{words}" + (f"-overlap{args.overlap}" if args.overlap else "")
        shape += "-notitle" if args.no_title else ""
        settings = Settings(
            index=Path(__file__).resolve().parents[1] / "embeddings" / f"ablate-{shape}",
            chunk_words=words,
            chunk_overlap=args.overlap,
            title_in_embedding=not args.no_title,
        )
        bot = AskBot.open(settings, model, create=True, rebuild=True)
        bot.ingest_articles(articles)
        owner = bot.index.store.article_ids_for(bot.index.store.passage_ids())
        ranks: dict[str, list[int | None]] = {name: [] for name in fusions}
        for (question, gold), vector in zip(questions, vectors, strict=True):
            query = parse_question(question, 1000)
            dense = dict(bot.index.vectors.search(vector, DEPTH))
            bm25 = dict(bot.index.store.bm25(match_expression(query.words), DEPTH))
            missing = [p for p in bm25 if p not in dense]
            if missing:
                dense.update(
                    zip(
                        missing,
                        (bot.index.vectors.reconstruct(missing) @ vector).tolist(),
                        strict=True,
                    )
                )
            for name, fuse in fusions.items():
                scores = fuse({p: dense[p] for p in dense if name != "bm25"}, bm25)
                ranking = list(
                    dict.fromkeys(owner[p] for p in sorted(scores, key=lambda p: -scores[p]))
                )
                ranks[name].append(ranking.index(gold) + 1 if gold in ranking else None)
        print(f"\nchunk {shape} · {len(owner)} passages · {len(questions)} questions")
        print(f"{'fusion':<16} recall@1 recall@5 mrr@10")
        for name, found in ranks.items():
            r = np.array([x or 10**6 for x in found])
            print(
                f"{name:<16} {np.mean(r == 1):.4f}   {np.mean(r <= 5):.4f}   "
                f"{np.mean(np.where(r <= 10, 1 / r, 0)):.4f}",
                flush=True,
            )
        bot.close()


if __name__ == "__main__":
    main()

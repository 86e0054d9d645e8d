"""Ablation: re-rank fused passages by their best sentence's keyword coverage?

    python benchmarks/ablate_rerank.py [--questions N]

SQuAD questions usually paraphrase one sentence of their paragraph; a passage whose best
sentence holds most of the question's rare words is likely the answer even when the
passage as a whole scores a little lower. This scores, on the indexes `make bench` builds,
``fused / best fused + gamma * best sentence coverage`` over the top passages for several
gammas, on SQuAD v1.1 dev (recall, MRR) and SciFact test (nDCG@10).
"""

from __future__ import annotations

import argparse
import os

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from askbot.embedder import SentenceTransformerEmbedder
from askbot.evaluate import load
from askbot.evaluate.metrics import ndcg_at, recall_at, reciprocal_rank
from askbot.evaluate.runner import dataset_index
from askbot.excerpts import best_coverage, idf_weights, score_units
from askbot.query import parse_question
from askbot.service import AskBot
from askbot.settings import Settings
from bench_eval import SETS

GAMMAS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8)
DEPTH = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=3000)
    args = parser.parse_args()
    model = SentenceTransformerEmbedder()
    for name in ("squad-v1.1", "scifact"):
        qset = load(SETS[name])
        questions = qset.questions[:: max(1, len(qset.questions) // args.questions)]
        questions = questions[: args.questions]
        settings = Settings(index=dataset_index(qset))
        bot = AskBot.open(settings, model)
        vectors = model.embed([q.question for q in questions], "query")
        df, total = bot._document_frequencies()
        scores: dict[float, list[tuple[float, float, float, float]]] = {g: [] for g in GAMMAS}
        for question, vector in zip(questions, vectors, strict=True):
            query = parse_question(question.question, 1000)
            hits = bot._retriever.search(query, vector, "hybrid")[:DEPTH]
            rows = bot.index.store.passages(h.passage_id for h in hits)
            weights = idf_weights(query.terms, df, total)
            top = max((h.score for h in hits), default=1.0) or 1.0
            best = {pid: best_coverage(units) for pid, units in score_units(rows, weights).items()}
            owners = bot.index.store.article_ids_for([h.passage_id for h in hits])
            for gamma in GAMMAS:
                order = sorted(hits, key=lambda h: -(h.score / top + gamma * best[h.passage_id]))
                ranking = list(dict.fromkeys(owners[h.passage_id] for h in order))
                gold = question.article_ids
                scores[gamma].append(
                    (
                        recall_at(ranking, gold, 1),
                        recall_at(ranking, gold, 5),
                        reciprocal_rank(ranking, gold),
                        ndcg_at(ranking, question.relevance),
                    )
                )
        print(f"\n{name}: {len(questions)} questions")
        print("gamma  recall@1 recall@5 mrr@10  ndcg@10")
        for gamma, rows_ in scores.items():
            r1, r5, mrr, ndcg = np.mean(rows_, axis=0)
            print(f"{gamma:<5}  {r1:.4f}   {r5:.4f}   {mrr:.4f}  {ndcg:.4f}", flush=True)
        bot.close()


if __name__ == "__main__":
    main()

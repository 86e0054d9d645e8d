"""Ablation: re-rank fused passages by their best sentence's keyword coverage?

    python benchmarks/ablate_rerank.py [--questions N]

SQuAD questions usually paraphrase one sentence of their paragraph; a passage whose best
sentence holds most of the question's rare words is likely the answer even when the
passage as a whole scores a little lower. This runs askbot's own re-ranking, on the
indexes `make bench` builds, at several weights (``ASKBOT_SENTENCE_WEIGHT``; 0 is no
re-ranking), on SQuAD v1.1 dev (recall, MRR) and SciFact test (nDCG@10).
"""

from __future__ import annotations

import argparse

import numpy as np

from askbot import AskBot, RetrievalMode, Settings
from askbot.evaluate import load, open_dataset_bot
from askbot.evaluate.metrics import ndcg_at, recall_at, reciprocal_rank
from askbot.evaluate.runner import dataset_index
from common import SCIFACT, SQUAD, CachedQueries, stride

GAMMAS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8)
DEPTH = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=3000)
    args = parser.parse_args()
    model = None
    for name, path in (("squad-v1.1", SQUAD), ("scifact", SCIFACT)):
        qset = load(path)
        questions = stride(qset.questions, args.questions)
        settings = Settings(index=dataset_index(qset))
        with open_dataset_bot(settings, qset, model) as built:
            model = built.embedder
        cached = CachedQueries(model, [q.question for q in questions])
        scores: dict[float, list[tuple[float, float, float, float]]] = {g: [] for g in GAMMAS}
        for gamma in GAMMAS:
            gamma_settings = settings.model_copy(update={"sentence_weight": gamma})
            with AskBot.open(gamma_settings, cached) as bot:
                for question in questions:
                    passages = bot.retrieve(question.question, RetrievalMode.hybrid, DEPTH)
                    ranking = list(dict.fromkeys(p.article_id for p in passages))
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
        for gamma, rows in scores.items():
            r1, r5, mrr, ndcg = np.mean(rows, axis=0)
            print(f"{gamma:<5}  {r1:.4f}   {r5:.4f}   {mrr:.4f}  {ndcg:.4f}", flush=True)


if __name__ == "__main__":
    main()

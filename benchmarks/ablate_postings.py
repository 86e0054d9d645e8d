"""Ablation: how many passages may a keyword search match (``fts5.MATCH_POSTINGS``)?

    python benchmarks/ablate_postings.py [--questions N]

FTS5 scores every passage its MATCH finds, so a question's common words make keyword
search cost grow with the index. askbot matches on the question's rarest terms whose
passages add up to at most ``MATCH_POSTINGS`` (the other terms still count in re-ranking
and excerpt selection). This measures retrieval at several budgets (0 = no budget) on
the indexes ``make bench`` builds: SQuAD v1.1 dev (recall@5, MRR@10) and SciFact test
(nDCG@10), keyword-only and hybrid, with the retrieval time per question.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from askbot import AskBot, RetrievalMode, Settings
from askbot.evaluate import load, open_dataset_bot
from askbot.evaluate.metrics import ndcg_at, recall_at, reciprocal_rank
from askbot.evaluate.runner import dataset_index
from askbot.keywords import fts5
from common import SCIFACT, SQUAD, CachedQueries, stride

BUDGETS = (0, 50_000, 20_000, 10_000, 5_000, 2_000)
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
        print(f"\n{name}: {len(questions)} questions")
        print("budget  mode    recall@5 mrr@10  ndcg@10  ms/question (retrieval)")
        for budget in BUDGETS:
            fts5.MATCH_POSTINGS = budget or 10**12
            with AskBot.open(settings, cached) as bot:
                for mode in (RetrievalMode.bm25, RetrievalMode.hybrid):
                    rows = []
                    started = time.perf_counter()
                    for question in questions:
                        passages = bot.retrieve(question.question, mode, DEPTH)
                        ranking = list(dict.fromkeys(p.article_id for p in passages))
                        gold = question.article_ids
                        rows.append(
                            (
                                recall_at(ranking, gold, 5),
                                reciprocal_rank(ranking, gold),
                                ndcg_at(ranking, question.relevance),
                            )
                        )
                    per = (time.perf_counter() - started) * 1000 / len(questions)
                    r5, mrr, ndcg = np.mean(rows, axis=0)
                    print(
                        f"{budget or '∞':<7} {mode.value:<7} {r5:.4f}   {mrr:.4f}  {ndcg:.4f}"
                        f"   {per:.1f}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()

"""Ablation: how many passages may a keyword search match (``fts5.MATCH_POSTINGS``)?

    python benchmarks/ablate_postings.py [--questions N] [--index LARGE_INDEX]

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


def agreement(index: str, questions: int) -> None:
    """On a large index (``bench_speed.py --sizes`` builds them): how much of the unbounded
    keyword top-10 / top-50 each budget keeps, how often a top-10 passage holds a gold
    answer, and what a keyword search costs."""
    asked = stride(load(SQUAD).questions, questions)
    settings = Settings(index=index, embedding_cache="off")
    with AskBot.open(settings) as bot:
        cached = CachedQueries(bot.embedder, [asked[0].question])  # keyword search alone
    print(f"\n{index}: {len(asked)} SQuAD questions, keyword search alone")
    print("budget   top-10 kept  top-50 kept  answer in top-10  ms/question")
    exact: list[list[int]] = []
    for budget in BUDGETS:
        fts5.MATCH_POSTINGS = budget or 10**12
        with AskBot.open(settings, cached) as bot:
            started = time.perf_counter()
            found = [[p.passage_id for p in bot.retrieve(q.question, "bm25", 50)] for q in asked]
            per = (time.perf_counter() - started) * 1000 / len(asked)
            with bot.index.snapshot() as snap:
                texts = [snap.passages(ids[:10]) for ids in found]
        if not budget:
            exact = found
        pairs = list(zip(found, exact, strict=True))
        kept10 = np.mean([len(set(a[:10]) & set(e[:10])) / max(1, len(e[:10])) for a, e in pairs])
        kept50 = np.mean([len(set(a) & set(e)) / max(1, len(e)) for a, e in pairs])
        answered = np.mean(
            [
                any(ans.lower() in row.text.lower() for row in rows.values() for ans in q.answers)
                for q, rows in zip(asked, texts, strict=True)
            ]
        )
        print(
            f"{budget or '∞':<8} {kept10:.3f}        {kept50:.3f}        {answered:.3f}"
            f"             {per:.1f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--index", help="also measure agreement on this (large) index")
    args = parser.parse_args()
    if args.index:
        agreement(args.index, args.questions)
        return
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

"""Scoring: SQuAD's answer normalisation, EM/F1, and retrieval and answer metrics.

The normalisation and EM/F1 follow the official SQuAD v1.1/v2.0 evaluation scripts
(a test reproduces the published scores of the reference predictions).
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from askbot.evaluate.questions import Outcome

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = str.maketrans("", "", string.punctuation)
RECALL_DEPTHS = (1, 5, 10, 20)


def normalize_answer(text: str) -> str:
    """Lower case, no punctuation, no articles, single spaces (SQuAD's ``normalize_answer``)."""
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_PUNCTUATION)).split())


def exact_match(prediction: str, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def f1(prediction: str, gold: str) -> float:
    predicted = normalize_answer(prediction).split()
    truth = normalize_answer(gold).split()
    if not predicted or not truth:  # SQuAD v2: an empty answer matches only an empty one
        return float(predicted == truth)
    common = sum((Counter(predicted) & Counter(truth)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(truth)
    return 2 * precision * recall / (precision + recall)


def squad_scores(
    golds: Mapping[str, Sequence[str]], predictions: Mapping[str, str]
) -> dict[str, float]:
    """Official-style EM and F1 (percent): best over the gold answers, missing prediction = 0.

    As in the v2.0 script, gold answers that normalise to nothing are dropped, and a
    question left without any (unanswerable) has the empty answer as gold.
    """
    em_total = f1_total = 0.0
    for qid, answers in golds.items():
        truths = [a for a in answers if normalize_answer(a)] or [""]
        if qid not in predictions:
            continue
        prediction = predictions[qid]
        em_total += max(exact_match(prediction, t) for t in truths)
        f1_total += max(f1(prediction, t) for t in truths)
    n = len(golds) or 1
    return {"exact_match": 100 * em_total / n, "f1": 100 * f1_total / n}


def answer_found(answers: Iterable[str], excerpts: Iterable[str]) -> bool:
    """A normalised gold answer occurs, on word boundaries, inside a normalised excerpt."""
    texts = [f" {normalize_answer(e)} " for e in excerpts]
    for answer in answers:
        needle = normalize_answer(answer)
        if needle and any(f" {needle} " in text for text in texts):
            return True
    return False


def recall_at(ranking: Sequence[str], gold: Iterable[str], k: int) -> float:
    wanted = set(gold)
    return len(wanted.intersection(ranking[:k])) / len(wanted)


def reciprocal_rank(ranking: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    wanted = set(gold)
    for rank, article_id in enumerate(ranking[:k], start=1):
        if article_id in wanted:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranking: Sequence[str], relevance: Mapping[str, int], k: int = 10) -> float:
    """nDCG with linear gains, as BEIR (pytrec_eval) computes it."""
    dcg = sum(
        relevance.get(article_id, 0) / math.log2(rank + 1)
        for rank, article_id in enumerate(ranking[:k], start=1)
    )
    ideal = sorted((g for g in relevance.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0


def as_gold(ranking: Sequence[str], copies: Mapping[str, str]) -> list[str]:
    """The ranking with each copy of a gold article read as that article (once)."""
    return list(dict.fromkeys(copies.get(article_id, article_id) for article_id in ranking))


def copy_hits(outcome: Outcome, k: int = 10) -> int:
    """Gold articles found in the top ``k`` only through a copy of their story."""
    gold = set(outcome.question.article_ids)
    direct = gold.intersection(outcome.ranking[:k])
    return len(gold.intersection(as_gold(outcome.ranking, outcome.copies)[:k]) - direct)


def _gold_cited(outcome: Outcome, article_id: str) -> bool:
    return article_id in outcome.question.article_ids or article_id in outcome.copies


def _mean(values: list[float]) -> float:
    return round(float(np.mean(values)), 4)


def summarize(outcomes: Sequence[Outcome]) -> tuple[dict[str, float], dict[str, int]]:
    """Every metric that the questions support, and the denominator of each family.

    Retrieval metrics count questions with gold articles; answer metrics, answerable
    questions with gold answers; abstention metrics, all questions when some are
    unanswerable. Questions that failed with an error count as declined.
    """
    metrics: dict[str, float] = {}
    counts: dict[str, int] = {"asked": len(outcomes)}
    retrieval = [o for o in outcomes if o.question.article_ids]
    if retrieval:
        # A copy of a gold article (its story from another outlet) counts as that article.
        ranked = {id(o): as_gold(o.ranking, o.copies) for o in retrieval}
        for k in RECALL_DEPTHS:
            metrics[f"recall@{k}"] = _mean(
                [recall_at(ranked[id(o)], o.question.article_ids, k) for o in retrieval]
            )
        metrics["mrr@10"] = _mean(
            [reciprocal_rank(ranked[id(o)], o.question.article_ids) for o in retrieval]
        )
        metrics["ndcg@10"] = _mean(
            [ndcg_at(ranked[id(o)], o.question.relevance) for o in retrieval]
        )
        cited = [o for o in retrieval if o.cited]
        if cited:
            metrics["citation_precision"] = _mean(
                [float(np.mean([_gold_cited(o, c.article_id) for c in o.cited])) for o in cited]
            )
        counts["retrieval"] = len(retrieval)
        if any(o.copies for o in retrieval):  # only where gold articles have copies at all
            counts["copy_hits@10"] = sum(copy_hits(o) for o in retrieval)
    with_answers = [o for o in outcomes if o.question.answerable and o.question.answers]
    if with_answers:
        for k in (1, 3):
            metrics[f"answer_found@{k}"] = _mean(
                [
                    answer_found(o.question.answers, [c.text for c in o.cited[:k]])
                    for o in with_answers
                ]
            )
        counts["answers"] = len(with_answers)
    if outcomes:
        metrics["answered_rate"] = _mean([o.answered for o in outcomes])
    unanswerable = [o for o in outcomes if not o.question.answerable]
    if unanswerable:
        declined = [o for o in outcomes if not o.answered]
        right = sum(not o.question.answerable for o in declined)
        metrics["abstain_precision"] = round(right / len(declined), 4) if declined else 0.0
        metrics["abstain_recall"] = round(right / len(unanswerable), 4)
        counts["unanswerable"] = len(unanswerable)
    rejected = [o for o in outcomes if o.question.rejected_article_ids]
    if rejected:
        metrics["rejected_cited_rate"] = _mean(
            [
                any(c.article_id in o.question.rejected_article_ids for c in o.cited)
                for o in rejected
            ]
        )
        counts["rejected"] = len(rejected)
    latencies = [o.latency_ms for o in outcomes if o.error is None]
    if latencies:
        metrics["latency_ms_p50"] = round(float(np.percentile(latencies, 50)), 2)
        metrics["latency_ms_p95"] = round(float(np.percentile(latencies, 95)), 2)
    return metrics, counts


def miss_reasons(outcome: Outcome) -> list[str]:
    """Why a question counts as got wrong (empty when askbot got it right)."""
    q = outcome.question
    reasons: list[str] = []
    if outcome.error:
        reasons.append(f"error: {outcome.error}")
    if not q.answerable:
        if outcome.answered:
            reasons.append("answered a question the articles do not answer")
        return reasons
    if not outcome.answered and (q.answers or q.article_ids):
        reasons.append("declined a question the articles answer")
    elif q.answers and not answer_found(q.answers, [c.text for c in outcome.cited]):
        reasons.append("no excerpt contains a gold answer")
    elif q.article_ids and not any(_gold_cited(outcome, c.article_id) for c in outcome.cited):
        reasons.append("no excerpt comes from a gold article")
    if any(c.article_id in q.rejected_article_ids for c in outcome.cited):
        reasons.append("cites an article people marked wrong")
    return reasons

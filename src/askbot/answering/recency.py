"""A question's time, as a preference inside ranking (never a filter).

When a question names a period ("this week", "in March") or asks for the latest or
current state, candidates published in that period rise: each scores its relative score
plus ``weight × (prior − mean prior)``, where the prior is 1 inside the period and halves
with every ``half_life`` days outside it. Undated candidates get the mean, so they are
neither favoured nor punished, and questions without time words are not touched. On
RealTimeQA this beat a hard window, which loses the many answers reported before the
week a question names (README, "Time in questions").
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from askbot.answering.evidence import Evidence, Hit
from askbot.answering.excerpts import Unit

RECENT_DAYS = 30
CURRENT_DAYS = 7


def preferred_period(evidence: Evidence) -> tuple[date, date] | None:
    """The period a question prefers, if it prefers one."""
    filters = evidence.query.filters
    if filters.prefer_since and filters.prefer_until:
        return filters.prefer_since, filters.prefer_until
    if filters.prefer_recent and filters.as_of:
        days = CURRENT_DAYS if evidence.query.current else RECENT_DAYS
        return filters.as_of - timedelta(days=days), filters.as_of
    return None


class TimePreference:
    def __init__(self, weight: float, half_life: float = 7.0) -> None:
        self.weight = weight
        self.half_life = half_life

    def prior(self, published: date, period: tuple[date, date]) -> float:
        start, end = period
        gap = (start - published).days if published < start else (published - end).days
        return 1.0 if gap <= 0 else 0.5 ** (gap / self.half_life)

    def _lifts(self, ids: list[int], evidence: Evidence) -> dict[int, float] | None:
        """How much each passage rises (or falls) for its date; None when time is silent.
        Undated passages get 0: the mean prior of the dated ones."""
        period = preferred_period(evidence)
        if period is None or not ids or not self.weight:
            return None
        priors: dict[int, float] = {}
        for pid in ids:
            row = evidence.rows.get(pid)
            if row is not None and row.published is not None:
                priors[pid] = self.prior(row.published, period)
        if not priors:
            return None
        mean = sum(priors.values()) / len(priors)
        return {pid: self.weight * (priors.get(pid, mean) - mean) for pid in ids}

    def rerank(self, hits: list[Hit], evidence: Evidence) -> list[Hit]:
        """Passages rise by the time they were reported (for ranking and the ranking)."""
        if preferred_period(evidence) is None:
            return hits
        evidence.load(hits)
        lifts = self._lifts([h.passage_id for h in hits], evidence)
        if lifts is None:
            return hits
        top = max(h.score for h in hits) or 1.0
        rescored = [dataclasses.replace(h, score=h.score / top + lifts[h.passage_id]) for h in hits]
        return sorted(rescored, key=lambda h: -h.score)

    def boost(self, units: list[Unit], evidence: Evidence) -> None:
        """Quotable units rise the same way, so the excerpts follow the question's time."""
        lifts = self._lifts(list(dict.fromkeys(u.hit.passage_id for u in units)), evidence)
        if lifts is None:
            return
        for unit in units:
            unit.score += lifts[unit.hit.passage_id]

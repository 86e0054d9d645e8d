"""Answers about the present state that rest on old reporting say how old it is."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from askbot.models import Answer

if TYPE_CHECKING:
    # Annotations only: askbot.answering imports this package for its analyzers.
    from askbot.answering.evidence import Evidence

# Reporting older than this, for a question about the current state, is worth a warning.
STALE_DAYS = 30


def _age(days: int) -> str:
    if days >= 730:
        return f"{days // 365} years"
    if days >= 60:
        return f"{days // 30} months"
    if days >= 14:
        return f"{days // 7} weeks"
    return f"{days} days"


class StalenessAnalyzer:
    def __init__(self, stale_days: int = STALE_DAYS) -> None:
        self.stale_days = stale_days

    def analyze(self, answer: Answer, evidence: Evidence) -> Answer:
        reference = answer.filters.as_of
        if not answer.answered or not evidence.query.current or reference is None:
            return answer
        dates: list[date] = [
            c.published for e in answer.excerpts for c in (e, *e.also_in) if c.published is not None
        ]
        if not dates:
            note = "none of these reports is dated, so how current they are is unknown"
        else:
            newest = max(dates)
            days = (reference - newest).days
            if days <= self.stale_days:
                return answer
            note = (
                f"the newest of these reports is from {newest.isoformat()}, "
                f"{_age(days)} before {reference.isoformat()}: things may have changed since"
            )
        return answer.model_copy(update={"warnings": (*answer.warnings, note)})

"""The time a question speaks of: "this week", "yesterday", "in March", "the latest".

Relative expressions are resolved against a reference date (the question's ``asked_at``
in evaluation, ``--as-of``, or today). A bare year is not read as a time expression:
in news questions it is as often a target ("by 2030") as a period.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from askbot.dates import MONTHS

_WEEKDAYS = {name: i for i, name in enumerate(calendar.day_name)}
_MONTH_WORD = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december)"
)
_WEEKDAY_WORD = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# Questions about the present state of things: they want the newest reporting.
_CURRENT = re.compile(
    r"\b(latest|newest|most recent|current|currently|now|still|so far|to date|as of now|"
    r"at the moment|at present|ongoing)\b",
    re.I,
)
_RECENT = re.compile(r"\b(recently|lately|recent|in recent (?:days|weeks))\b", re.I)


@dataclass(frozen=True)
class Timeframe:
    """What a question says about time: the period it speaks of, and whether it wants
    the newest reporting (``current``: about the present state of things)."""

    words: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    recent: bool = False
    current: bool = False

    @property
    def window(self) -> tuple[date, date] | None:
        return (self.since, self.until) if self.since and self.until else None


def _month(reference: date, number: int, year: int | None = None) -> tuple[date, date]:
    """A month: of ``year``, or the latest one not after the reference date."""
    if year is None:
        year = reference.year if number <= reference.month else reference.year - 1
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def _last_weekday(reference: date, weekday: int) -> date:
    return reference - timedelta(days=(reference.weekday() - weekday) % 7)


def _week(reference: date) -> tuple[date, date]:
    return reference - timedelta(days=6), reference


def _rules(reference: date) -> list[tuple[re.Pattern[str], object]]:
    r = reference
    monday = r - timedelta(days=r.weekday())
    first = r.replace(day=1)
    previous = first - timedelta(days=1)
    saturday = _last_weekday(r, 5)
    weekend = (saturday, min(saturday + timedelta(days=1), r))
    return [
        (re.compile(r"\b(today|tonight|this (?:morning|afternoon|evening))\b", re.I), (r, r)),
        (re.compile(r"\byesterday\b", re.I), (r - timedelta(days=1), r - timedelta(days=1))),
        (
            re.compile(
                r"\b(this (?:past )?week|(?:the |over the |in the )?(?:past|last) (?:7|seven) days"
                r"|(?:the |over the )?past week)\b",
                re.I,
            ),
            _week(r),
        ),
        (
            re.compile(r"\blast week\b", re.I),
            (monday - timedelta(days=7), monday - timedelta(days=1)),
        ),
        (re.compile(r"\b(this|last|the|over the) weekend\b", re.I), weekend),
        (re.compile(r"\bthis month\b", re.I), (first, r)),
        (re.compile(r"\blast month\b", re.I), (previous.replace(day=1), previous)),
        (re.compile(r"\bthis year\b", re.I), (date(r.year, 1, 1), r)),
        (re.compile(r"\blast year\b", re.I), (date(r.year - 1, 1, 1), date(r.year - 1, 12, 31))),
    ]


def read_time(question: str, reference: date) -> Timeframe:
    """The time expressions of ``question``, resolved against ``reference``."""
    words: list[str] = []
    window: tuple[date, date] | None = None
    for pattern, period in _rules(reference):
        match = pattern.search(question)
        if match:
            words.append(match.group(0))
            window = window or period  # type: ignore[assignment]
    month = re.search(rf"\b(in|during|since|from) {_MONTH_WORD}(?: (\d{{4}}))?\b", question, re.I)
    if month:
        start, end = _month(
            reference, MONTHS[month.group(2).lower()], int(month.group(3) or 0) or None
        )
        words.append(month.group(0))
        if month.group(1).lower() in ("since", "from"):
            end = reference
        window = window or (start, min(end, reference))
    since_year = re.search(r"\bsince (\d{4})\b", question, re.I)
    if since_year and 1900 <= int(since_year.group(1)) <= reference.year:
        words.append(since_year.group(0))
        window = window or (date(int(since_year.group(1)), 1, 1), reference)
    day = re.search(rf"\b(?:on |last |this past )?{_WEEKDAY_WORD}\b", question, re.I)
    if day:
        found = _last_weekday(reference, _WEEKDAYS[day.group(1).capitalize()])
        words.append(day.group(0))
        window = window or (found, found)
    current = _CURRENT.findall(question)
    recent = _RECENT.findall(question)
    words += [w if isinstance(w, str) else w[0] for w in (*current, *recent)]
    return Timeframe(
        words=tuple(dict.fromkeys(w.lower() for w in words)),
        since=window[0] if window else None,
        until=window[1] if window else None,
        recent=bool(current or recent),
        current=bool(current),
    )

"""Dates askbot can trust: article dates parsed strictly, and periods for filters.

An article's date is read only when it is a whole, real, past date: ISO 8601
(``2022-01-28``, ``2022-01-28T10:00:00Z``), RFC 2822 (``Fri, 28 Jan 2022 10:00:00 GMT``),
the forms news pages print (``January 28, 2022``, ``28 Jan 2022``, ``Friday, January 28,
2022 10:32 AM EST``), a URL path (``/2022/01/28/``) or a Unix time. Placeholders ("nan",
"N/A", "n.d."), a year or month alone, a day/month order that could be either way, an
impossible date (``2022-02-30``) and a date more than a day after now are not dates: the
article is left undated, with a notice saying why, never given some day near today.

A filter takes a whole period: ``since:2024`` is 2024-01-01, ``until:2024`` is
2024-12-31, ``since:2024-03`` is 2024-03-01, ``in:March 2024`` is all of March.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

# What scrapers write where a date is missing.
PLACEHOLDERS = frozenset(
    (
        *("nan", "none", "null", "nil", "n/a", "na", "n.a.", "n.d.", "nd", "tbd", "tba"),
        *("unknown", "undated", "-", "--", "?", "0", "0000-00-00", "00/00/0000"),
        *("no date", "date unknown", "not available"),
    )
)
MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
} | {"sept": 9}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
# A time (and zone) a dateline may print before or after the date: "10:32 AM EST".
_TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[a-z]{1,5})?"
_HEAD = rf"^(?:{_TIME}[,\s]+)?"
_TAIL = rf"(?:[,\s]+(?:at\s+)?{_TIME})?\s*$"
_TEXTUAL = [
    re.compile(rf"{_HEAD}{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TAIL}", re.I),
    re.compile(rf"{_HEAD}{_WEEKDAY}{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}{_TAIL}", re.I),
]
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})$")
_COMPACT = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")
_URL_DATE = re.compile(
    r"/(?P<year>(?:19|20)\d{2})[/-](?P<month>\d{1,2})[/-](?P<day>\d{1,2})(?:/|-|$)"
)
_YEAR_ONLY = re.compile(r"^\d{4}$")
_MONTH_ONLY = re.compile(rf"^(?:{_MONTH}\s+{_YEAR}|(?P<y>\d{{4}})[-/](?P<m>\d{{1,2}}))$", re.I)
# Unix times (seconds, or milliseconds) between 1990 and 2100.
_UNIX = (631_152_000, 4_102_444_800)


class DateError(ValueError):
    """Not a date askbot can use; the message says why ("not understood", ...)."""


def today() -> date:
    return datetime.now(UTC).date()


def _real(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError("is not a real date") from None


def _from_text(text: str) -> date:
    lowered = text.strip().lower()
    if lowered in PLACEHOLDERS or not lowered:
        raise DateError("not understood")
    if _YEAR_ONLY.match(lowered):
        raise DateError("is only a year, not a date")
    if _MONTH_ONLY.match(lowered):
        raise DateError("is only a month, not a date")
    iso = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[t\s].*)?$", lowered)
    if iso:
        parsed = _real(int(iso[1]), int(iso[2]), int(iso[3]), text)
        if "t" in lowered[10:11] or " " in lowered[10:11]:
            try:
                return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).date()
            except ValueError:
                return parsed  # a date with a time we cannot read: the date is still sure
        return parsed
    compact = _COMPACT.match(lowered)
    if compact:
        return _real(int(compact["year"]), int(compact["month"]), int(compact["day"]), text)
    for pattern in _TEXTUAL:
        match = pattern.match(lowered)
        if match:
            return _real(int(match["year"]), MONTHS[match["month"]], int(match["day"]), text)
    numeric = _NUMERIC.match(lowered)
    if numeric:
        a, b = int(numeric["a"]), int(numeric["b"])
        if a <= 12 and b <= 12 and a != b:
            raise DateError("could be day/month or month/day")
        month, day = (a, b) if b > 12 else (b, a)
        return _real(int(numeric["year"]), month, day, text)
    if re.search(r"\d{1,2}\s+[a-z]{3}\s+\d{4}\s+\d{2}:\d{2}", lowered):
        try:
            return parsedate_to_datetime(text.strip()).date()  # RFC 2822
        except (TypeError, ValueError, IndexError):
            pass
    raise DateError("not understood")


def parse_date(value: Any, *, latest: date | None = None) -> date:
    """A publication date, strictly; DateError says why not. ``latest`` is the last day a
    date may fall on (by default tomorrow: dates after now by more than a day are not
    publication dates)."""
    latest = latest or today() + timedelta(days=1)
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > _UNIX[1] else value
        if not _UNIX[0] <= seconds <= _UNIX[1]:
            raise DateError("not understood")
        parsed = datetime.fromtimestamp(seconds, UTC).date()
    elif isinstance(value, str):
        parsed = _from_text(value)
    else:
        raise DateError("not understood")
    if parsed > latest:
        raise DateError(f"is in the future (after {latest.isoformat()})")
    if parsed.year < 1800:
        raise DateError("is too early to be a news date")
    return parsed


def date_problem(value: Any, *, latest: date | None = None) -> tuple[date | None, str | None]:
    """(the date, None), or (None, why it is not one) for a notice."""
    try:
        return parse_date(value, latest=latest), None
    except DateError as error:
        return None, str(error)


def date_from_url(url: str | None) -> date | None:
    """The date in a URL's path (``/2022/01/28/``), when it is a real one."""
    if not url:
        return None
    match = _URL_DATE.search(url)
    if match is None:
        return None
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def parse_period(text: str, *, reference: date | None = None) -> tuple[date, date]:
    """The first and last day of a period a filter names: a year, a month, a day, or
    ``today``/``yesterday``. DateError says why not."""
    lowered = text.strip().lower()
    reference = reference or today()
    if lowered in ("today", "yesterday"):
        day = reference - timedelta(days=lowered == "yesterday")
        return day, day
    if _YEAR_ONLY.match(lowered):
        year = int(lowered)
        return date(year, 1, 1), date(year, 12, 31)
    month = _MONTH_ONLY.match(lowered)
    if month:
        year = int(month["year"] or month["y"])
        number = MONTHS[month["month"]] if month["month"] else int(month["m"])
        if not 1 <= number <= 12:
            raise DateError("is not a real month")
        return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
    day = _from_text(text)
    return day, day

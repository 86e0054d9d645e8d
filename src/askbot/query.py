"""Turning raw question text into a ``Query``: cleaned, bounded, with its filters.

Filters ride inside the question, as people type them in Slack::

    outlet:Reuters since:2022-01-01 until:2022-02-01 what did Lavrov say?
    source:"Business Insider" in:"March 2024" troops near the border

Dates in filters are periods (``since:2024`` is 2024-01-01, ``until:2024`` 2024-12-31);
time words in the question ("this week", "the latest") are read by ``askbot.when``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from askbot.dates import DateError, parse_period, today
from askbot.errors import QuestionError
from askbot.models import QueryFilters
from askbot.tokenizer import content_tokens, query_terms
from askbot.when import Timeframe, read_time

TimeWords = Literal["prefer", "filter", "ignore"]
_GENERIC_TIME = frozenset(
    (
        *("today", "tonight", "yesterday", "week", "weekend", "month", "year", "days"),
        *("past", "last", "morning", "afternoon", "evening", "recently", "lately"),
    )
)

# Terminal escape sequences pasted with a question go whole (CSI "ESC [ … letter", OSC
# "ESC ] … BEL", two-byte ESC forms), then the remaining control characters become spaces.
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x1b[@-Z\\-_]"  # two-byte sequences
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")
# A value in straight or curly quotes may hold spaces: source:"Business Insider".
_FILTER = re.compile(
    r"(?<!\S)(outlet|source|since|until|after|before|in):"
    r"(\"[^\"]*\"|'[^']*'|“[^”]*”|‘[^’]*’|«[^»]*»|\S+)",
    re.IGNORECASE,
)
_QUOTES = "\"'“”‘’«»"
EXAMPLE = 'askbot ask "What did Lavrov say about war?"'
# "What did Lavrov say", "how did Kyiv respond": the reader wants the speaker's own words.
_SPEECH = re.compile(
    r"\b(say|says|said|tell|tells|told|warn|warns|warned|claim|claims|claimed"
    r"|respond|responds|responded|reply|replies|replied|promise|promises|promised"
    r"|commented|quote|quoted)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Query:
    text: str
    filters: QueryFilters
    words: list[str]
    terms: list[str]
    warnings: list[str] = field(default_factory=list)
    # The question asks what someone said, so a direct quotation is the best answer.
    wants_quote: bool = False
    # The question asks about the present state of things ("still", "latest").
    current: bool = False


def _period(key: str, value: str, reference: date) -> tuple[date, date]:
    try:
        return parse_period(value, reference=reference)
    except DateError as error:
        raise QuestionError(
            f"{key}:{value} is not a date ({error})",
            "write a day, month or year: 2024-03-01, 2024-03, March 2024 or 2024",
        ) from None


def parse_question(
    raw: str,
    max_chars: int,
    *,
    as_of: date | None = None,
    time_words: TimeWords = "prefer",
) -> Query:
    """Cleans and bounds a question, pulls out its filters, and reads the time it speaks
    of against ``as_of`` (today when not given; given, it also ends the ``until`` filter).
    ``time_words`` says what "this week" and the like do: filter, prefer, or nothing.

    Raises QuestionError when nothing askable is left, or a filter cannot be read.
    """
    reference = as_of or today()
    warnings: list[str] = []
    text = _SPACES.sub(" ", _CONTROL.sub(" ", _ESCAPE.sub(" ", raw))).strip()
    if len(text) > max_chars:
        cut = text[:max_chars]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
        warnings.append(f"question truncated to its first {len(text)} characters")
    outlets: list[str] = []
    since: date | None = None
    until: date | None = None
    for match in _FILTER.finditer(text):
        key, value = match.group(1).lower(), match.group(2).strip(_QUOTES).strip()
        if key in ("outlet", "source"):
            if value:
                outlets.append(value)
            continue
        start, end = _period(key, value, reference)
        if key in ("since", "after", "in"):
            since = max(since, start) if since else start
        if key in ("until", "before", "in"):
            until = min(until, end) if until else end
    if since and until and since > until:
        raise QuestionError(
            f"the filters ask for articles since {since.isoformat()} and until {until.isoformat()}",
            "swap since: and until:, or widen them",
        )
    if since and as_of and since > as_of:
        raise QuestionError(
            f"since:{since.isoformat()} is after the date the question is asked as of "
            f"({as_of.isoformat()})",
            "ask as of a later date, or drop since:",
        )
    question = _SPACES.sub(" ", _FILTER.sub(" ", text)).strip()
    if not question:
        raise QuestionError("the question is empty", f"ask something, e.g. {EXAMPLE}")
    frame = read_time(question, reference) if time_words != "ignore" else Timeframe()
    if time_words == "filter" and frame.window:
        since = max(since, frame.window[0]) if since else frame.window[0]
        until = min(until, frame.window[1]) if until else frame.window[1]
    words = content_tokens(question)
    if not words:
        raise QuestionError(
            f"the question {question[:60]!r} has no words to search for",
            f"ask about a person, place or event, e.g. {EXAMPLE}",
        )
    # "this week" names when, not what: its generic words are not searched for. Month and
    # day names, "latest" or "current" may be what a story is about, and stay.
    timed = set(content_tokens(" ".join(frame.words))) & _GENERIC_TIME
    searched = [w for w in words if w not in timed] or words
    prefer = frame.window if time_words == "prefer" else None
    return Query(
        text=question,
        filters=QueryFilters(
            outlets=tuple(outlets),
            since=since,
            until=until,
            published_by=as_of,
            prefer_since=prefer[0] if prefer else None,
            prefer_until=prefer[1] if prefer else None,
            prefer_recent=frame.recent and time_words != "ignore",
            as_of=reference,
            time_words=frame.words,
        ),
        words=searched,
        terms=query_terms(searched),
        warnings=warnings,
        wants_quote=_SPEECH.search(question) is not None,
        current=frame.current and time_words != "ignore",
    )

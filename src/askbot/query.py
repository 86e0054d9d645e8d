"""Turning raw question text into a ``Query``: cleaned, bounded, with its filters.

Filters ride inside the question, as people type them in Slack::

    outlet:Reuters since:2022-01-01 until:2022-02-01 what did Lavrov say?
    source:"Business Insider" troops near the border
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from askbot.errors import QuestionError
from askbot.models import QueryFilters
from askbot.tokenizer import content_tokens, query_terms

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
    r"(?<!\S)(outlet|source|since|until|after|before):"
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


def _parse_date(key: str, value: str) -> date:
    from askbot.dates import parse_date

    parsed = None
    try:
        parsed = parse_date(value)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise QuestionError(f"{key}:{value} is not a date", "write dates as YYYY-MM-DD")
    return parsed


def parse_question(raw: str, max_chars: int) -> Query:
    """Cleans and bounds a question and pulls out its filters.

    Raises QuestionError when nothing askable is left.
    """
    warnings: list[str] = []
    text = _SPACES.sub(" ", _CONTROL.sub(" ", _ESCAPE.sub(" ", raw))).strip()
    if len(text) > max_chars:
        cut = text[:max_chars]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
        warnings.append(f"question truncated to its first {len(text)} characters")
    outlets: list[str] = []
    since = until = None
    for match in _FILTER.finditer(text):
        key, value = match.group(1).lower(), match.group(2).strip(_QUOTES).strip()
        if key in ("outlet", "source"):
            if value:
                outlets.append(value)
        elif key in ("since", "after"):
            since = _parse_date(key, value)
        else:
            until = _parse_date(key, value)
    question = _SPACES.sub(" ", _FILTER.sub(" ", text)).strip()
    if not question:
        raise QuestionError("the question is empty", f"ask something, e.g. {EXAMPLE}")
    words = content_tokens(question)
    if not words:
        raise QuestionError(
            f"the question {question[:60]!r} has no words to search for",
            f"ask about a person, place or event, e.g. {EXAMPLE}",
        )
    return Query(
        text=question,
        filters=QueryFilters(outlets=tuple(outlets), since=since, until=until),
        words=words,
        terms=query_terms(words),
        warnings=warnings,
        wants_quote=_SPEECH.search(question) is not None,
    )

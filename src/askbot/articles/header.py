"""The lines at the top of a text article: its headline, its byline, its timestamp.

Saved pages and copied articles start with furniture ("By Jane Doe, CNN", "Updated 10:32
AM EST, Fri January 28, 2022") before the first paragraph. Those lines are metadata where
they are clear, and are never taken for the headline or quoted as the article's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from askbot.dates import date_problem

HEADLINE_MAX_CHARS = 160
HEADLINE_MAX_WORDS = 28
# Only this many lines at the top are looked at: furniture comes before the story.
HEADER_LINES = 6
_BYLINE = re.compile(r"^(?:by|written by|words by)\s+(?P<names>\S.{0,150})$", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\|)\s*")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w.'’-]*|de|da|di|van|von|der|del|la|le|bin|al|el)$")
_STAMP_LABEL = re.compile(
    r"^(?:last\s+)?(?:updated|published|posted|modified|date|first published)\b\s*:?\s*(?:on\s+)?",
    re.I,
)
_HAS_DATE = re.compile(
    r"\d{4}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d", re.I
)


@dataclass
class Header:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None


def looks_like_headline(line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= HEADLINE_MAX_CHARS
        and len(line.split()) <= HEADLINE_MAX_WORDS
        and not line.endswith((".", ":", ";", ","))
        and byline_names(line) is None
        and not is_timestamp(line)
    )


def byline_names(line: str) -> list[str] | None:
    """The people a byline names ("By Jane Doe and John Roe, CNN"), or None if not one."""
    match = _BYLINE.match(line.strip())
    if match is None:
        return None
    names = []
    for part in _NAME_SPLIT.split(match.group("names").strip(" .")):
        words = part.split()
        # A person is two to five capitalised words; "CNN" or "Staff" is not one.
        if 2 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words):
            names.append(" ".join(words))
    return names or None


def is_timestamp(line: str) -> bool:
    """A short line that is only a date or time ("Published 10:32 AM, January 28, 2022")."""
    line = line.strip()
    if not line or len(line) > 80 or not _HAS_DATE.search(line):
        return False
    rest = _STAMP_LABEL.sub("", line)
    # Nothing but date and time words may remain: a sentence that mentions a date is text.
    words = re.findall(r"[A-Za-z]+", rest)
    allowed = re.compile(
        r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)"
        r"[a-z]*$|^(?:am|pm|a|p|m|at|on|of|the|utc|gmt|bst|est|edt|cst|cdt|pst|pdt|et|pt|ct|z)$",
        re.I,
    )
    return all(allowed.match(w) for w in words) and date_problem(rest)[0] is not None


def take_header(lines: list[str], *, title_known: bool) -> tuple[Header, list[str]]:
    """Reads the furniture off the top of ``lines``; returns it and the lines left."""
    header = Header()
    rest = list(lines)
    looked = 0
    while rest and looked < HEADER_LINES:
        line = rest[0].strip()
        if not line:
            rest.pop(0)
            continue
        looked += 1
        names = byline_names(line)
        if names is not None:
            header.authors.extend(names)
        elif is_timestamp(line):
            header.published = header.published or _STAMP_LABEL.sub("", line)
        elif (
            header.title is None
            and not title_known
            and looks_like_headline(line)
            and any(other.strip() for other in rest[1:])
        ):
            header.title = line
        else:
            break
        rest.pop(0)
    return header, rest

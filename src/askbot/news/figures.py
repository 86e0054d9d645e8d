"""Figures that disagree: the same thing counted differently by different excerpts.

News reports of one event rarely agree on numbers ("about 100,000 troops" in one sentence,
"some 130,000 Russian troops" in the next, quoting another source). askbot does not pick a
winner; it points the reader at the disagreement, with each figure cut verbatim from its
excerpt so it can be checked.

A figure is a number (digits, thousands separators, an optional "million"/"billion"
scale) followed, within three words, by the lower-case noun it counts. Years, days of a
month and percentages are not counts and are left out.

Two figures disagree only when they count the same thing and come from different
sources: the same noun, named things in their clauses that agree ("Russian troops near
Ukraine's border" and "Russia has deployed ... troops near the border" do; "412 seats"
for Labour and "121 seats" for the Conservatives do not), given by different claimants
(a minister quoted against the outlet's own figure, in one article or two), by different
outlets, or on different dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from askbot.models import Answer, Discrepancy, Excerpt, Figure
from askbot.tokenizer import STOPWORDS, stem

if TYPE_CHECKING:
    # Annotations only: askbot.answering imports this package for its analyzers.
    from askbot.answering.evidence import Evidence

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_MONTHS = (
    *("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct"),
    *("nov", "dec", "january", "february", "march", "april", "june", "july", "august"),
    *("september", "october", "november", "december"),
)
_FIGURE = re.compile(
    r"(?<![\w.,$€£%-])"
    r"(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s+(?P<scale>thousand|million|billion|trillion))?"
    r"(?P<after>(?:\s+[A-Za-z][\w'’-]*){1,3})"
)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
# A clause ends at these (a comma only before a space: "130,000" is one number).
_CLAUSE = re.compile(r"[;:()—–]|,(?=\s)|\.(?=\s)|\b(?:while|whereas|but|and)\b")
_NAMED = re.compile(r"\b[A-Z][a-zA-Z’'-]+")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Named things are compared by their first letters: "Russia" and "Russian" are one.
_PREFIX = 5


def _clause(text: str, start: int, end: int) -> str:
    before = [m.end() for m in _CLAUSE.finditer(text, 0, start)]
    after = _CLAUSE.search(text, end)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]


# "Reznikov told parliament", "said Jane Doe", "according to the ministry".
_NAME = r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,3}"
_CLAIMANT = re.compile(
    rf"(?:\b(?P<before>{_NAME})\s+(?:said|says|told|tells|"
    r"estimated|estimates|reported|reports|claimed|claims)\b)"
    rf"|(?:\b(?:said|says|according to)\s+(?:the\s+)?(?P<after>{_NAME}))"
)
_SENTENCE_END = re.compile(r"[.!?](?=\s)")


def _claimant(text: str, start: int, end: int) -> tuple[str | None, str]:
    """Who the sentence holding a figure attributes it to ("Reznikov"), if anyone, and
    ``text`` with that attribution blanked (a speaker's name is not what is counted)."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    first = before[-1] if before else 0
    sentence = text[first : after.start() if after else len(text)]
    match = _CLAIMANT.search(sentence)
    if match is None:
        return None, text
    name = match["before"] or match["after"] or ""
    blank = " " * (match.end() - match.start())
    return (name.split()[-1] if name else None), (
        text[: first + match.start()] + blank + text[first + match.end() :]
    )


def _qualifiers(clause: str) -> tuple[str, ...]:
    """The named things a figure's clause speaks of, as comparable prefixes."""
    found = []
    for word in _NAMED.findall(clause):
        lowered = word.lower().rstrip("’'s")
        if lowered in STOPWORDS or lowered in _MONTHS or lowered in _DAYS or len(lowered) < 3:
            continue
        found.append(lowered[:_PREFIX])
    return tuple(dict.fromkeys(found))


def _is_date(text: str, start: int, number: str) -> bool:
    before = text[max(0, start - 12) : start].lower().rstrip(" .")
    year_like = "," not in number and "." not in number and 1800 <= float(number) <= 2100
    return year_like or any(before.endswith(month) for month in _MONTHS)


def figures(excerpt: Excerpt, index: int) -> list[Figure]:
    """The counts in one excerpt, each located by offsets into its article."""
    found: list[Figure] = []
    for match in _FIGURE.finditer(excerpt.text):
        number = match.group("number")
        if _is_date(excerpt.text, match.start(), number):
            continue
        words = _WORD.findall(match.group("after"))
        subject = next(
            (w for w in words if w.islower() and w not in STOPWORDS and w not in _SCALES), None
        )
        if subject is None:
            continue
        end = match.start("after") + match.group("after").index(subject) + len(subject)
        claimant, unattributed = _claimant(excerpt.text, match.start(), end)
        value = float(number.replace(",", "")) * _SCALES.get(match.group("scale") or "", 1.0)
        found.append(
            Figure(
                text=excerpt.text[match.start() : end],
                value=value,
                subject=subject,
                excerpt=index,
                article_id=excerpt.article_id,
                source=excerpt.source,
                published=excerpt.published,
                claimant=claimant,
                qualifiers=_qualifiers(_clause(unattributed, match.start(), end)),
                start=excerpt.start + match.start(),
                end=excerpt.start + end,
            )
        )
    return found


def _given_by(figure: Figure) -> tuple[str, str, str]:
    """Who gives a figure, and when: its claimant (or else its outlet's own voice)."""
    outlet = figure.source or figure.article_id
    day = figure.published.isoformat() if figure.published else ""
    return (figure.claimant or f"outlet {outlet}", outlet, day)


def _same_thing(a: Figure, b: Figure) -> bool:
    """Whether two figures may be two sources' reports of one count."""
    if _given_by(a) == _given_by(b):
        return False  # one source giving two numbers counts two things
    named_a, named_b = set(a.qualifiers), set(b.qualifiers)
    return not (named_a and named_b) or bool(named_a & named_b)


def discrepancies(excerpts: Sequence[Excerpt]) -> tuple[Discrepancy, ...]:
    """Things that two or more excerpts count with different numbers."""
    by_subject: dict[str, list[Figure]] = {}
    for number, excerpt in enumerate(excerpts, start=1):
        for figure in figures(excerpt, number):
            by_subject.setdefault(stem(figure.subject.lower()), []).append(figure)
    out = []
    for group in by_subject.values():
        disputed = [
            f for f in group if any(g.value != f.value and _same_thing(f, g) for g in group)
        ]
        if len({f.value for f in disputed}) > 1:
            out.append(Discrepancy(subject=disputed[0].subject, figures=tuple(disputed)))
    return tuple(out)


def describe(discrepancy: Discrepancy) -> str:
    """One line for people: the figures, each with its excerpt number and outlet."""
    parts = []
    for figure in discrepancy.figures:
        said = [
            figure.claimant,
            figure.source,
            figure.published.isoformat() if figure.published else None,
        ]
        where = ", ".join([str(figure.excerpt), *(s for s in said if s)])
        where = f"[{where}]"
        parts.append(f"“{figure.text}” {where}")
    return (
        f"the excerpts give different figures for {discrepancy.subject}: "
        + ", ".join(parts)
        + ". Check the sources before repeating one."
    )


class FigureAnalyzer:
    """The answer stage that points out figures the excerpts disagree on."""

    def analyze(self, answer: Answer, evidence: Evidence) -> Answer:
        if not answer.answered:
            return answer
        return answer.model_copy(update={"discrepancies": discrepancies(answer.excerpts)})

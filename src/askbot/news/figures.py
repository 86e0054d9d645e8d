"""Figures that disagree: the same thing counted differently by different excerpts.

News reports of one event rarely agree on numbers ("about 100,000 troops" in one sentence,
"some 130,000 Russian troops" in the next, quoting another source). askbot does not pick a
winner; it points the reader at the disagreement, with each figure cut verbatim from its
excerpt so it can be checked.

A figure is a number (digits, thousands separators, an optional "million"/"billion"
scale) followed, within three words, by the lower-case noun it counts. Years, days of a
month and percentages are not counts and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from askbot.answering.evidence import Evidence
from askbot.models import Answer, Discrepancy, Excerpt, Figure
from askbot.tokenizer import STOPWORDS, stem

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
        value = float(number.replace(",", "")) * _SCALES.get(match.group("scale") or "", 1.0)
        found.append(
            Figure(
                text=excerpt.text[match.start() : end],
                value=value,
                subject=subject,
                excerpt=index,
                article_id=excerpt.article_id,
                source=excerpt.source,
                start=excerpt.start + match.start(),
                end=excerpt.start + end,
            )
        )
    return found


def discrepancies(excerpts: Sequence[Excerpt]) -> tuple[Discrepancy, ...]:
    """Things that two or more excerpts count with different numbers."""
    by_subject: dict[str, list[Figure]] = {}
    for number, excerpt in enumerate(excerpts, start=1):
        for figure in figures(excerpt, number):
            by_subject.setdefault(stem(figure.subject.lower()), []).append(figure)
    out = []
    for group in by_subject.values():
        if len({f.value for f in group}) > 1 and len({f.excerpt for f in group}) > 1:
            out.append(Discrepancy(subject=group[0].subject, figures=tuple(group)))
    return tuple(out)


def describe(discrepancy: Discrepancy) -> str:
    """One line for people: the figures, each with its excerpt number and outlet."""
    parts = []
    for figure in discrepancy.figures:
        where = f"[{figure.excerpt}" + (f", {figure.source}]" if figure.source else "]")
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

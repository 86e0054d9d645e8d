"""Chooses the words to quote: the sentences of the retrieved passages that answer.

Sentences are grouped into *units* first: a quotation that runs over several sentences is
one unit, so a quote is never cut off from its closing mark or from who said it. Units
are scored by how much of the question's keyword weight they contain (IDF-weighted, so
rare names count more than common words) and by their passage's retrieval rank. The best
non-overlapping units become excerpts; a unit that repeats another almost word for word
(the same wire quote run by two outlets) is merged into it as ``also_in``.

Every excerpt is cut out of its article by offsets, never rebuilt from tokens, so
``article.text[start:end] == excerpt.text`` always holds.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from askbot.keywords import STOPWORDS, stems, tokens
from askbot.models import Citation, Excerpt, Span
from askbot.retriever import Hit
from askbot.store import PassageRow

_OPEN_QUOTES = "“«‘"
_CLOSE_QUOTES = "”»’"
_MAX_UNIT_SENTENCES = 5
_NEAR_DUPLICATE = 0.8
# How much a unit's own keyword coverage weighs against its passage's retrieval rank.
_COVERAGE_WEIGHT = 0.6
# Added to a unit holding a direct quotation when the question asks what someone said:
# enough to lift the speaker's words over a paraphrase of them from a better passage.
_QUOTE_BONUS = 0.1
# An opening quotation mark followed by at least a few words: a quotation, not a 'scare
# quote' around one word.
_QUOTATION = re.compile(r"[“«\"][^”»\"]{20,}")


@dataclass
class _Unit:
    row: PassageRow
    hit: Hit
    start: int
    end: int
    coverage: float
    score: float
    also_in: list[Citation] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.row.text[self.start - self.row.start : self.end - self.row.start]


def _open_quote(text: str, inside: bool) -> bool:
    """Whether a quotation is still open after ``text`` (given whether it was before)."""
    for ch in text:
        if ch in _OPEN_QUOTES and ch != "’":
            inside = True
        elif ch in _CLOSE_QUOTES and ch != "’":
            inside = False
        elif ch == '"':
            inside = not inside
    return inside


def units(row: PassageRow) -> list[Span]:
    """The passage's sentences, with a quotation spread over several joined into one."""
    out: list[Span] = []
    i, spans = 0, row.sentences
    while i < len(spans):
        j = i
        inside = _open_quote(_slice(row, spans[i]), False)
        while inside and j + 1 < len(spans) and j - i + 1 < _MAX_UNIT_SENTENCES:
            between = row.text[spans[j].end - row.start : spans[j + 1].start - row.start]
            if "\n" in between:
                break
            j += 1
            inside = _open_quote(_slice(row, spans[j]), inside)
        out.append(Span(start=spans[i].start, end=spans[j].end))
        i = j + 1
    return out


def _slice(row: PassageRow, span: Span) -> str:
    return row.text[span.start - row.start : span.end - row.start]


def idf_weights(terms: Sequence[str], df: Mapping[str, int], total: int) -> dict[str, float]:
    """BM25's IDF of each query term; a term the corpus never uses weighs the most."""
    return {t: math.log(1 + (total - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in terms}


def coverage(text: str, weights: Mapping[str, float]) -> float:
    """Share of the question's keyword weight that ``text`` contains, from 0 to 1."""
    total = sum(weights.values())
    if not total:
        return 0.0
    present = stems(text)
    return sum(w for t, w in weights.items() if t in present) / total


# Each passage's units with their keyword coverage, by passage id.
ScoredUnits = Mapping[int, Sequence[tuple[Span, float]]]


def score_units(rows: Mapping[int, PassageRow], weights: Mapping[str, float]) -> ScoredUnits:
    """The coverage of every unit of ``rows``: computed once per question, then shared by
    re-ranking (which wants each passage's best) and selection (which wants them all)."""
    return {
        pid: [(span, coverage(_slice(row, span), weights)) for span in units(row)]
        for pid, row in rows.items()
    }


def best_coverage(scored: Sequence[tuple[Span, float]]) -> float:
    """The keyword coverage of a passage's best unit."""
    return max((cov for _, cov in scored), default=0.0)


def rerank(hits: Sequence[Hit], scored: ScoredUnits, sentence_weight: float) -> list[Hit]:
    """Hits re-scored ``score / best score + sentence_weight * best unit coverage``.

    A question is usually answered by one sentence: a passage holding a sentence with most
    of the question's rare words is the better evidence even when the passage as a whole
    scored a little lower. Hits without scored units keep their order, after the others.
    """
    if not hits or not sentence_weight:
        return list(hits)
    top = max(h.score for h in hits) or 1.0
    rescored = [
        dataclasses.replace(
            h, score=h.score / top + sentence_weight * best_coverage(scored[h.passage_id])
        )
        for h in hits
        if h.passage_id in scored
    ]
    rescored.sort(key=lambda h: -h.score)
    return rescored + [h for h in hits if h.passage_id not in scored]


def _signature(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in STOPWORDS}


def _near_duplicate(a: set[str], b: set[str]) -> bool:
    small = min(len(a), len(b))
    return small >= 4 and len(a & b) / small >= _NEAR_DUPLICATE


def _citation(unit: _Unit) -> Citation:
    row = unit.row
    return Citation(
        article_id=row.article_id,
        title=row.title,
        source=row.source,
        published=row.published,
        url=row.url,
        start=unit.start,
        end=unit.end,
    )


def select(
    hits: Sequence[Hit],
    rows: Mapping[int, PassageRow],
    scored: ScoredUnits,
    k: int,
    prefer_quotes: bool = False,
) -> list[Excerpt]:
    """The ``k`` best excerpts from the passages of ``hits`` (best first).

    With ``prefer_quotes`` (the question asks what someone said), a direct quotation
    holding as many of the question's words as any other unit scores a little higher.
    """
    if not hits:
        return []
    top = max(h.score for h in hits) or 1.0
    candidates: list[_Unit] = []
    for hit in hits:
        row = rows.get(hit.passage_id)
        if row is None or hit.passage_id not in scored:
            continue
        prior = hit.score / top
        for span, cov in scored[hit.passage_id]:
            score = _COVERAGE_WEIGHT * cov + (1 - _COVERAGE_WEIGHT) * prior
            candidates.append(_Unit(row, hit, span.start, span.end, cov, score))
    if prefer_quotes:
        _lift_quotations(candidates)
    candidates.sort(key=lambda u: -u.score)

    chosen: list[tuple[_Unit, set[str]]] = []
    for unit in candidates:
        signature = _signature(unit.text)
        duplicate_of = next((c for c, sig in chosen if _near_duplicate(signature, sig)), None)
        if duplicate_of is not None:
            if duplicate_of.row.article_id != unit.row.article_id and all(
                c.article_id != unit.row.article_id for c in duplicate_of.also_in
            ):
                duplicate_of.also_in.append(_citation(unit))
            continue
        if len(chosen) >= k:
            continue  # keep scanning only to find more outlets for chosen quotes
        if any(_overlaps(unit, c) for c, _ in chosen):
            continue
        chosen.append((unit, signature))
    return [
        Excerpt(
            **_citation(unit).model_dump(),
            text=unit.text,
            score=round(unit.score, 4),
            also_in=tuple(unit.also_in),
        )
        for unit, _ in chosen
    ]


def _lift_quotations(candidates: list[_Unit]) -> None:
    """Lifts the quotations that hold as much of the question as any unit does.

    Only those: a quote that misses some of the question's words is not what was asked
    (on SQuAD's "who said ..." questions lifting every quote cost answers).
    """
    best = max((u.coverage for u in candidates), default=0.0)
    for unit in candidates:
        if unit.coverage >= best - 1e-9 and _QUOTATION.search(unit.text):
            unit.score += _QUOTE_BONUS


def _overlaps(a: _Unit, b: _Unit) -> bool:
    return a.row.article_id == b.row.article_id and a.start < b.end and b.start < a.end

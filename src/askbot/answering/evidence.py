"""What a question's stages share: its snapshot, query, keyword weights and passages.

Passages are fetched once and their quotable *units* scored once per question, then
shared by re-ranking (which wants each passage's best unit) and excerpt selection (which
wants them all). A unit is a sentence, or a quotation that runs over several sentences:
a quote is never cut off from its closing mark or from who said it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from askbot.index import PassageRow, Snapshot
from askbot.models import Span
from askbot.tokenizer import stems

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from askbot.query import Query

_OPEN_QUOTES = "“«‘"
_CLOSE_QUOTES = "”»’"
_MAX_UNIT_SENTENCES = 5
# Every character _open_quote acts on (’ is an apostrophe far more often than a quote).
_QUOTE_MARK = re.compile('[“«‘”»"]')
# Who said a quotation: a speech verb outside its quotation marks.
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|asked|asks|warned|warns|stated|states|noted|"
    r"notes|explained|explains|wrote|writes|declared|insisted|argued|argues|according to)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[“«\"][^”»\"]*[”»\"]?")
# An attribution sentence standing after a quotation ("Lavrov said on Friday.") is short.
_ATTRIBUTION_WORDS = 14


@dataclass(frozen=True, slots=True)
class Hit:
    """A candidate passage: its score in the current ranking, and its evidence."""

    passage_id: int
    score: float
    cosine: float
    bm25: float | None


ScoredUnits = Sequence[tuple[Span, float]]
"""A passage's units, each with its keyword coverage."""


@dataclass
class Evidence:
    snapshot: Snapshot
    query: Query
    vector: NDArray[np.float32] | None
    k: int
    # A timeline: one excerpt per article, in order of publication.
    timeline: bool = False
    weights: dict[str, float] = field(default_factory=dict)
    rows: dict[int, PassageRow] = field(default_factory=dict)
    units: dict[int, ScoredUnits] = field(default_factory=dict)
    passages: int = 0

    def __post_init__(self) -> None:
        df = self.snapshot.document_frequencies(self.query.terms)
        self.passages = self.snapshot.counts()[1]
        self.weights = idf_weights(self.query.terms, df, self.passages)

    def load(self, hits: Iterable[Hit]) -> None:
        """Fetches the passages of ``hits`` not yet loaded, and scores their units."""
        missing = [h.passage_id for h in hits if h.passage_id not in self.rows]
        fetched = self.snapshot.passages(missing)
        self.rows.update(fetched)
        total = sum(self.weights.values())
        for pid, row in fetched.items():
            self.units[pid] = [
                (span, _covered(present, self.weights, total))
                for span, present in stemmed_units(row)
            ]


def idf_weights(terms: Sequence[str], df: Mapping[str, int], total: int) -> dict[str, float]:
    """BM25's IDF of each query term; a term the corpus never uses weighs the most."""
    return {t: math.log(1 + (total - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in terms}


def coverage(text: str, weights: Mapping[str, float]) -> float:
    """Share of the question's keyword weight that ``text`` contains, from 0 to 1."""
    return _covered(stems(text), weights, sum(weights.values()))


def _covered(present: AbstractSet[str], weights: Mapping[str, float], total: float) -> float:
    if not total:
        return 0.0
    return sum(w for t, w in weights.items() if t in present) / total


@lru_cache(maxsize=2048)
def stemmed_units(row: PassageRow) -> tuple[tuple[Span, frozenset[str]], ...]:
    """A passage's units with the stems of each: what scoring needs that no question
    changes. Cached per process (by the whole row, so a changed passage is a new entry): a
    REPL, the Slack bot and eval meet the same passages question after question, and
    finding units and stemming their words was over a third of a warm question's time."""
    return tuple((span, frozenset(stems(_slice(row, span)))) for span in units(row))


def best_coverage(scored: ScoredUnits) -> float:
    """The keyword coverage of a passage's best unit."""
    return max((cov for _, cov in scored), default=0.0)


def _open_quote(text: str, inside: bool) -> bool:
    """Whether a quotation is still open after ``text`` (given whether it was before)."""
    for ch in _QUOTE_MARK.findall(text):
        if ch in _OPEN_QUOTES:
            inside = True
        elif ch in _CLOSE_QUOTES:
            inside = False
        elif ch == '"':
            inside = not inside
    return inside


def _slice(row: PassageRow, span: Span) -> str:
    return row.text[span.start - row.start : span.end - row.start]


def _attributes(text: str) -> bool:
    """Whether a sentence says who is speaking: a speech verb outside quotation marks."""
    return bool(_SPEECH.search(_QUOTED.sub(" ", text)))


def _same_paragraph(row: PassageRow, left: Span, right: Span) -> bool:
    return "\n" not in row.text[left.end - row.start : right.start - row.start]


def _with_speaker(row: PassageRow, found: list[Span]) -> list[Span]:
    """Quotations that do not say who spoke take the adjacent sentence that does, so a
    quote is never shown cut off from its speaker ("… we won't allow it." after
    "“We don't want wars,” he said.")."""
    out = list(found)
    for i, span in enumerate(found):
        text = _slice(row, span)
        if text[:1] not in '“«"' or _attributes(text):
            continue
        before = out[i - 1] if i else None
        after = found[i + 1] if i + 1 < len(found) else None
        if (
            before
            and _same_paragraph(row, before, span)
            and (_attributes(_slice(row, before)) or _slice(row, before).rstrip().endswith(":"))
        ):
            out[i] = Span(start=before.start, end=span.end)
        elif (
            after
            and _same_paragraph(row, span, after)
            and _attributes(_slice(row, after))
            and len(_slice(row, after).split()) <= _ATTRIBUTION_WORDS
        ):
            out[i] = Span(start=span.start, end=after.end)
    return out


def units(row: PassageRow) -> list[Span]:
    """The passage's sentences, with a quotation spread over several joined into one, and
    a quotation kept with the adjacent sentence that says who spoke it."""
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
    return _with_speaker(row, out)

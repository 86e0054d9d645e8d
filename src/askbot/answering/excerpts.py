"""Choosing the words to quote: the best units of the top passages, verbatim.

Units are scored by how much of the question's keyword weight they contain (IDF-weighted,
so rare names count more than common words) and by their passage's rank. Boosts (such as
putting a speaker's own words first) adjust those scores. The best non-overlapping units
become excerpts; a unit that repeats another almost word for word (the same wire quote run
by two outlets) is merged into it as ``also_in``.

Every excerpt is cut out of its article by offsets, never rebuilt from tokens, so
``article.text[start:end] == excerpt.text`` always holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from askbot.answering.evidence import Evidence, Hit
from askbot.index import PassageRow
from askbot.index.base import StoryMember
from askbot.models import Citation, Excerpt, Speaker, citation_label
from askbot.tokenizer import STOPWORDS, tokens

Stories = dict[str, tuple[str, list[StoryMember]]]
"""Each candidate article's story id and members (``Snapshot.stories``)."""

# Passages whose sentences compete to be quoted; deeper ones almost never win.
EXCERPT_PASSAGES = 10
_NEAR_DUPLICATE = 0.8
# How much a unit's own keyword coverage weighs against its passage's retrieval rank.
_COVERAGE_WEIGHT = 0.6
# An excerpt after the first must score at least this share of the first, and hold some of
# the question's words: fewer excerpts that bear on the question beat padding to k with
# navigation text or a neighbouring story's sentence. On SQuAD answers this drops 4% of
# excerpts and no answer that a kept excerpt did not also hold (README, "Answers").
MIN_SHARE = 0.5


@dataclass
class Unit:
    """A quotable run of sentences, scored for this question."""

    row: PassageRow
    hit: Hit
    start: int
    end: int
    coverage: float
    score: float
    also_in: list[Citation] = field(default_factory=list)
    copies: list[Citation] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.row.text[self.start - self.row.start : self.end - self.row.start]

    @property
    def speaker(self) -> Speaker | None:
        """Who the article says spoke these words: the attributed quote or reported
        speech that overlaps the unit most (a direct quote over a sentence about one)."""
        best = max(
            (q for q in self.row.quotes if q.start < self.end and self.start < q.end),
            key=lambda q: (min(q.end, self.end) - max(q.start, self.start), q.kind == "direct"),
            default=None,
        )
        return None if best is None else Speaker(name=best.name, role=best.role)


class UnitBoost(Protocol):
    """Adjusts unit scores before the best are chosen (a stage of its own module)."""

    def boost(self, units: list[Unit], evidence: Evidence) -> None: ...


def _signature(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in STOPWORDS}


def _near_duplicate(a: set[str], b: set[str]) -> bool:
    small = min(len(a), len(b))
    return small >= 4 and len(a & b) / small >= _NEAR_DUPLICATE


def _citation(unit: Unit) -> Citation:
    row = unit.row
    return Citation(
        article_id=row.article_id,
        title=row.title,
        source=row.source,
        published=row.published,
        url=row.url,
        start=unit.start,
        end=unit.end,
        label=row.label or citation_label(row.title, row.text),
    )


def _overlaps(a: Unit, b: Unit) -> bool:
    return a.row.article_id == b.row.article_id and a.start < b.end and b.start < a.end


def _same_story(
    unit: Unit, chosen: Sequence[tuple[Unit, set[str]]], stories: Stories
) -> Unit | None:
    """The chosen unit from another article of this unit's story, if any."""
    mine = stories.get(unit.row.article_id)
    if mine is None:
        return None
    for other, _ in chosen:
        theirs = stories.get(other.row.article_id)
        if (
            theirs is not None
            and theirs[0] == mine[0]
            and other.row.article_id != unit.row.article_id
        ):
            return other
    return None


def _copies(unit: Unit, stories: Stories) -> tuple[Citation, ...]:
    """Every other article of the unit's story: at its own words where it was a candidate
    (or carries the same quote), otherwise the whole article."""
    if unit.row.article_id not in stories:
        return ()
    seen = {c.article_id: c for c in [*unit.also_in, *unit.copies]}
    out: list[Citation] = []
    for member in stories[unit.row.article_id][1]:
        if member.article_id == unit.row.article_id:
            continue
        out.append(
            seen.get(member.article_id)
            or Citation(
                article_id=member.article_id,
                title=member.title,
                source=member.source,
                published=member.published,
                url=member.url,
                start=0,
                end=member.chars,
                label=member.label,
            )
        )
    return tuple(out)


class ExcerptSelector:
    def __init__(
        self,
        boosts: Sequence[UnitBoost] = (),
        passages: int = EXCERPT_PASSAGES,
        min_share: float = MIN_SHARE,
    ) -> None:
        self.boosts = boosts
        self.passages = passages
        self.min_share = min_share

    def candidates(self, hits: Sequence[Hit], evidence: Evidence) -> list[Unit]:
        """Every unit of the top passages, scored, boosted, best first."""
        top = list(hits[: max(self.passages, 3 * evidence.k)])
        evidence.load(top)
        if not top:
            return []
        best = max(h.score for h in top) or 1.0
        found: list[Unit] = []
        for hit in top:
            row = evidence.rows.get(hit.passage_id)
            if row is None or hit.passage_id not in evidence.units:
                continue
            prior = hit.score / best
            for span, cov in evidence.units[hit.passage_id]:
                score = _COVERAGE_WEIGHT * cov + (1 - _COVERAGE_WEIGHT) * prior
                found.append(Unit(row, hit, span.start, span.end, cov, score))
        for booster in self.boosts:
            booster.boost(found, evidence)
        found.sort(key=lambda u: -u.score)
        return found

    def select(self, hits: Sequence[Hit], evidence: Evidence) -> list[Excerpt]:
        """The ``k`` best excerpts from the passages of ``hits`` (best first)."""
        chosen: list[tuple[Unit, set[str]]] = []
        candidates = self.candidates(hits, evidence)
        bar = self.min_share * candidates[0].score if candidates else 0.0
        stories = evidence.snapshot.stories(list({u.row.article_id for u in candidates}))
        for unit in candidates:
            signature = _signature(unit.text)
            duplicate_of = next((c for c, sig in chosen if _near_duplicate(signature, sig)), None)
            if duplicate_of is not None:
                if duplicate_of.row.article_id != unit.row.article_id and all(
                    c.article_id != unit.row.article_id for c in duplicate_of.also_in
                ):
                    duplicate_of.also_in.append(_citation(unit))
                continue
            copy_of = _same_story(unit, chosen, stories)
            if copy_of is not None:
                # Another outlet's copy of a story already quoted: one excerpt shows it,
                # and the slot goes to other evidence.
                if all(c.article_id != unit.row.article_id for c in copy_of.copies):
                    copy_of.copies.append(_citation(unit))
                continue
            if len(chosen) >= evidence.k:
                continue  # keep scanning only to find more outlets for chosen quotes
            if chosen and (unit.score < bar or unit.coverage == 0):
                continue  # does not bear on the question: no padding
            if any(_overlaps(unit, c) for c, _ in chosen):
                continue
            if evidence.timeline and any(
                c.row.article_id == unit.row.article_id for c, _ in chosen
            ):
                continue  # a timeline shows how the story moved: one excerpt per article
            chosen.append((unit, signature))
        excerpts = [
            Excerpt(
                **_citation(unit).model_dump(),
                text=unit.text,
                score=round(unit.score, 4),
                also_in=tuple(unit.also_in),
                speaker=unit.speaker,
                story=stories[unit.row.article_id][0] if unit.row.article_id in stories else None,
                copies=_copies(unit, stories),
            )
            for unit, _ in chosen
        ]
        if evidence.timeline:
            excerpts.sort(key=lambda e: (e.published is None, e.published or date.min))
        return excerpts

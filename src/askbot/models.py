"""Records that flow through askbot. Frozen pydantic models; behaviour lives elsewhere.

The JSON form of ``Answer`` is a public contract that scripts rely on: fields may be added,
never renamed.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue


class RetrievalMode(StrEnum):
    """How candidates are found: both retrievers fused, or one alone (for comparison)."""

    hybrid = "hybrid"
    dense = "dense"
    bm25 = "bm25"


class Fusion(StrEnum):
    """How ``hybrid`` merges the dense and keyword lists."""

    convex = "convex"
    rrf = "rrf"


class Record(BaseModel):
    """Base for internal records: immutable, and unknown fields are a bug."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Speaker(Record):
    """Who an article says spoke: ``{"name": "Sergey Lavrov", "role": "Russia's foreign
    minister"}`` (a person, or a named organisation; the role when the article gives one)."""

    name: str
    role: str | None = None


class Attribution(Record):
    """A quotation or a sentence of reported speech (``[start, end)`` of its article's
    text) and the speaker the article attributes it to (``askbot.news.speakers``)."""

    start: int
    end: int
    name: str
    role: str | None = None
    kind: Literal["direct", "reported"] = Field(
        "direct", description="direct (in quotation marks) or reported"
    )


class Article(Record):
    """One news article. Only ``text`` is required of the input; ``id`` is then derived."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: date | None = None
    updated: date | None = Field(
        default=None, description="When the article says it was last changed (a correction)."
    )
    authors: tuple[str, ...] = ()
    metadata: dict[str, JsonValue] = Field(default_factory=dict)
    origin: str | None = Field(
        default=None, description="Where it was read from: a file's absolute path, or a URL."
    )
    quotes: tuple[Attribution, ...] = Field(
        default=(), description="Who said what in the text: found at ingest, from the text."
    )

    @property
    def content_hash(self) -> str:
        """Hash of everything that, when changed, must replace the article's passages
        (not where it came from: a moved file is the same article; not its quotes, which
        are read from its text)."""
        payload = self.model_dump_json(exclude={"id", "origin", "quotes"})
        return hashlib.sha256(payload.encode()).hexdigest()[:32]


LABEL_WORDS = 12


def citation_label(title: str | None, text: str) -> str:
    """What a citation calls an article: its headline, or its opening words."""
    if title:
        return title
    words = text.split()
    opening = " ".join(words[:LABEL_WORDS])
    return opening + ("…" if len(words) > LABEL_WORDS else "")


class Span(Record):
    """A half-open character range ``[start, end)`` into an article's text."""

    start: int
    end: int


class Passage(Record):
    """A run of whole sentences of one article, located by offsets into its text."""

    article_id: str
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]


class Citation(Record):
    """Where a quote stands: the article, its headline, outlet, date, link and offsets."""

    article_id: str
    title: str | None = None
    source: str | None = None
    published: date | None = None
    url: str | None = None
    start: int
    end: int
    label: str = Field("", description="The headline, or the article's opening words.")


class Excerpt(Citation):
    """A verbatim quote: ``text == article.text[start:end]`` of ``article_id``.

    ``also_in`` lists other articles that carry the same words (the same quote run by
    several outlets), each with its own offsets. ``speaker`` is who the article says
    spoke the words, when the excerpt holds attributed speech. ``story`` is the story
    the article belongs to (the id of its earliest copy), and ``copies`` the story's
    other articles: where they were candidates, at the words they would have been
    quoted for, otherwise the whole article.
    """

    text: str
    score: float
    also_in: tuple[Citation, ...] = ()
    speaker: Speaker | None = None
    story: str | None = None
    copies: tuple[Citation, ...] = ()


class Figure(Record):
    """A count quoted in an excerpt (``text == article.text[start:end]``)."""

    text: str
    value: float
    subject: str
    excerpt: int = Field(description="Which excerpt of the answer, from 1.")
    article_id: str
    source: str | None = None
    published: date | None = None
    claimant: str | None = Field(
        default=None, description="Who the figure's sentence attributes it to, if anyone."
    )
    qualifiers: tuple[str, ...] = Field(
        default=(), description="The named things in its clause (Russian, Ukraine): what it counts."
    )
    start: int
    end: int


class Discrepancy(Record):
    """One thing the excerpts count differently: check the sources before repeating it."""

    subject: str
    figures: tuple[Figure, ...]


class QueryFilters(Record):
    """What a question was restricted to, and the time it speaks of.

    ``outlets``, ``since`` and ``until`` are filters: only what they allow is searched.
    ``published_by`` leaves out what was published after the date a question is asked as
    of (undated articles stay: nothing says they came later).
    ``prefer_since``/``prefer_until`` is the period a time expression names ("this
    week"), and ``prefer_recent`` a question about the latest or current state: both are
    preferences, used in ranking, not filters. ``as_of`` is the date relative
    expressions were resolved against.
    """

    outlets: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    published_by: date | None = None
    prefer_since: date | None = None
    prefer_until: date | None = None
    prefer_recent: bool = False
    as_of: date | None = None
    time_words: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        """Whether anything is filtered out (preferences filter nothing)."""
        return bool(self.outlets or self.since or self.until or self.published_by)


class FilterReport(Record):
    """What a question's filters keep of the index, to explain an empty answer."""

    articles: int = Field(description="Articles in the index.")
    outlet_matches: int = Field(description="Articles whose outlet matches (all, without one).")
    kept: int = Field(description="Articles every filter keeps.")
    undated_excluded: int = Field(
        0, description="Articles of the matching outlets left out only for having no date."
    )
    outlets: tuple[tuple[str, int], ...] = Field(
        default=(), description="The index's most common outlets, with their article counts."
    )


class Timings(Record):
    """Milliseconds spent in each stage of answering one question. ``load_ms`` is loading
    the model before a first question, and is not part of ``total_ms``."""

    load_ms: float = 0.0
    embed_ms: float = 0.0
    search_ms: float = 0.0
    select_ms: float = 0.0
    total_ms: float = 0.0


class RankedPassage(Record):
    """One passage of a retrieval-only ranking (``AskBot.retrieve``), best first."""

    passage_id: int
    article_id: str
    score: float
    cosine: float
    bm25: float | None = None


class Answer(Record):
    """askbot's answer to one question."""

    question: str
    answered: bool
    excerpts: tuple[Excerpt, ...] = ()
    confidence: float = 0.0
    reason: str | None = Field(
        default=None, description="Why no excerpt is offered, when answered is false."
    )
    filters: QueryFilters = QueryFilters()
    discrepancies: tuple[Discrepancy, ...] = Field(
        default=(), description="Things the excerpts give different figures for."
    )
    warnings: tuple[str, ...] = ()
    ranking: tuple[str, ...] = Field(
        default=(), description="Article ids in retrieval order, best first (up to 20)."
    )
    timeline: bool = Field(
        default=False, description="Excerpts are in order of publication, oldest first."
    )
    timings: Timings = Timings()


class Skipped(Record):
    """An input that was not ingested or evaluated, and why."""

    location: str = Field(description="file or file:line")
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class Notice(Record):
    """Something read in but not as given (a date not understood, a field left out)."""

    location: str = Field(description="file or file:line")
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class IngestReport(Record):
    """What one ingest did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    passages: int = 0
    skipped: tuple[Skipped, ...] = ()
    notices: tuple[Notice, ...] = ()
    seconds: float = 0.0
    stories_seconds: float = Field(
        default=0.0, description="Of ``seconds``, the time spent grouping copies into stories."
    )


class ChunkerConfig(Record):
    """How articles are cut into passages; stored in the manifest."""

    max_words: int = 200
    overlap_sentences: int = 0
    title_in_embedding: bool = True


class Component(Record):
    """A replaceable part an index was built with: its registered name and parameters."""

    name: str
    params: dict[str, JsonValue] = Field(default_factory=dict)


class Manifest(Record):
    """``manifest.json`` of an index: what it was built with, so a mismatch is refused.

    ``articles``, ``passages`` and ``generation`` are informational copies of what the
    index itself holds; the index, not the manifest, is the truth about them.
    """

    format_version: int
    askbot_version: str
    embedder: str = Field(
        description="Backend and model, e.g. sentence-transformers:all-MiniLM-L6-v2"
    )
    dimension: int
    chunker: ChunkerConfig
    tokenizer: Component
    vector_store: Component
    keyword_index: Component
    articles: int = 0
    passages: int = 0
    generation: int = 0
    created: datetime
    updated: datetime


class IndexInfo(Record):
    """What ``askbot info`` shows."""

    location: str
    manifest: Manifest
    articles: int
    passages: int
    generation: int
    size_bytes: int
    vector_store: dict[str, JsonValue] = Field(default_factory=dict)

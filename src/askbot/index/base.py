"""What an index offers the engine: consistent snapshots to read, one writer to change it.

A question reads one ``Snapshot`` from start to end: the passage rows, the keyword search
and the vectors it sees are all of one committed state, whatever writers commit meanwhile;
the next snapshot sees their work. Every backend (the embedded folder, Milvus) implements
these three classes, and ``tests/test_index_contract.py`` holds each to them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from askbot.models import (
    Article,
    Attribution,
    FilterReport,
    IndexInfo,
    Manifest,
    Passage,
    QueryFilters,
    Span,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Hits = list[tuple[int, float]]


@dataclass(frozen=True, slots=True)
class PassageRow:
    """A passage joined with what a citation needs from its article."""

    id: int
    article_id: str
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]
    title: str | None
    source: str | None
    published: date | None
    url: str | None
    label: str = ""
    quotes: tuple[Attribution, ...] = ()  # the article's attributed speech in this passage


@dataclass(frozen=True, slots=True)
class StorySketch:
    """What story grouping keeps of an article (``askbot.news.stories``): its story, and
    an opaque fingerprint that a later ingest compares new articles with."""

    story: str
    published: date | None
    chars: int
    sketch: bytes


# The members of a story a question reads: a wire story run by hundreds of outlets, or a
# chain of rolling updates, would otherwise cost every question on it thousands of rows
# and citations (a 5,000-article story took 0.25 s of each question).
STORY_MEMBERS = 50


@dataclass(frozen=True, slots=True)
class StoryMember:
    """An article of a story, with what a citation of it needs."""

    article_id: str
    title: str | None
    source: str | None
    published: date | None
    url: str | None
    label: str
    chars: int


class Snapshot(ABC):
    """One committed state of the index, read by one question."""

    generation: int

    @abstractmethod
    def dense(self, vector: NDArray[np.float32], limit: int, filters: QueryFilters) -> Hits:
        """Nearest passages by cosine, best first, from those the filters allow."""

    @abstractmethod
    def keyword(self, words: Sequence[str], limit: int, filters: QueryFilters) -> Hits:
        """Best BM25 passages for any of ``words``, from those the filters allow."""

    @abstractmethod
    def vectors(self, ids: Sequence[int]) -> NDArray[np.float32]:
        """The stored vectors of these passages, one row each, in order."""

    @abstractmethod
    def passages(self, ids: Iterable[int]) -> dict[int, PassageRow]: ...

    @abstractmethod
    def owners(self, ids: Sequence[int]) -> dict[int, str]:
        """The article id of each passage id."""

    @abstractmethod
    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]: ...

    @abstractmethod
    def counts(self) -> tuple[int, int]:
        """(articles, passages)."""

    @abstractmethod
    def article(self, article_id: str) -> Article | None: ...

    @abstractmethod
    def article_ids(self) -> list[str]: ...

    @abstractmethod
    def filter_report(self, filters: QueryFilters) -> FilterReport:
        """How many articles the filters keep, and why others are left out."""

    @abstractmethod
    def stories(self, article_ids: Sequence[str]) -> dict[str, tuple[str, list[StoryMember]]]:
        """The story of each of these articles that has one, with its first
        ``STORY_MEMBERS`` members by date (undated last, then by id)."""


class Writer(ABC):
    """Changes made inside ``Index.writer()``; no reader sees them until it commits."""

    @abstractmethod
    def content_hashes(self, ids: Sequence[str]) -> dict[str, str]: ...

    @abstractmethod
    def origins(self, ids: Sequence[str]) -> dict[str, str]:
        """Where each of these articles was read from (for those that record it)."""

    @abstractmethod
    def ids_by_origin(self, origins: Sequence[str]) -> dict[str, str]:
        """The article read from each origin, where exactly one article was."""

    @abstractmethod
    def upsert(
        self, article: Article, passages: Sequence[Passage], vectors: NDArray[np.float32]
    ) -> None:
        """Replaces the article (if present) and its passages with this version."""

    @abstractmethod
    def remove(self, article_id: str) -> bool:
        """Deletes an article and its passages (and its story sketch and links); False if it
        was not there."""

    @abstractmethod
    def story_sketches(self) -> dict[str, StorySketch]:
        """Every article's story sketch (articles ingested before grouping have none)."""

    @abstractmethod
    def story_links(self) -> list[tuple[str, str]]:
        """Pairs of present articles verified to be copies of one story."""

    @abstractmethod
    def save_stories(
        self, sketches: Mapping[str, StorySketch], links: Iterable[tuple[str, str]]
    ) -> None:
        """Adds or replaces these articles' sketches, and adds these links."""


class Index(ABC):
    """An open index. Thread-safe: any thread may take snapshots; writers take turns."""

    location: str
    manifest: Manifest

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[Snapshot]: ...

    @abstractmethod
    def writer(self, lock_timeout: float) -> AbstractContextManager[Writer]:
        """The one writer: commits everything on a clean exit, nothing on an exception."""

    @abstractmethod
    def info(self) -> IndexInfo: ...

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

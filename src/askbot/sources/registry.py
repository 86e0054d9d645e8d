"""The followed sources, kept with the index so a copied index keeps them: in an index
folder ``sources.json``; in a Milvus index a document of its meta collection
(``askbot.sources.milvus_store``), so every machine that reaches the index shares them.

The registry is replaced atomically (a folder's file written beside it, flushed, renamed;
Milvus's by one pointer row), and only after the index commit that ingested what it
records as seen: a sync killed at any point leaves a registry that records less than the
index holds, never more, so the next sync fetches again what it had not recorded and
finds it unchanged in the index. That holds even when two syncs overlap (a Milvus holder
paused past its lease): each records only what it committed, and the one whose record was
overwritten meanwhile merely fetches again.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, ValidationError

from askbot.errors import SourceError
from askbot.locks import exclusive

if TYPE_CHECKING:
    from askbot.index import Index
    from askbot.settings import Settings

FILE = "sources.json"
LOCK = ".sources.lock"
SYNC_LOCK = ".sync.lock"
FORMAT = 1

Kind = Literal[
    "rss", "rdf", "atom", "json-feed", "sitemap", "news-sitemap", "sitemap-index", "page"
]


class Seen(BaseModel):
    """An entry already read: its GUID, what the feed said of it, the article it became
    (or why it did not: a page that is not an article is not fetched again until its
    entry changes)."""

    guid: str | None = None
    fingerprint: str
    article_id: str | None = None
    problem: str | None = None


class Validators(BaseModel):
    """What a conditional request sends back: the last response's ETag and Last-Modified
    (and a sitemap index's lastmod of the child)."""

    etag: str | None = None
    last_modified: str | None = None
    lastmod: str | None = None


class Robots(BaseModel):
    """A host's robots.txt as last read (no text: the host has none), reused for a day
    as RFC 9309 allows, so a sync with nothing new sends one request per source."""

    text: str | None = None
    fetched: datetime


class Source(BaseModel):
    name: str
    kind: Kind
    url: str
    every: int = Field(1800, description="Seconds between syncs (watch).")
    added: datetime
    validators: Validators = Field(default_factory=Validators)
    children: dict[str, Validators] = Field(default_factory=dict)
    last_sync: datetime | None = None
    last_attempt: datetime | None = None
    last_error: str | None = None
    seen: dict[str, Seen] = Field(default_factory=dict)

    @property
    def articles(self) -> int:
        return len({s.article_id for s in self.seen.values() if s.article_id})

    def seen_entry(
        self, key: str, guid: str | None, by_guid: dict[str, Seen] | None = None
    ) -> Seen | None:
        """The record of an entry, by canonical URL, else by GUID (a feed that moved its
        links keeps its GUIDs); ``by_guid`` is ``guids()``, computed once per sync."""
        if key in self.seen:
            return self.seen[key]
        if guid:
            return (by_guid if by_guid is not None else self.guids()).get(guid)
        return None

    def guids(self) -> dict[str, Seen]:
        return {s.guid: s for s in self.seen.values() if s.guid}


class Registry(BaseModel):
    format: int = FORMAT
    sources: list[Source] = Field(default_factory=list)
    robots: dict[str, Robots] = Field(default_factory=dict)

    def find(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)

    def by_url(self, url: str) -> Source | None:
        return next((s for s in self.sources if s.url == url), None)

    def replace(self, source: Source) -> None:
        self.sources = [source if s.name == source.name else s for s in self.sources]

    def free_name(self, wanted: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", wanted.lower()).strip("-")[:40] or "source"
        name, number = base, 2
        while self.find(name):
            name, number = f"{base}-{number}", number + 1
        return name


class SourceStore(ABC):
    """Where one index keeps its registry, and the two locks around it."""

    where: str  # what messages call it

    @abstractmethod
    def read(self) -> str | None:
        """The registry's JSON (None: no source was ever followed)."""

    @abstractmethod
    def write(self, data: str) -> None:
        """Replaces the registry's JSON atomically."""

    @abstractmethod
    def locked(self, timeout: float) -> AbstractContextManager[None]:
        """Held while the registry is read, changed and written (follow, unfollow, the
        end of a sync): moments, so ``follow`` works while ``watch`` syncs."""

    @abstractmethod
    def syncing(self, timeout: float) -> AbstractContextManager[None]:
        """Held for a whole sync: one sync of an index at a time."""

    def load(self) -> Registry:
        raw = self.read()
        if raw is None:
            return Registry()
        try:
            registry = Registry.model_validate(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            raise SourceError(
                f"{self.where} is damaged ({str(exc).splitlines()[0]})",
                "restore it from a backup, or remove it and follow the sources again",
            ) from None
        if registry.format != FORMAT:
            raise SourceError(f"{self.where} is of format {registry.format}, not {FORMAT}")
        return registry

    def save(self, registry: Registry) -> None:
        self.write(registry.model_dump_json(indent=1))


class FolderSourceStore(SourceStore):
    """``sources.json`` of one index folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / FILE
        self.where = str(self.path)

    def read(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SourceError(f"{self.path}: cannot read it ({exc.strerror})") from None

    def write(self, data: str) -> None:
        handle, temporary = tempfile.mkstemp(prefix=".sources-", dir=self.folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            Path(temporary).replace(self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
            raise

    def locked(self, timeout: float) -> AbstractContextManager[None]:
        return self._lock(LOCK, timeout, "changing the sources of")

    def syncing(self, timeout: float) -> AbstractContextManager[None]:
        return self._lock(SYNC_LOCK, timeout, "syncing the sources of")

    def _lock(self, name: str, timeout: float, doing: str) -> AbstractContextManager[None]:
        return exclusive(self.folder / name, timeout, f"another askbot is {doing} {self.folder}")


def store_for(index: Index, settings: Settings) -> SourceStore:
    """The registry of an open index, where its backend keeps it."""
    from askbot.index import is_milvus

    if is_milvus(index.location):
        # Only for a Milvus index: the folder path never imports the Milvus client.
        from askbot.sources.milvus_store import MilvusSourceStore

        return MilvusSourceStore(index, settings.milvus_lease)
    return FolderSourceStore(Path(index.location))


@contextlib.contextmanager
def open_store(settings: Settings) -> Iterator[SourceStore]:
    """The registry of the index at ``settings.index``, for commands that need no model
    (``sources``, ``unfollow``): a folder's file is read without opening the index."""
    from askbot.index import is_milvus, open_index

    if not is_milvus(settings.index):
        yield FolderSourceStore(Path(settings.index))
        return
    with open_index(settings.index) as index:
        yield store_for(index, settings)

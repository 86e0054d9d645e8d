"""The embedded index: one folder holding SQLite (rows and FTS5) and vector generations.

Layout (``embeddings/default/`` by default)::

    manifest.json          what it was built with (format, tokenizer, embedder, stores)
    passages.sqlite3       articles, passages, FTS5 keyword index, current generation
    vectors-<gen>/         the vector store of generation <gen>
    .lock                  held by the one process allowed to write

**Commits.** A writer stages a private copy of the current vectors, changes it with the
rows, publishes it as ``vectors-<gen+1>/`` and then commits the SQLite transaction that
records ``gen+1``. Until that commit nothing points at the new vectors, so a crash or a
failed publish leaves the previous generation answering.

**Snapshots.** A question opens a SQLite read transaction (WAL mode gives it a fixed view
of the database) and reads the generation there, so its rows, its keyword search and the
vectors of that generation are one committed state however many commits land meanwhile.
Readers never block the writer; the writer never blocks readers (in this process the
switch to a new generation is a dictionary update).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import JsonValue

from askbot.errors import (
    BackendMissingError,
    IndexCorruptError,
    IndexError_,
    IndexMissingError,
    IndexReadOnlyError,
)
from askbot.index import rows
from askbot.index.base import (
    Hits,
    Index,
    PassageRow,
    Snapshot,
    StoryMember,
    StorySketch,
    Writer,
)
from askbot.index.manifest import (
    MANIFEST,
    IndexSpec,
    now_utc,
    read_manifest,
    rebuild_hint,
    write_manifest,
)
from askbot.keywords import fts5
from askbot.keywords.fts5 import Fts5Keywords
from askbot.locks import exclusive
from askbot.models import Article, FilterReport, IndexInfo, Manifest, Passage, QueryFilters
from askbot.vectors import VectorStore, store_class

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

STORE = "passages.sqlite3"
LOCK = ".lock"
# A snapshot that finds its generation's vectors already pruned (two commits landed
# between reading the generation and opening its files) simply starts again.
SNAPSHOT_ATTEMPTS = 8
# Generations whose vectors stay in memory: the current one, and the previous one for
# questions still reading it.
CACHED_GENERATIONS = 2


def _vectors_dir(path: Path, generation: int) -> Path:
    return path / f"vectors-{generation}"


class _Pruned(Exception):
    """The generation a snapshot read has no vectors on disk any more."""


class FolderSnapshot(Snapshot):
    def __init__(self, conn: sqlite3.Connection, generation: int, vectors: VectorStore) -> None:
        self._conn = conn
        self.generation = generation
        self._vectors = vectors
        self._keywords = Fts5Keywords(conn, rows.article_condition)

    def dense(self, vector: NDArray[np.float32], limit: int, filters: QueryFilters) -> Hits:
        return self._vectors.search(vector, limit, rows.allowed_ids(self._conn, filters))

    def keyword(self, words: Sequence[str], limit: int, filters: QueryFilters) -> Hits:
        return self._keywords.search(words, limit, filters)

    def vectors(self, ids: Sequence[int]) -> NDArray[np.float32]:
        try:
            return self._vectors.fetch(ids)
        except RuntimeError as exc:  # FAISS: an id with no vector
            raise IndexCorruptError(
                f"generation {self.generation} has no vector for some passages ({exc})",
                "rebuild the index",
            ) from exc

    def passages(self, ids: Iterable[int]) -> dict[int, PassageRow]:
        return rows.passages(self._conn, ids)

    def owners(self, ids: Sequence[int]) -> dict[int, str]:
        return rows.owners(self._conn, ids)

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        return self._keywords.document_frequencies(terms)

    def counts(self) -> tuple[int, int]:
        return rows.counts(self._conn)

    def article(self, article_id: str) -> Article | None:
        return rows.article(self._conn, article_id)

    def article_ids(self) -> list[str]:
        return rows.article_ids(self._conn)

    def filter_report(self, filters: QueryFilters) -> FilterReport:
        return rows.filter_report(self._conn, filters)

    def stories(self, article_ids: Sequence[str]) -> dict[str, tuple[str, list[StoryMember]]]:
        return rows.stories(self._conn, article_ids)

    def describe_vectors(self) -> dict[str, JsonValue]:
        return dict(self._vectors.describe())


class FolderWriter(Writer):
    def __init__(self, conn: sqlite3.Connection, base: VectorStore) -> None:
        self._conn = conn
        self._base = base
        self._staged: VectorStore | None = None
        self._keywords = Fts5Keywords(conn, rows.article_condition)
        self._stories_changed = False

    @property
    def changed(self) -> bool:
        return self._staged is not None or self._stories_changed

    @property
    def staged(self) -> VectorStore:
        if self._staged is None:
            self._staged = self._base.stage()
        return self._staged

    def content_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        return rows.content_hashes(self._conn, ids)

    def origins(self, ids: Sequence[str]) -> dict[str, str]:
        return rows.origins(self._conn, ids)

    def ids_by_origin(self, origins: Sequence[str]) -> dict[str, str]:
        return rows.ids_by_origin(self._conn, origins)

    def upsert(
        self, article: Article, passages: Sequence[Passage], vectors: NDArray[np.float32]
    ) -> None:
        self.remove(article.id)
        ids = rows.insert_article(self._conn, article, passages)
        self._keywords.add(
            article.title, [(pid, p.text) for pid, p in zip(ids, passages, strict=True)]
        )
        self.staged.add(ids, vectors)

    def remove(self, article_id: str) -> bool:
        ids = rows.delete_article(self._conn, article_id)
        if ids is None:
            return False
        self._keywords.remove(ids)
        self.staged.remove(ids)
        return True

    def story_sketches(self) -> dict[str, StorySketch]:
        return rows.story_sketches(self._conn)

    def story_links(self) -> list[tuple[str, str]]:
        return rows.story_links(self._conn)

    def save_stories(
        self, sketches: Mapping[str, StorySketch], links: Iterable[tuple[str, str]]
    ) -> None:
        rows.save_stories(self._conn, sketches, links)
        self._stories_changed = True


class FolderIndex(Index):
    """An open index folder; snapshots from any thread, one writer at a time."""

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self.path = path
        self.location = str(path)
        self.manifest = manifest
        self._store = store_class(manifest.vector_store.name, where=self.location)
        if manifest.keyword_index.name != fts5.NAME:
            raise BackendMissingError.of(
                self.location, "keyword index", manifest.keyword_index.name, [fts5.NAME]
            )
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._vectors: dict[int, VectorStore] = {}
        self._closed = False
        with self.snapshot():
            pass  # fails now, with a clear message, on a damaged database or vectors

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, spec: IndexSpec) -> FolderIndex:
        """Builds an empty index in a temporary folder, then renames it into place."""
        if path.exists() and not path.is_dir():
            raise IndexCorruptError(f"{path} is a file, not an index folder", "choose a folder")
        if path.is_dir() and any(path.iterdir()):
            if (path / MANIFEST).is_file():
                return cls.open(path)  # another process created it first
            raise IndexCorruptError(
                f"{path} exists and is not an askbot index", "choose another --index folder"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            conn = _connect(tmp / STORE, create=True)
            with conn:
                conn.executescript(rows.SCHEMA + fts5.SCHEMA)
                rows.ensure_story_tables(conn)
                rows.set_meta(conn, "generation", "0")
            conn.close()
            store = store_class(spec.vector_store.name).create(
                spec.dimension, dict(spec.vector_store.params)
            )
            store.publish(_vectors_dir(tmp, 0))
            write_manifest(tmp, spec.manifest())
            if path.exists():
                path.rmdir()
            tmp.rename(path)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if (path / MANIFEST).is_file():
                return cls.open(path)  # lost the race to another process: use its index
            raise
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: Path) -> FolderIndex:
        manifest = read_manifest(path)
        if not (path / STORE).is_file():
            raise IndexCorruptError(f"{path / STORE} is missing", rebuild_hint(str(path)))
        return cls(path, manifest)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._vectors.clear()

    # -- reading ------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path / STORE, read_only=not self.writable)
            with self._lock:
                self._connections.append(conn)
            self._local.conn = conn
        return conn

    @contextmanager
    def snapshot(self) -> Iterator[FolderSnapshot]:
        current: FolderSnapshot | None = getattr(self._local, "snapshot", None)
        if current is not None:
            yield current  # a snapshot already open in this thread: the same state
            return
        conn = self._connection()
        snap = self._begin(conn)
        self._local.snapshot = snap
        try:
            yield snap
        finally:
            self._local.snapshot = None
            conn.execute("COMMIT")

    def _begin(self, conn: sqlite3.Connection) -> FolderSnapshot:
        for _ in range(SNAPSHOT_ATTEMPTS):
            conn.execute("BEGIN")
            try:
                generation = self._generation(conn)
                return FolderSnapshot(conn, generation, self._vectors_for(generation, conn))
            except _Pruned:
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        raise IndexCorruptError(
            f"the vectors of {self.path} keep changing under this reader", "try again"
        )

    def _generation(self, conn: sqlite3.Connection) -> int:
        try:
            return int(rows.get_meta(conn, "generation") or 0)
        except (sqlite3.Error, ValueError) as exc:
            raise IndexCorruptError(
                f"{self.path / STORE} is damaged ({exc})", rebuild_hint(self.location)
            ) from exc

    def _vectors_for(self, generation: int, conn: sqlite3.Connection) -> VectorStore:
        with self._lock:
            cached = self._vectors.get(generation)
        if cached is not None:
            return cached
        directory = _vectors_dir(self.path, generation)
        if not directory.is_dir():
            if any(g > generation for g in self._on_disk()):
                raise _Pruned
            raise IndexCorruptError(f"{directory} is missing", rebuild_hint(self.location))
        try:
            vectors = self._store.open(directory)
        except Exception as exc:
            if not directory.is_dir():
                raise _Pruned from exc
            raise IndexCorruptError(f"{directory} is damaged", rebuild_hint(self.location)) from exc
        _, passages = rows.counts(conn)
        if len(vectors) != passages or vectors.dimension != self.manifest.dimension:
            raise IndexCorruptError(
                f"{directory} holds {len(vectors)} vectors of dimension {vectors.dimension} "
                f"for {passages} passages of dimension {self.manifest.dimension}",
                rebuild_hint(self.location),
            )
        self._remember(generation, vectors)
        return vectors

    def _remember(self, generation: int, vectors: VectorStore) -> None:
        with self._lock:
            if self._closed:
                return
            self._vectors[generation] = vectors
            for old in sorted(self._vectors)[:-CACHED_GENERATIONS]:
                del self._vectors[old]

    def _on_disk(self) -> list[int]:
        found = []
        for child in self.path.glob("vectors-*"):
            number = child.name.removeprefix("vectors-")
            if number.isdigit() and child.is_dir():
                found.append(int(number))
        return found

    def info(self) -> IndexInfo:
        with self.snapshot() as snap:
            articles, passages = snap.counts()
            vectors = snap.describe_vectors()
            generation = snap.generation
        size = sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())
        return IndexInfo(
            location=self.location,
            manifest=self.manifest,
            articles=articles,
            passages=passages,
            generation=generation,
            size_bytes=size,
            vector_store=vectors,
        )

    # -- writing ------------------------------------------------------------------------

    @property
    def writable(self) -> bool:
        return os.access(self.path, os.W_OK) and os.access(self.path / STORE, os.W_OK)

    @contextmanager
    def writer(self, lock_timeout: float) -> Iterator[FolderWriter]:
        if not self.writable:
            raise IndexReadOnlyError(
                f"the index at {self.path} is read-only (askbot cannot write to that folder)",
                "it still answers questions; to change it, copy the folder somewhere writable",
            )
        with exclusive(
            self.path / LOCK, lock_timeout, f"another askbot process is writing to {self.path}"
        ):
            conn = _connect(self.path / STORE)
            try:
                conn.execute("BEGIN IMMEDIATE")
                generation = self._generation(conn)
                rows.ensure_story_tables(conn)
                writer = FolderWriter(conn, self._vectors_for(generation, conn))
                try:
                    yield writer
                    if writer.changed:
                        self._commit(conn, writer.staged, generation + 1)
                    else:
                        conn.execute("ROLLBACK")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            finally:
                conn.close()

    def _commit(self, conn: sqlite3.Connection, staged: VectorStore, generation: int) -> None:
        target = _vectors_dir(self.path, generation)
        # Left by a writer that died between publishing and committing: never current.
        shutil.rmtree(target, ignore_errors=True)
        staged.publish(target)
        articles, passages = rows.counts(conn)
        rows.set_meta(conn, "generation", str(generation))
        conn.execute("COMMIT")
        self._remember(generation, staged)
        self.manifest = self.manifest.model_copy(
            update={
                "articles": articles,
                "passages": passages,
                "generation": generation,
                "updated": now_utc(),
            }
        )
        write_manifest(self.path, self.manifest)
        self._prune(generation)

    def _prune(self, generation: int) -> None:
        """Deletes vectors older than the previous generation, and dead writers' leftovers."""
        for child in self.path.iterdir():
            name = child.name
            number = name.removeprefix("vectors-")
            stale = number.isdigit() and int(number) < generation - 1
            if stale or (name.startswith(".vectors-") and ".tmp-" in name):
                shutil.rmtree(child, ignore_errors=True)


# What SQLite says when a file is not a sound database: proof of damage. Anything else
# (permissions, a missing folder) is not, and is never reported as damage.
_DAMAGED = ("not a database", "malformed", "corrupt")


def _connect(path: Path, *, create: bool = False, read_only: bool = False) -> sqlite3.Connection:
    # A read-only folder has no room for the WAL's shared-memory file: read the database
    # as an immutable file there (nothing can be writing to it).
    modes = ["?mode=ro", "?mode=ro&immutable=1"] if read_only else ["" if create else "?mode=rw"]
    error: sqlite3.Error | None = None
    for mode in modes:
        try:
            conn = sqlite3.connect(
                f"file:{path}{mode}",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=30,
            )
            if create:
                conn.execute("PRAGMA journal_mode=WAL")
            if not read_only:
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            error = exc
    if any(word in str(error).lower() for word in _DAMAGED):
        raise IndexCorruptError(f"{path} is damaged ({error})", rebuild_hint(str(path.parent)))
    raise IndexError_(f"cannot open {path} ({error})", "check the folder's permissions and disk")


def destroy(path: Path) -> None:
    """Removes an index folder (used to rebuild one from scratch)."""
    if (path / MANIFEST).is_file() or (path.is_dir() and not any(path.iterdir())):
        shutil.rmtree(path)
    elif path.exists():
        raise IndexCorruptError(f"{path} is not an askbot index", "refusing to delete it")


__all__ = ["FolderIndex", "FolderSnapshot", "FolderWriter", "IndexMissingError", "destroy"]

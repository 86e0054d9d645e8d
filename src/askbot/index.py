"""An index directory: manifest, passage store and vectors, kept consistent on disk.

Layout (``embeddings/default/`` by default)::

    manifest.json          format and model identity, chunker settings, counts, times
    passages.sqlite3       articles, passages, FTS5 keyword index, current generation
    vectors-<gen>.faiss    passage vectors of generation <gen>
    .lock                  held by the one process allowed to write

Consistency rests on one atomic step. A write saves the new vectors under a new
generation number, then commits the SQLite transaction that records that number. A crash
before the commit leaves the old generation (and its vector file) current; after it, the
new one. Readers only ever open the vector file the database names.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import filelock
from pydantic import ValidationError

from askbot import __version__
from askbot.errors import (
    IndexBusyError,
    IndexCorruptError,
    IndexIncompatibleError,
    IndexMissingError,
)
from askbot.models import Article, ChunkerConfig, IndexInfo, Manifest, Passage
from askbot.store import PassageStore
from askbot.vectors import VectorIndex

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
STORE = "passages.sqlite3"
LOCK = ".lock"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _vectors_path(path: Path, generation: int) -> Path:
    return path / f"vectors-{generation}.faiss"


def _write_json_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def _rebuild_hint(path: Path) -> str:
    return f"delete {path} and ingest your articles again: askbot ingest PATH --index {path}"


class Index:
    """An open index directory. Reads are thread-safe; writes go through ``writer()``."""

    def __init__(self, path: Path, manifest: Manifest, store: PassageStore) -> None:
        self.path = path
        self.manifest = manifest
        self.store = store
        self.generation = -1
        self.vectors = VectorIndex.empty(manifest.dimension)
        self.refresh()

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, *, embedder: str, dimension: int, chunker: ChunkerConfig) -> Index:
        """Builds an empty index in a temporary folder, then renames it into place."""
        if path.exists() and any(path.iterdir()):
            raise IndexCorruptError(
                f"{path} exists and is not an askbot index", "choose another --index folder"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            now = _now()
            manifest = Manifest(
                format_version=FORMAT_VERSION,
                askbot_version=__version__,
                embedder=embedder,
                dimension=dimension,
                chunker=chunker,
                created=now,
                updated=now,
            )
            PassageStore(tmp / STORE, create=True).close()
            VectorIndex.empty(dimension).save(_vectors_path(tmp, 0))
            _write_json_atomic(tmp / MANIFEST, manifest.model_dump_json(indent=2))
            if path.exists():
                path.rmdir()
            tmp.replace(path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: Path) -> Index:
        manifest_path = path / MANIFEST
        if not manifest_path.is_file():
            if path.is_dir() and any(path.iterdir()):
                raise IndexCorruptError(f"{path} has no {MANIFEST}", _rebuild_hint(path))
            raise IndexMissingError(
                f"no index at {path}", f"build one with: askbot ingest PATH --index {path}"
            )
        try:
            raw = json.loads(manifest_path.read_text())
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(
                f"{manifest_path} is damaged ({exc})", _rebuild_hint(path)
            ) from exc
        version = raw.get("format_version") if isinstance(raw, dict) else None
        if version != FORMAT_VERSION:
            raise IndexIncompatibleError(
                f"{path} uses index format {version}, this askbot reads format {FORMAT_VERSION}",
                _rebuild_hint(path),
            )
        try:
            manifest = Manifest.model_validate(raw)
        except ValidationError as exc:
            raise IndexCorruptError(
                f"{manifest_path} is damaged ({exc.error_count()} invalid fields)",
                _rebuild_hint(path),
            ) from exc
        if not (path / STORE).is_file():
            raise IndexCorruptError(f"{path / STORE} is missing", _rebuild_hint(path))
        try:
            store = PassageStore(path / STORE)
        except Exception as exc:
            raise IndexCorruptError(
                f"{path / STORE} is damaged ({exc})", _rebuild_hint(path)
            ) from exc
        return cls(path, manifest, store)

    def check_embedder(self, name: str) -> None:
        if name != self.manifest.embedder:
            raise IndexIncompatibleError(
                f"{self.path} was built with model {self.manifest.embedder!r}, "
                f"but askbot is set to use {name!r}",
                f"set ASKBOT_MODEL={self.manifest.embedder} or ingest into a new --index",
            )

    def refresh(self) -> bool:
        """Loads the vectors of the current generation if another process committed one."""
        try:
            generation = int(self.store.get_meta("generation") or 0)
        except Exception as exc:
            raise IndexCorruptError(
                f"{self.path / STORE} is damaged ({exc})", _rebuild_hint(self.path)
            ) from exc
        if generation == self.generation:
            return False
        vectors_path = _vectors_path(self.path, generation)
        if not vectors_path.is_file():
            raise IndexCorruptError(f"{vectors_path} is missing", _rebuild_hint(self.path))
        try:
            vectors = VectorIndex.load(vectors_path)
        except Exception as exc:
            raise IndexCorruptError(f"{vectors_path} is damaged", _rebuild_hint(self.path)) from exc
        _, passages = self.store.counts()
        if len(vectors) != passages or vectors.dimension != self.manifest.dimension:
            raise IndexCorruptError(
                f"{vectors_path} holds {len(vectors)} vectors for {passages} passages",
                _rebuild_hint(self.path),
            )
        self.vectors, self.generation = vectors, generation
        return True

    def close(self) -> None:
        self.store.close()

    # -- writing ------------------------------------------------------------------------

    @contextmanager
    def writer(self, lock_timeout: float) -> Iterator[IndexWriter]:
        """The one writer: holds the lock, and commits everything or nothing."""
        lock = filelock.FileLock(str(self.path / LOCK), timeout=lock_timeout)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise IndexBusyError(
                f"another askbot process is writing to {self.path}",
                "wait for it to finish, or raise ASKBOT_LOCK_TIMEOUT to wait longer",
            ) from None
        try:
            self.refresh()
            writer = IndexWriter(self)
            try:
                with self.store.transaction():
                    yield writer
                    if writer.changed:
                        generation = self.generation + 1
                        self.vectors.save(_vectors_path(self.path, generation))
                        self.store.set_meta("generation", str(generation))
            except BaseException:
                # The in-memory vectors may hold the rolled-back changes: reload.
                self.generation = -1
                self.refresh()
                raise
            if writer.changed:
                self.generation = generation
                self._after_commit()
        finally:
            lock.release()

    def _after_commit(self) -> None:
        articles, passages = self.store.counts()
        self.manifest = self.manifest.model_copy(
            update={
                "articles": articles,
                "passages": passages,
                "generation": self.generation,
                "updated": _now(),
            }
        )
        _write_json_atomic(self.path / MANIFEST, self.manifest.model_dump_json(indent=2))
        # Keep the previous generation one round, for readers that are loading it now.
        for old in self.path.glob("vectors-*.faiss*"):
            number = old.name.removeprefix("vectors-").split(".")[0]
            if not number.isdigit() or int(number) < self.generation - 1:
                old.unlink(missing_ok=True)

    def info(self) -> IndexInfo:
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        return IndexInfo(path=self.path, manifest=self.manifest, size_bytes=size)


class IndexWriter:
    """Changes made inside ``Index.writer()``; nothing is visible until it commits."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self.changed = False

    def content_hashes(self, ids: list[str]) -> dict[str, str]:
        return self._index.store.content_hashes(ids)

    def upsert(
        self, article: Article, passages: list[Passage], vectors: NDArray[np.float32]
    ) -> None:
        """Replaces the article (if present) and its passages with this version."""
        self.remove(article.id)
        ids = self._index.store.insert_article(article, passages)
        self._index.vectors.add(ids, vectors)
        self.changed = True

    def remove(self, article_id: str) -> bool:
        ids = self._index.store.delete_article(article_id)
        if ids is None:
            return False
        self._index.vectors.remove(ids)
        self.changed = True
        return True


def destroy(path: Path) -> None:
    """Removes an index directory (used to rebuild one from scratch)."""
    if (path / MANIFEST).is_file() or (path.is_dir() and not any(path.iterdir())):
        shutil.rmtree(path)
    elif path.exists():
        raise IndexCorruptError(f"{path} is not an askbot index", "refusing to delete it")


__all__ = ["FORMAT_VERSION", "Index", "IndexWriter", "destroy"]

"""Passage vectors cached by content, so unchanged text never costs model time twice.

Re-ingesting a changed folder, re-chunking into a new index, migrating, or rebuilding
after a format change embeds only text the model has not seen. The cache is one SQLite
file per machine (``ASKBOT_EMBEDDING_CACHE``, by default ``~/.cache/askbot/vectors.sqlite3``),
keyed by the embedder's name and a hash of the exact text, so two models or backends
never share a vector. Questions are not cached: each is new.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from askbot.embedders.base import Embedder, Kind

if TYPE_CHECKING:
    from numpy.typing import NDArray

log = logging.getLogger("askbot.embedders")

DEFAULT_CACHE = Path("~/.cache/askbot/vectors.sqlite3")
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"


class CachedEmbedder:
    """An embedder whose passage vectors are remembered by (embedder, text)."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.path = path.expanduser()
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def warm_up(self) -> None:
        self.inner.warm_up()

    def _db(self) -> sqlite3.Connection | None:
        if self._conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(_SCHEMA)
                self._conn = conn
            except (OSError, sqlite3.Error) as exc:
                # No cache (a read-only home, a full disk) only costs model time.
                log.warning(
                    "embedding cache %s unavailable (%s); embedding everything", self.path, exc
                )
                return None
        return self._conn

    def _key(self, text: str) -> bytes:
        return hashlib.blake2b(f"{self.inner.name}\0{text}".encode(), digest_size=20).digest()

    def embed(self, texts: Sequence[str], kind: Kind) -> NDArray[np.float32]:
        if kind != "passage" or not texts:
            return self.inner.embed(texts, kind)
        with self._lock:
            conn = self._db()
            if conn is None:
                return self.inner.embed(texts, kind)
            keys = [self._key(t) for t in texts]
            found: dict[bytes, bytes] = {}
            for start in range(0, len(keys), 500):
                batch = keys[start : start + 500]
                marks = ",".join("?" * len(batch))
                found.update(
                    conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", batch)
                )
        out = np.zeros((len(texts), self.dimension), np.float32)
        missing = [i for i, key in enumerate(keys) if key not in found]
        for i, key in enumerate(keys):
            if key in found:
                out[i] = np.frombuffer(found[key], np.float32)
        if missing:
            fresh = self.inner.embed([texts[i] for i in missing], kind)
            out[missing] = fresh
            with self._lock:
                try:
                    conn.executemany(
                        "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                        [(keys[i], fresh[j].tobytes()) for j, i in enumerate(missing)],
                    )
                    conn.commit()
                except sqlite3.Error as exc:
                    log.warning("embedding cache %s not updated (%s)", self.path, exc)
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        return out

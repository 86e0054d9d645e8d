"""Passage vectors in FAISS, keyed by passage id. The only module that imports faiss.

Exact inner product over L2-normalised vectors (cosine similarity) is exact and fast up to
a few hundred thousand passages on a CPU; an approximate index can replace it later
behind the same four methods.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import faiss
import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray


class VectorIndex:
    def __init__(self, index: Any) -> None:
        self._index = index

    @classmethod
    def empty(cls, dimension: int) -> VectorIndex:
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        """Writes to a temporary file, flushes it to disk, then renames it into place."""
        tmp = path.with_suffix(path.suffix + ".tmp")
        faiss.write_index(self._index, str(tmp))
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        tmp.replace(path)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: list[int], vectors: NDArray[np.float32]) -> None:
        if ids:
            self._index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))

    def remove(self, ids: list[int]) -> None:
        if ids:
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def reconstruct(self, ids: list[int]) -> NDArray[np.float32]:
        """The stored vectors of these passage ids, one row each."""
        rows = [self._index.reconstruct(int(i)) for i in ids]
        return (
            np.vstack(rows).astype(np.float32)
            if rows
            else np.zeros((0, self.dimension), np.float32)
        )

    def search(
        self, vector: NDArray[np.float32], limit: int, allowed: set[int] | None = None
    ) -> list[tuple[int, float]]:
        """Nearest passages by cosine similarity, best first."""
        if len(self) == 0:
            return []
        # With a filter, search everything and keep the allowed: exact search costs the
        # same either way, and this keeps the index type free of selector support.
        k = len(self) if allowed is not None else min(limit, len(self))
        scores, ids = self._index.search(vector.reshape(1, -1), k)
        hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        if allowed is not None:
            hits = [h for h in hits if h[0] in allowed]
        return hits[:limit]

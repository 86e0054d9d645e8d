"""What the FAISS stores share: an index keyed by passage id, searched with id selectors.

FAISS's own filtered search (an ``IDSelectorBatch`` in the search parameters) is exact for
a flat index, but an approximate index visits only part of the data and can return fewer
than ``limit`` hits from a small allowed set. So a small allowed set is searched exactly
by scoring its own vectors, and a large one through the index with the selector.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from askbot.vectors._faiss import faiss
from askbot.vectors.base import Hits, VectorStore

if TYPE_CHECKING:
    from numpy.typing import NDArray

FILE = "vectors.faiss"
# Allowed sets up to this size are scored directly: exact, and cheaper than a full scan.
EXACT_SUBSET = 4096


def _ids(ids: Sequence[int]) -> NDArray[np.int64]:
    return np.asarray(ids, dtype=np.int64)


class FaissStore(VectorStore):
    def __init__(self, index: Any) -> None:
        self._index = index

    @classmethod
    def open(cls, directory: Path) -> Self:
        return cls(faiss.read_index(str(directory / FILE), cls._read_flags()))

    @classmethod
    def _read_flags(cls) -> int:
        return 0

    def stage(self) -> Self:
        # A deep copy through FAISS's own serialisation: clone_index of a memory-mapped
        # index would still share (and then abort on resizing) the mapped storage.
        return type(self)(faiss.deserialize_index(faiss.serialize_index(self._index)))

    def _write(self, directory: Path) -> None:
        faiss.write_index(self._index, str(directory / FILE))

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: Sequence[int], vectors: NDArray[np.float32]) -> None:
        if len(ids):
            self._index.add_with_ids(np.ascontiguousarray(vectors, np.float32), _ids(ids))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            self._index.remove_ids(_ids(ids))

    def fetch(self, ids: Sequence[int]) -> NDArray[np.float32]:
        if not len(ids):
            return np.zeros((0, self.dimension), np.float32)
        return np.asarray(self._index.reconstruct_batch(_ids(ids)), dtype=np.float32)

    def search(
        self, vector: NDArray[np.float32], limit: int, allowed: Sequence[int] | None = None
    ) -> Hits:
        if len(self) == 0 or limit <= 0:
            return []
        # One question is one vector: threads cost more than they save (2.5x slower with
        # two on a 2-core machine), and readers in other threads need their own cores.
        faiss.omp_set_num_threads(1)
        query = np.ascontiguousarray(vector, np.float32).reshape(1, -1)
        if allowed is not None:
            if not len(allowed):
                return []
            if len(allowed) <= EXACT_SUBSET:
                return self._exact_subset(query, limit, allowed)
        k = min(limit, len(self) if allowed is None else len(allowed))
        params = self._search_params(
            None if allowed is None else faiss.IDSelectorBatch(_ids(allowed))
        )
        scores, ids = self._index.search(query, k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def _exact_subset(self, query: NDArray[np.float32], limit: int, allowed: Sequence[int]) -> Hits:
        ids = _ids(allowed)
        scores = self.fetch(allowed) @ query[0]
        order = np.argsort(-scores, kind="stable")[:limit]
        return [(int(ids[i]), float(scores[i])) for i in order]

    @abstractmethod
    def _search_params(self, selector: Any) -> Any:
        """FAISS search parameters for this index type, with ``selector`` (or None)."""

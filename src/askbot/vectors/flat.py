"""Exact inner-product search (FAISS ``IndexFlatIP`` keyed by passage id).

Exact search is right up to a few hundred thousand passages on a CPU; it is opened
memory-mapped, so a one-shot question does not read every vector into memory first.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import JsonValue

from askbot.vectors._faiss import faiss
from askbot.vectors.faiss_store import FaissStore


class FlatStore(FaissStore):
    kind = "faiss-flat"

    @classmethod
    def create(cls, dimension: int, params: dict[str, JsonValue]) -> Self:
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimension)))

    @classmethod
    def _read_flags(cls) -> int:
        return int(faiss.IO_FLAG_MMAP_IFC)

    def _search_params(self, selector: Any) -> Any:
        return faiss.SearchParameters(sel=selector) if selector is not None else None

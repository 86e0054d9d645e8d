"""Vector stores, one implementation per file, chosen by name (the only faiss importers).

``faiss-flat`` searches exactly; ``faiss-ivf`` searches approximately, for large indexes.
A new store is a ``VectorStore`` subclass registered here (README, "Extending askbot").
Stores are imported when first asked for, so answering from keywords alone never loads
FAISS.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from askbot.errors import BackendMissingError, ConfigError
from askbot.vectors.base import Hits, VectorStore

Loader = Callable[[], type[VectorStore]]


def _builtin(path: str) -> Loader:
    module, _, name = path.partition(":")
    return lambda: getattr(importlib.import_module(module), name)


_STORES: dict[str, Loader] = {
    "faiss-flat": _builtin("askbot.vectors.flat:FlatStore"),
    "faiss-ivf": _builtin("askbot.vectors.ivf:IvfStore"),
}


AUTO = "auto"
"""Exact search while an index is small, approximate once exact search gets slow: the
IVF store keeps its vectors in an exact flat index until it holds ``min_train`` of them
(50,000 by default), then clusters them. benchmarks/bench_vectors.py: exact search is a
few milliseconds up to 50,000 vectors and 35x slower than IVF at 500,000, while IVF's
recall@10 against exact is 0.97-0.99 from 50,000 up but only 0.85 at 20,000."""


def resolve_store(kind: str) -> str:
    """The store a new index gets for the ``vector_store`` setting."""
    kind = "faiss-ivf" if kind == AUTO else kind
    store_class(kind)  # an unknown name is refused before anything is created
    return kind


def register_store(kind: str, loader: Loader) -> None:
    _STORES[kind] = loader


def store_names() -> list[str]:
    return sorted(_STORES)


def store_class(kind: str, *, where: str | None = None) -> type[VectorStore]:
    """The store registered as ``kind``; ``where`` names the index that asks for it."""
    if kind in _STORES:
        return _STORES[kind]()
    known = ", ".join(store_names())
    if where is None:
        raise ConfigError(f"unknown vector store {kind!r}", f"use one of: {known}")
    raise BackendMissingError.of(where, "vector store", kind, store_names())


__all__ = [
    "AUTO",
    "Hits",
    "VectorStore",
    "register_store",
    "resolve_store",
    "store_class",
    "store_names",
]

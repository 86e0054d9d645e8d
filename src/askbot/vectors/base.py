"""The vector store interface: passage vectors by id, searched by inner product.

A store is published as *generations*: a writer takes ``stage()`` (a private, writable
copy), changes it, and ``publish(directory)`` writes it durably under a new generation
directory. Which generation is current is decided elsewhere (the index's commit), so a
crash mid-publish leaves the previous generation answering. Readers ``open`` a published
generation and never see a writer's changes until they open the next one.

Filters are pushed into the search: ``allowed`` restricts it to those ids, and the store
still returns its full top ``limit`` from them.
"""

from __future__ import annotations

import json
import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Self

from pydantic import JsonValue

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Hits = list[tuple[int, float]]
DESCRIPTION = "store.json"


class VectorStore(ABC):
    kind: ClassVar[str]

    @classmethod
    @abstractmethod
    def create(cls, dimension: int, params: dict[str, JsonValue]) -> Self:
        """An empty store."""

    @classmethod
    @abstractmethod
    def open(cls, directory: Path) -> Self:
        """A published generation, read-only (memory-mapped where the format allows)."""

    @abstractmethod
    def stage(self) -> Self:
        """A writable copy; changes to it never show through ``self``."""

    @abstractmethod
    def _write(self, directory: Path) -> None:
        """Writes the store's files into ``directory`` (which exists and is empty)."""

    @property
    @abstractmethod
    def dimension(self) -> int: ...

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def add(self, ids: Sequence[int], vectors: NDArray[np.float32]) -> None: ...

    @abstractmethod
    def remove(self, ids: Sequence[int]) -> None: ...

    @abstractmethod
    def fetch(self, ids: Sequence[int]) -> NDArray[np.float32]:
        """The stored vectors of these ids, one row each, in order."""

    @abstractmethod
    def search(
        self, vector: NDArray[np.float32], limit: int, allowed: Sequence[int] | None = None
    ) -> Hits:
        """The ``limit`` nearest ids by inner product (cosine: vectors are normalised),
        best first, among ``allowed`` when given."""

    def describe(self) -> dict[str, JsonValue]:
        """What ``askbot info`` shows: the kind, the count, and the store's own figures."""
        return {"kind": self.kind, "vectors": len(self)}

    def publish(self, directory: Path) -> None:
        """Writes the store as ``directory`` atomically: all of it, or nothing there."""
        tmp = directory.with_name(f".{directory.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            self._write(tmp)
            (tmp / DESCRIPTION).write_text(json.dumps(self.describe()))
            for child in tmp.iterdir():
                with child.open("rb") as handle:
                    os.fsync(handle.fileno())
            tmp.rename(directory)
            _fsync_directory(directory.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

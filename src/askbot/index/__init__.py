"""Indexes by location: a folder is the embedded index (SQLite + FAISS).

``open_index`` and ``create_index`` are the only ways the engine gets an index, so a new
backend (say, a server) is one more branch on the location here and one implementation of
``askbot.index.base`` (README, "Extending askbot").
"""

from __future__ import annotations

from pathlib import Path

from askbot.index.base import Hits, Index, PassageRow, Snapshot, Writer
from askbot.index.folder import FolderIndex, destroy
from askbot.index.manifest import FORMAT_VERSION, IndexSpec


def open_index(location: Path) -> Index:
    """The index at ``location``; IndexMissingError when there is none."""
    return FolderIndex.open(location)


def create_index(location: Path, spec: IndexSpec) -> Index:
    """A new, empty index at ``location`` (or the one another process just created)."""
    return FolderIndex.create(location, spec)


def destroy_index(location: Path) -> None:
    destroy(location)


__all__ = [
    "FORMAT_VERSION",
    "Hits",
    "Index",
    "IndexSpec",
    "PassageRow",
    "Snapshot",
    "Writer",
    "create_index",
    "destroy_index",
    "open_index",
]

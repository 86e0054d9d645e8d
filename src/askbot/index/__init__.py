"""Indexes by location: a folder is the embedded index (SQLite + FAISS); a ``milvus://``
URL is a Milvus server or cluster and a ``.db`` file a Milvus Lite file (``askbot.index.milvus``,
imported only for those, so the embedded default never loads the Milvus client).

``open_index`` and ``create_index`` are the only ways the engine gets an index, so a new
backend (say, a server) is one more branch on the location here and one implementation of
``askbot.index.base`` (README, "Extending askbot").
"""

from __future__ import annotations

from pathlib import Path

from askbot.index.base import Hits, Index, PassageRow, Snapshot, Writer
from askbot.index.folder import FolderIndex, destroy
from askbot.index.manifest import FORMAT_VERSION, MANIFEST, IndexSpec

Location = str | Path


def is_milvus(location: Location) -> bool:
    text = str(location)
    return text.startswith("milvus://") or text.endswith(".db")


def open_index(location: Location) -> Index:
    """The index at ``location``; IndexMissingError when there is none."""
    if is_milvus(location):
        from askbot.index.milvus import MilvusIndex

        return MilvusIndex.open(str(location))
    return FolderIndex.open(Path(location))


def create_index(location: Location, spec: IndexSpec) -> Index:
    """A new, empty index at ``location`` (or the one another process just created)."""
    if is_milvus(location):
        from askbot.index.milvus import MilvusIndex

        return MilvusIndex.create(str(location), spec)
    return FolderIndex.create(Path(location), spec)


def index_exists(location: Location) -> bool:
    """Whether something claims to be an index there (it may still fail to open)."""
    if is_milvus(location):
        from askbot.index.milvus import exists

        return exists(str(location))
    return (Path(location) / MANIFEST).is_file()


def destroy_index(location: Location) -> None:
    if is_milvus(location):
        from askbot.index.milvus import destroy as destroy_milvus

        destroy_milvus(str(location))
        return
    destroy(Path(location))


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
    "index_exists",
    "is_milvus",
    "open_index",
]

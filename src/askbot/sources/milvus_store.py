"""The followed sources of a Milvus index: a document of its meta collection, and leases
for the two locks, so that ``follow`` on one machine and ``watch`` on another share one
registry and one sync runs at a time however many machines run ``watch``.

The registry is the same JSON as a folder's ``sources.json``, replaced atomically
(``askbot.index.milvus.meta``: chunks written aside, one pointer row flipped). The locks
are leases of ``ASKBOT_MILVUS_LEASE`` seconds renewed while held: a holder that dies
(kill -9, its machine gone) blocks others until its lease ends, at most that long.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from askbot.index import Index
from askbot.index.milvus import MilvusIndex
from askbot.sources.registry import SourceStore

DOCUMENT = "sources"
CHANGING = "sources"
SYNCING = "sync"


class MilvusSourceStore(SourceStore):
    def __init__(self, index: Index, lease_seconds: float) -> None:
        if not isinstance(index, MilvusIndex):
            raise TypeError(f"not a Milvus index: {index.location}")
        self.rows = index.meta_rows()
        self.display = index.location
        self.where = f"the sources of {index.location}"
        self.lease_seconds = lease_seconds

    def read(self) -> str | None:
        return self.rows.read(DOCUMENT)

    def write(self, data: str) -> None:
        self.rows.write(DOCUMENT, data)

    def locked(self, timeout: float) -> AbstractContextManager[None]:
        busy = f"another askbot is changing the sources of {self.display}"
        return self.rows.lease(CHANGING, self.lease_seconds, timeout, busy)

    def syncing(self, timeout: float) -> AbstractContextManager[None]:
        busy = f"another askbot is syncing the sources of {self.display}"
        return self.rows.lease(SYNCING, self.lease_seconds, timeout, busy)

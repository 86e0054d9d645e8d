"""Small documents and leases kept as rows of ``NAME_meta``, beside the manifest.

What a folder index keeps in files beside its data (the followed sources, their locks)
a Milvus index keeps here, so that every machine that reaches the index reaches them too.

**Documents** (``read`` / ``write``). A document is split into chunks of ``TEXT_CHUNK``
characters (a VARCHAR holds 64 KB) written under ``NAME@VERSION#N``, then made current by
upserting one row, ``NAME``, that names the version, its chunk count and its SHA-256:
that upsert is the atomic step (Milvus has no multi-row transactions). A writer killed
before it leaves the previous document current; its orphan chunks are deleted by the
next write. A reader that finds the chunks of the version it was pointed at gone (a
write replaced them meanwhile) reads the pointer again.

**Leases** (``lease``). Milvus has no compare-and-swap, so a lease is taken as Dekker
and Lamport take a lock with plain reads and writes: a contender writes its own claim
row (``lease:NAME:HOLDER``, with an expiry), then reads every claim; it holds the lease
if no other unexpired claim is there, else it deletes its claim and tries again a moment
later. Reads are ``Strong`` (they see every write acknowledged before they started), so
of two contenders whose claims overlap the later reader always sees the earlier claim:
at most one of them proceeds, and when both see each other both back off (the random
wait breaks the tie). The holder renews its claim every third of ``seconds``; a holder
that dies stops renewing, and its claim is ignored (and deleted) once it has expired.
A holder paused for longer than its lease (a frozen VM) can find that another process
took it meanwhile: what the lease guards must stay correct then, only slower (see
``askbot.sources.registry``). Expiry times are the hosts' clocks: keep them
NTP-synchronised, as for article versions.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from askbot.errors import IndexBusyError, IndexCorruptError
from askbot.index.milvus import expressions as ex
from askbot.index.milvus.client import Connection
from askbot.index.milvus.schema import PLACEHOLDER, TEXT_CHUNK, Names
from askbot.index.milvus.versions import new_version

# Chunks per upsert: at most 64 KB each, so a request stays far under gRPC's limits (a
# large registry takes several requests: hence versions, not chunks rewritten in place).
CHUNKS_PER_REQUEST = 8
READ_ATTEMPTS = 5
NUMBERS_PER_QUERY = 500
KEY_MAX = 64  # the meta collection's key field (schema.create)
# A contender that lost waits this long (at random, doubling) before trying again.
BACKOFF = (0.05, 0.5)


class MetaRows:
    """Documents and leases of one index, in its ``NAME_meta`` collection."""

    def __init__(self, conn: Connection, names: Names) -> None:
        self.conn = conn
        self.collection = names.meta

    # -- rows ---------------------------------------------------------------------------

    def _rows(self, expression: str) -> list[dict[str, Any]]:
        client = self.conn.client
        return list(
            self.conn.call(
                client.query, self.collection, filter=expression, output_fields=["key", "value"]
            )
        )

    def _upsert(self, rows: list[dict[str, str]]) -> None:
        for i in range(0, len(rows), CHUNKS_PER_REQUEST):
            batch = [{**r, "placeholder": PLACEHOLDER} for r in rows[i : i + CHUNKS_PER_REQUEST]]
            self.conn.call(self.conn.client.upsert, self.collection, batch)

    def _delete(self, keys: list[str]) -> None:
        if keys:
            self.conn.call(self.conn.client.delete, self.collection, ids=keys)

    # -- documents ----------------------------------------------------------------------

    def read(self, name: str) -> str | None:
        """The current document ``name`` (None: never written)."""
        for _ in range(READ_ATTEMPTS):
            pointer = self._rows(f"key == {ex.literal(name)}")
            if not pointer:
                return None
            current = json.loads(pointer[0]["value"])
            keys = [_chunk_key(name, current["version"], n) for n in range(current["chunks"])]
            found = (
                {r["key"]: r["value"] for r in self._rows(ex.one_of("key", keys))} if keys else {}
            )
            if len(found) == len(keys):
                text = "".join(found[k] for k in keys)
                if hashlib.sha256(text.encode()).hexdigest() == current["sha256"]:
                    return text
            # A write replaced this version between the two reads: read the new one.
        raise IndexCorruptError(
            f"the {name} document in {self.collection} at {self.conn.where.display} is "
            "incomplete (its chunks do not match its checksum)",
            f"write it again (for sources: askbot follow), or delete the {name!r} row",
        )

    def write(self, name: str, text: str) -> None:
        """Replaces document ``name`` by ``text``: readers see the old one or the new one."""
        assert name.isalpha(), name  # a LIKE prefix below: no wildcards in it
        version = new_version()
        chunks = [text[i : i + TEXT_CHUNK] for i in range(0, len(text), TEXT_CHUNK)] or [""]
        keys = [_chunk_key(name, version, n) for n in range(len(chunks))]
        self._upsert([{"key": k, "value": c} for k, c in zip(keys, chunks, strict=True)])
        pointer = {
            "version": version,
            "chunks": len(chunks),
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        }
        # The atomic step: from here readers read the new chunks.
        self._upsert([{"key": name, "value": json.dumps(pointer)}])
        mine = set(keys)
        stale = [r["key"] for r in self._rows(f'key like "{name}@%"') if r["key"] not in mine]
        self._delete(stale)

    # -- shared numbers -----------------------------------------------------------------

    def numbers(self, kind: str, names: Sequence[str]) -> dict[str, tuple[int, int]]:
        """Numbers written by ``set_numbers`` (any process), by name: (value, when in ns)."""
        if not names:
            return {}
        by_key = {_number_key(kind, n): n for n in names}
        found: dict[str, tuple[int, int]] = {}
        keys = list(by_key)
        for i in range(0, len(keys), NUMBERS_PER_QUERY):
            for row in self._rows(ex.one_of("key", keys[i : i + NUMBERS_PER_QUERY])):
                held = json.loads(row["value"])
                if held.get("name") == by_key[row["key"]]:  # not a hashed key's collision
                    found[by_key[row["key"]]] = (int(held["n"]), int(held["at"]))
        return found

    def set_numbers(self, kind: str, values: Mapping[str, int]) -> None:
        at = time.time_ns()
        self._upsert(
            [
                {
                    "key": _number_key(kind, name),
                    "value": json.dumps({"name": name, "n": n, "at": at}),
                }
                for name, n in values.items()
            ]
        )

    def clear_numbers(self, kind: str) -> None:
        assert kind.isalpha(), kind  # a LIKE prefix: no wildcards in it
        self.conn.call(self.conn.client.delete, self.collection, filter=f'key like "{kind}:%"')

    # -- leases -------------------------------------------------------------------------

    @contextlib.contextmanager
    def lease(self, name: str, seconds: float, timeout: float, busy: str) -> Iterator[None]:
        """Holds lease ``name`` (renewed every ``seconds`` / 3) for the block; after
        ``timeout`` seconds of another holding it, an IndexBusyError saying ``busy``."""
        assert name.isalpha(), name  # a LIKE prefix below: no wildcards in it
        claim = f"lease:{name}:{uuid.uuid4().hex}"
        prefix = f"lease:{name}:"
        deadline = time.monotonic() + timeout
        wait = BACKOFF[0]
        while True:
            self._upsert([{"key": claim, "value": _claim_value(seconds)}])
            others: list[dict[str, Any]] = []
            expired: list[str] = []
            for row in self._rows(f'key like "{prefix}%"'):
                if row["key"] == claim:
                    continue
                held = json.loads(row["value"])
                if held["expires"] < time.time_ns():
                    expired.append(row["key"])
                else:
                    others.append(held)
            self._delete(expired)  # claims of holders that died
            if not others:
                break
            self._delete([claim])
            if time.monotonic() >= deadline:
                holder = others[0]
                left = max(0.0, (holder["expires"] - time.time_ns()) / 1e9)
                raise IndexBusyError(
                    f"{busy} (held by {holder['host']} pid {holder['pid']}; "
                    f"if it died, its lease ends in {left:.0f} s)",
                    "wait for it to finish, or raise ASKBOT_LOCK_TIMEOUT to wait longer",
                )
            time.sleep(min(random.uniform(BACKOFF[0], wait), max(0.0, deadline - time.monotonic())))
            wait = min(wait * 2, BACKOFF[1])
        stop = threading.Event()
        renewer = threading.Thread(
            target=self._renew,
            args=(claim, seconds, stop),
            name=f"askbot-lease-{name}",
            daemon=True,
        )
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            # Not released when Milvus is gone: the claim then simply expires.
            with contextlib.suppress(Exception):
                self._delete([claim])

    def _renew(self, claim: str, seconds: float, stop: threading.Event) -> None:
        while not stop.wait(seconds / 3):
            # A renewal that fails (Milvus briefly away) is tried again at the next tick;
            # the lease is long enough to miss two.
            with contextlib.suppress(Exception):
                self._upsert([{"key": claim, "value": _claim_value(seconds)}])


def _number_key(kind: str, name: str) -> str:
    key = f"{kind}:{name}"
    # The key field holds 64 bytes: a longer name is known by its hash (and checked).
    if len(key.encode()) <= KEY_MAX:
        return key
    return f"{kind}:#{hashlib.sha256(name.encode()).hexdigest()[:40]}"


def _chunk_key(name: str, version: int, n: int) -> str:
    return f"{name}@{version}#{n}"


def _claim_value(seconds: float) -> str:
    return json.dumps(
        {
            "expires": time.time_ns() + int(seconds * 1e9),
            "host": socket.gethostname(),
            "pid": os.getpid(),
        }
    )

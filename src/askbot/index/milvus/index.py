"""A Milvus index: a Lite file, a standalone server or a cluster, one client for all three.

Opening checks the manifest kept in ``NAME_meta`` (schema version, tokenizer, embedder,
dimension) and the collections' fields: an index built otherwise is refused with one
line. Snapshots are cheap (a clock reading); writers take no lock (see ``versions``).
Every read is at ``Strong`` consistency (README, "Milvus"): a question sees every commit
acknowledged before it started.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from askbot import tokenizer
from askbot.errors import IndexCorruptError, IndexIncompatibleError, IndexMissingError
from askbot.index.base import Index
from askbot.index.manifest import IndexSpec
from askbot.index.milvus import schema
from askbot.index.milvus.client import Connection, import_pymilvus
from askbot.index.milvus.location import MilvusLocation, parse
from askbot.index.milvus.meta import MetaRows
from askbot.index.milvus.schema import DENSE_INDEX, PLACEHOLDER, SCHEMA_VERSION, Names
from askbot.index.milvus.snapshot import FrequencyCache, MilvusSnapshot
from askbot.index.milvus.store import Store
from askbot.index.milvus.versions import now
from askbot.index.milvus.writer import MilvusWriter
from askbot.models import Component, IndexInfo, Manifest

VECTOR_STORE = "milvus"
KEYWORD_INDEX = "milvus-bm25"
MANIFEST_KEY = "manifest"


def _hint(where: MilvusLocation) -> str:
    return (
        "ingest your articles into a new index: "
        f"askbot ingest PATH --index NEW (not {where.display})"
    )


class MilvusIndex(Index):
    def __init__(self, conn: Connection, names: Names, manifest: Manifest) -> None:
        self._conn = conn
        self._store = Store(conn, names)
        self.location = conn.where.display
        self.manifest = manifest
        self._local = threading.local()
        self._frequencies = FrequencyCache(self.meta_rows())

    # -- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, location: str) -> MilvusIndex:
        conn = Connection(parse(location))
        try:
            names = Names.of(conn.where.collection)
            return cls(conn, names, _read_manifest(conn, names))
        except BaseException:
            conn.close()
            raise

    @classmethod
    def create(cls, location: str, spec: IndexSpec) -> MilvusIndex:
        """Creates the collections (those missing) and the manifest, unless one exists."""
        conn = Connection(parse(location))
        try:
            names = Names.of(conn.where.collection)
            try:
                return cls(conn, names, _read_manifest(conn, names))
            except IndexMissingError:
                pass
            manifest = spec.manifest().model_copy(
                update={
                    "vector_store": Component(
                        name=VECTOR_STORE,
                        params={"schema_version": SCHEMA_VERSION, **DENSE_INDEX},
                    ),
                    "keyword_index": Component(
                        name=KEYWORD_INDEX, params={"analyzer": "askbot terms, standard"}
                    ),
                }
            )
            pymilvus = import_pymilvus()
            conn.call(schema.create, conn.client, pymilvus, names, spec.dimension)
            row = {
                "key": MANIFEST_KEY,
                "value": manifest.model_dump_json(),
                "placeholder": PLACEHOLDER,
            }
            # Another process creating the same index at once writes an equal manifest.
            conn.call(conn.client.upsert, names.meta, [row])
            conn.flush(names.meta)
            return cls(conn, names, _read_manifest(conn, names))
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        self._conn.close()

    def meta_rows(self) -> MetaRows:
        """Documents and leases beside the manifest (the followed sources keep theirs)."""
        return MetaRows(self._conn, self._store.names)

    # -- reading ------------------------------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[MilvusSnapshot]:
        current: MilvusSnapshot | None = getattr(self._local, "snapshot", None)
        if current is not None:
            yield current  # a snapshot already open in this thread: the same state
            return
        snap = MilvusSnapshot(self._store, now(), self._frequencies)
        self._local.snapshot = snap
        try:
            yield snap
        finally:
            self._local.snapshot = None

    def info(self) -> IndexInfo:
        with self.snapshot() as snap:
            articles, passages = snap.counts()
            generation = snap.generation
        names = self._store.names
        # Rows as Milvus counts them now (count(*) at Strong, exact, deleted rows not
        # counted): article rows are versions, passages include those of pending and
        # retired versions, so they can exceed the visible counts above.
        rows = {
            name.removeprefix(f"{self._conn.where.collection}_"): self._store.count(name)
            for name in names.all()
        }
        return IndexInfo(
            location=self.location,
            manifest=self.manifest.model_copy(
                update={"articles": articles, "passages": passages, "generation": generation}
            ),
            articles=articles,
            passages=passages,
            generation=generation,
            size_bytes=_lite_bytes(self._conn.where) if self._conn.where.lite else 0,
            vector_store={
                "engine": "milvus-lite" if self._conn.where.lite else "milvus",
                "collections": self._conn.where.collection,
                "consistency": schema.CONSISTENCY,
                **DENSE_INDEX,
                "rows": rows,
            },
        )

    # -- writing ------------------------------------------------------------------------

    @contextmanager
    def writer(self, lock_timeout: float) -> Iterator[MilvusWriter]:
        # No lock: writers of different articles proceed at once (``versions``).
        writer = MilvusWriter(self._store)
        try:
            yield writer
        except BaseException:
            writer.rollback()
            raise
        writer.commit()
        if writer.committed:
            self._frequencies.clear()  # this process's own writes count at once


def _lite_bytes(where: MilvusLocation) -> int:
    """What a Milvus Lite file (a folder, in fact) takes on disk; a server's disk is its
    own business (its object storage, its WAL), not measurable from a client."""
    path = Path(where.uri)
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _read_manifest(conn: Connection, names: Names) -> Manifest:
    where = conn.where
    existing = set(conn.call(conn.client.list_collections))
    if names.meta not in existing:
        if existing & set(names.all()):
            raise IndexCorruptError(
                f"{where.display} has some of askbot's collections but no {names.meta}",
                _hint(where),
            )
        raise IndexMissingError(
            f"no index at {where.display}",
            f"build one with: askbot ingest PATH --index {where.display}",
        )
    # An index built before story grouping gains its story collections here.
    conn.call(schema.create_stories, conn.client, import_pymilvus(), names)
    _check_fields(conn, names)
    _load(conn, names)
    rows = conn.call(
        lambda: conn.client.query(
            names.meta, filter=f'key == "{MANIFEST_KEY}"', output_fields=["value"]
        )
    )
    if not rows:
        raise IndexMissingError(
            f"no index at {where.display} (its manifest is not written yet)",
            f"build one with: askbot ingest PATH --index {where.display}",
        )
    try:
        manifest = Manifest.model_validate_json(rows[0]["value"])
    except ValidationError as exc:
        raise IndexCorruptError(
            f"the manifest in {names.meta} at {where.display} is damaged "
            f"({exc.error_count()} invalid fields)",
            _hint(where),
        ) from None
    version = manifest.vector_store.params.get("schema_version")
    if manifest.vector_store.name != VECTOR_STORE or version != SCHEMA_VERSION:
        raise IndexIncompatibleError(
            f"{where.display} uses Milvus schema {version}, "
            f"this askbot reads schema {SCHEMA_VERSION}",
            _hint(where),
        )
    if manifest.tokenizer != tokenizer.spec():
        raise IndexIncompatibleError(
            f"{where.display} was built with tokenizer {manifest.tokenizer.name} "
            f"{manifest.tokenizer.params}, this askbot tokenizes with {tokenizer.spec().name} "
            f"{tokenizer.spec().params}",
            _hint(where),
        )
    dense = _fields(conn, names.passages).get("dense", {})
    if int(dense.get("params", {}).get("dim", -1)) != manifest.dimension:
        raise IndexIncompatibleError(
            f"{names.passages} at {where.display} holds vectors of dimension "
            f"{dense.get('params', {}).get('dim')}, its manifest says {manifest.dimension}",
            _hint(where),
        )
    return manifest


def _load(conn: Connection, names: Names) -> None:
    """Loads the collections into memory where they are not (a Milvus Lite file reopened,
    a server restarted): Milvus searches only loaded collections."""
    for name in names.all():
        state = str(conn.call(conn.client.get_load_state, name).get("state", ""))
        if not state.endswith("Loaded"):
            conn.call(conn.client.load_collection, name)


def _fields(conn: Connection, collection: str) -> dict[str, dict[str, Any]]:
    described = conn.call(conn.client.describe_collection, collection)
    return {f["name"]: f for f in described.get("fields", [])}


def _check_fields(conn: Connection, names: Names) -> None:
    for part, wanted in schema.expected_fields().items():
        collection = getattr(names, part)
        have = set(_fields(conn, collection)) if conn.client.has_collection(collection) else set()
        if not wanted <= have:
            raise IndexIncompatibleError(
                f"the Milvus collection {collection} at {conn.where.display} has another schema "
                f"(lacks {', '.join(sorted(wanted - have))}), not askbot's schema {SCHEMA_VERSION}",
                "choose another ?collection= name, or drop that collection",
            )


def destroy(location: str) -> None:
    """Drops the index's collections (used to rebuild one from scratch)."""
    conn = Connection(parse(location))
    try:
        names = Names.of(conn.where.collection)
        existing = set(conn.call(conn.client.list_collections))
        if names.meta not in existing and existing & set(names.all()):
            raise IndexCorruptError(
                f"{conn.where.display} is not an askbot index", "refusing to drop it"
            )
        for name in names.all():
            if name in existing:
                conn.call(conn.client.drop_collection, name)
    finally:
        conn.close()


def exists(location: str) -> bool:
    conn = Connection(parse(location))
    try:
        return bool(conn.call(conn.client.has_collection, Names.of(conn.where.collection).meta))
    finally:
        conn.close()

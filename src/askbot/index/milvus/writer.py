"""Changes to a Milvus index: new versions written aside, each made current by one upsert.

See ``askbot.index.milvus.versions``. Nothing a writer does is visible before it commits:
passages and texts of a new version are invisible until their article row is committed,
and removals only happen at commit. A writer that fails deletes what it wrote; one that
dies leaves pending rows no reader shows, deleted later by any writer's clean-up.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from askbot.errors import InputError
from askbot.index.base import StorySketch, Writer
from askbot.index.milvus import expressions as ex
from askbot.index.milvus.schema import NEVER, PLACEHOLDER, TEXT_CHUNK, VARCHAR_MAX
from askbot.index.milvus.store import QUOTE_CHUNKS, Store, quotes_key
from askbot.index.milvus.versions import ABANDONED_NS, GRACE_NS, key, live, new_version, now
from askbot.models import Article, Passage, citation_label
from askbot.tokenizer import terms

if TYPE_CHECKING:
    from numpy.typing import NDArray

INSERT_BATCH = 256
SKETCH_COLUMNS = ["article_id", "version", "story", "published", "chars", "sketch"]


def analyzed(title: str | None, text: str) -> str:
    """What BM25 indexes for a passage: askbot's terms, the headline's twice (FTS5 weighs
    the headline column double), cut to what one VARCHAR holds."""
    heading = " ".join(terms(title or ""))
    body = " ".join(terms(text))
    joined = " ".join(t for t in (heading, heading, body) if t)
    data = joined.encode()
    if len(data) <= VARCHAR_MAX:
        return joined
    return data[:VARCHAR_MAX].decode(errors="ignore").rsplit(" ", 1)[0]


def _fits(value: str, what: str, article_id: str) -> str:
    if len(value.encode()) > VARCHAR_MAX:
        raise InputError(
            f"article {article_id}: its {what} is over {VARCHAR_MAX} bytes, more than Milvus holds",
            "shorten it, or use the embedded index",
        )
    return value


class MilvusWriter(Writer):
    def __init__(self, store: Store) -> None:
        self._store = store
        self._names = store.names
        self._conn = store.conn
        # article id -> the row of the version this writer wrote (None: removed).
        self._changes: dict[str, dict[str, Any] | None] = {}
        # Story sketches and links saved by this writer, written at commit.
        self._sketches: dict[str, StorySketch] = {}
        self._links: set[tuple[str, str]] = set()
        self.committed = False

    @property
    def changed(self) -> bool:
        return bool(self._changes or self._sketches or self._links)

    def _live(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return self._store.article_rows(ids, live())

    def content_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        return {i: str(r["content_hash"]) for i, r in self._live(ids).items()}

    def origins(self, ids: Sequence[str]) -> dict[str, str]:
        return {i: str(r["origin"]) for i, r in self._live(ids).items() if r["origin"]}

    def ids_by_origin(self, origins: Sequence[str]) -> dict[str, str]:
        found: dict[str, set[str]] = {}
        for r in self._store.lookup(
            self._names.articles, "origin", list(origins), ["origin", "article_id"], live()
        ):
            found.setdefault(str(r["origin"]), set()).add(str(r["article_id"]))
        return {o: next(iter(ids)) for o, ids in found.items() if len(ids) == 1}

    def upsert(
        self, article: Article, passages: Sequence[Passage], vectors: NDArray[np.float32]
    ) -> None:
        self._discard(article.id)
        self._forget_stories(article.id)
        version = new_version()
        article_key = key(article.id, version)
        quotes = json.dumps([q.model_dump(exclude_defaults=True) for q in article.quotes])
        quote_chunks = [quotes[i : i + TEXT_CHUNK] for i in range(0, len(quotes), TEXT_CHUNK)]
        fields = article.model_dump(mode="json", exclude={"text", "quotes"})
        if article.quotes:
            fields[QUOTE_CHUNKS] = len(quote_chunks)
        record = json.dumps(fields, ensure_ascii=False)
        row = {
            "key": article_key,
            "article_id": _fits(article.id, "id", article.id),
            "version": version,
            "committed": 0,
            "retired": NEVER,
            "n_passages": len(passages),
            "source_folded": _fits(ex.fold(article.source), "source", article.id),
            "published": ex.day(article.published),
            "content_hash": article.content_hash,
            "origin": _fits(article.origin or "", "origin", article.id),
            "label": _fits(citation_label(article.title, article.text[:2000]), "label", article.id),
            "record": _fits(record, "metadata", article.id),
            "placeholder": PLACEHOLDER,
        }
        # The pending row first: a writer that dies after it leaves something to clean.
        self._insert(self._names.articles, [row])
        self._changes[article.id] = row
        texts = [
            {
                "key": f"{article_key}#{n}",
                "article_key": article_key,
                "seq": n,
                "text": article.text[i : i + TEXT_CHUNK],
                "placeholder": PLACEHOLDER,
            }
            for n, i in enumerate(range(0, max(len(article.text), 1), TEXT_CHUNK))
        ]
        if article.quotes:
            texts += [
                {
                    "key": f"{article_key}#q{n}",
                    "article_key": quotes_key(article_key),
                    "seq": n,
                    "text": chunk,
                    "placeholder": PLACEHOLDER,
                }
                for n, chunk in enumerate(quote_chunks)
            ]
        self._insert(self._names.texts, texts)
        dense = np.asarray(vectors, dtype=np.float32)
        self._insert(
            self._names.passages,
            [
                {
                    "article_id": article.id,
                    "version": version,
                    "start": p.start,
                    "end": p.end,
                    "published": row["published"],
                    "source_folded": row["source_folded"],
                    "sentences": json.dumps([[s.start, s.end] for s in p.sentences]),
                    "text": _fits(p.text, "passage", article.id),
                    "terms": analyzed(article.title, p.text),
                    "dense": dense[n].tolist(),
                }
                for n, p in enumerate(passages)
            ],
        )

    def remove(self, article_id: str) -> bool:
        if article_id in self._changes:
            present = self._changes[article_id] is not None
        else:
            present = article_id in self._live([article_id])
        if not present:
            return False
        self._discard(article_id)
        self._forget_stories(article_id)
        self._changes[article_id] = None
        return True

    # -- stories ------------------------------------------------------------------------

    def _forget_stories(self, article_id: str) -> None:
        self._sketches.pop(article_id, None)
        self._links = {pair for pair in self._links if article_id not in pair}

    def _versions(self) -> dict[str, int]:
        """The version of every article as this writer sees it (its own changes first)."""
        versions = {
            str(r["article_id"]): int(r["version"])
            for r in self._store.scan(self._names.articles, live(), ["article_id", "version"])
        }
        for article_id, row in self._changes.items():
            if row is None:
                versions.pop(article_id, None)
            else:
                versions[article_id] = int(row["version"])
        return versions

    def story_sketches(self) -> dict[str, StorySketch]:
        versions = self._versions()
        found: dict[str, StorySketch] = {}
        for r in self._store.scan(self._names.sketches, "", SKETCH_COLUMNS):
            if versions.get(str(r["article_id"])) == int(r["version"]):
                found[str(r["article_id"])] = StorySketch(
                    story=str(r["story"]),
                    published=ex.from_day(int(r["published"])),
                    chars=int(r["chars"]),
                    sketch=base64.b64decode(r["sketch"]),
                )
        found.update({i: s for i, s in self._sketches.items() if i in versions})
        return found

    def story_links(self) -> list[tuple[str, str]]:
        versions = self._versions()
        found = {
            (str(r["a"]), str(r["b"]))
            for r in self._store.scan(self._names.links, "", ["a", "va", "b", "vb"])
            if versions.get(str(r["a"])) == int(r["va"])
            and versions.get(str(r["b"])) == int(r["vb"])
        }
        found |= {(a, b) for a, b in self._links if a in versions and b in versions}
        return sorted(found)

    def save_stories(
        self, sketches: Mapping[str, StorySketch], links: Iterable[tuple[str, str]]
    ) -> None:
        self._sketches.update(sketches)
        self._links.update((min(a, b), max(a, b)) for a, b in links)

    def _write_stories(self) -> None:
        """Writes the saved sketches and links, each naming the article versions it is
        for: those of this writer's changes count once their article rows commit."""
        if not self._sketches and not self._links:
            return
        versions = self._versions()
        sketches = [
            {
                "key": key(article_id, versions[article_id]),
                "article_id": article_id,
                "version": versions[article_id],
                "story": s.story,
                "published": ex.day(s.published),
                "chars": s.chars,
                "sketch": _fits(base64.b64encode(s.sketch).decode(), "story sketch", article_id),
                "placeholder": PLACEHOLDER,
            }
            for article_id, s in self._sketches.items()
            if article_id in versions
        ]
        links = [
            {
                "key": f"{key(a, versions[a])}|{key(b, versions[b])}",
                "a": a,
                "va": versions[a],
                "b": b,
                "vb": versions[b],
                "placeholder": PLACEHOLDER,
            }
            for a, b in sorted(self._links)
            if a in versions and b in versions
        ]
        for collection, rows in ((self._names.sketches, sketches), (self._names.links, links)):
            for i in range(0, len(rows), INSERT_BATCH):
                self._conn.call(self._conn.client.upsert, collection, rows[i : i + INSERT_BATCH])
            self._conn.flush(collection)
        self._sketches.clear()
        self._links.clear()

    def _discard(self, article_id: str) -> None:
        """Deletes a version this writer wrote and has not committed."""
        row = self._changes.pop(article_id, None)
        if row is not None:
            self._store.delete_version(article_id, int(row["version"]))

    def _insert(self, collection: str, rows: list[dict[str, Any]]) -> None:
        for i in range(0, len(rows), INSERT_BATCH):
            batch = rows[i : i + INSERT_BATCH]
            self._conn.call(self._conn.client.insert, collection, batch)

    # -- ending -------------------------------------------------------------------------

    def commit(self) -> None:
        if not self.changed:
            return
        self._write_stories()
        for name in (self._names.passages, self._names.texts, self._names.articles):
            self._conn.flush(name)
        stamp = now()
        for article_id, row in self._changes.items():
            if row is not None:
                # The atomic step: from here readers at or after ``stamp`` show this version.
                committed = {**row, "committed": stamp}
                self._conn.call(self._conn.client.upsert, self._names.articles, [committed])
            self._retire(article_id, stamp, None if row is None else int(row["version"]))
        self._insert(self._names.commits, [{"committed": stamp, "placeholder": PLACEHOLDER}])
        for name in (self._names.articles, self._names.commits):
            self._conn.flush(name)
        self._changes.clear()
        self.committed = True
        self.clean(stamp)

    def _retire(self, article_id: str, stamp: int, mine: int | None) -> None:
        """Retires the versions committed before this one (a later commit wins)."""
        where = ex.both(live(), f"committed < {stamp}")
        if mine is not None:
            where = ex.both(where, f"version != {mine}")
        older = self._store.lookup(self._names.articles, "article_id", [article_id], ["*"], where)
        retired = [{**r, "retired": stamp} for r in older]
        if retired:
            self._conn.call(self._conn.client.upsert, self._names.articles, retired)

    def rollback(self) -> None:
        for article_id in list(self._changes):
            self._discard(article_id)
        self._changes.clear()
        self._sketches.clear()
        self._links.clear()

    def clean(self, stamp: int) -> None:
        """Deletes versions retired long enough ago and pending rows of dead writers."""
        abandoned = stamp - ABANDONED_NS
        stale = f"(retired < {stamp - GRACE_NS}) or (committed == 0 and version < {abandoned})"
        for r in list(self._store.scan(self._names.articles, stale, ["article_id", "version"])):
            self._store.delete_version(str(r["article_id"]), int(r["version"]))

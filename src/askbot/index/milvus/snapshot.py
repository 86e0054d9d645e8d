"""A question's view of a Milvus index: the article versions committed at one instant.

See ``askbot.index.milvus.versions`` for what a snapshot at time ``T`` shows. Searches run
inside Milvus with the question's filters; their hits are then checked against the
versions the snapshot shows, and a search that lost hits to newer or older versions (only
while an article is being replaced) asks again for more, so the top-k stays exact.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from askbot.errors import IndexCorruptError
from askbot.index.base import STORY_MEMBERS, Hits, PassageRow, Snapshot, StoryMember
from askbot.index.milvus import expressions as ex
from askbot.index.milvus.meta import MetaRows
from askbot.index.milvus.schema import DENSE_INDEX, SPARSE_INDEX
from askbot.index.milvus.store import Store
from askbot.index.milvus.versions import invisible_at, visible_at
from askbot.models import Article, Attribution, FilterReport, QueryFilters, Span
from askbot.tokenizer import query_terms

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Milvus's largest top-k; a search asks for a little more than it needs, since hits of
# versions this snapshot does not show are dropped.
MAX_TOPK = 16_384
MARGIN = 8
VERSIONS_PER_COUNT = 64  # article versions per count(*) expression


class FrequencyCache:
    """Document frequencies by term, each kept ``TTL`` seconds: in this process (shared by
    one index's snapshots in all threads) and, given ``shared``, in the index's meta
    collection, so that every process reading the index (bot replicas, each one-shot
    ``askbot ask``) counts a term once per ``TTL`` between them, not once each. A commit
    clears both (``MilvusIndex.writer``)."""

    TTL = 300.0
    SIZE = 100_000
    KIND = "df"

    def __init__(self, shared: MetaRows | None = None) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, tuple[int, float]] = {}
        self._shared = shared

    def get_many(self, terms: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        with self._lock:
            for term in terms:
                item = self._items.get(term)
                if item is not None and time.monotonic() - item[1] <= self.TTL:
                    found[term] = item[0]
        missing = [t for t in terms if t not in found]
        if self._shared is not None and missing:
            oldest = time.time_ns() - int(self.TTL * 1e9)
            shared = self._shared.numbers(self.KIND, missing)
            fresh = {t: n for t, (n, at) in shared.items() if at >= oldest}
            self._keep(fresh)
            found.update(fresh)
        return found

    def put_many(self, counts: dict[str, int]) -> None:
        if not counts:
            return
        self._keep(counts)
        if self._shared is not None:
            self._shared.set_numbers(self.KIND, counts)

    def _keep(self, counts: dict[str, int]) -> None:
        with self._lock:
            if len(self._items) + len(counts) > self.SIZE:
                self._items.clear()
            stamp = time.monotonic()
            self._items.update((t, (n, stamp)) for t, n in counts.items())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
        if self._shared is not None:
            self._shared.clear_numbers(self.KIND)


class MilvusSnapshot(Snapshot):
    def __init__(self, store: Store, at: int, frequencies: FrequencyCache | None = None) -> None:
        self._store = store
        self._frequencies = frequencies or FrequencyCache()
        self._names = store.names
        self.at = at
        self._visible = visible_at(at)
        self._rows: dict[str, dict[str, Any] | None] = {}
        self._quotes: dict[str, tuple[Attribution, ...]] = {}  # by article row key

    @functools.cached_property
    def generation(self) -> int:  # type: ignore[override]
        """Commits at or before this snapshot's time: read when asked (``info``), not by
        every question. The same whenever it is read: commits are only added, stamped
        later than any snapshot already taken. Counted as all commits minus the later
        ones (usually none): Milvus Lite materialises every row a filtered count
        matches, and commits only accumulate."""
        later = self._store.count(self._names.commits, f"committed > {self.at}")
        return self._store.count(self._names.commits) - later

    # -- versions -----------------------------------------------------------------------

    def _article_rows(self, ids: Iterable[str]) -> dict[str, dict[str, Any] | None]:
        """The version this snapshot shows of each article (None: none), read once."""
        wanted = [i for i in dict.fromkeys(ids) if i not in self._rows]
        if wanted:
            found = self._store.article_rows(wanted, self._visible)
            for article_id in wanted:
                self._rows[article_id] = found.get(article_id)
        return self._rows

    def _shown(self, hits: list[dict[str, Any]]) -> Hits:
        rows = self._article_rows(h["entity"]["article_id"] for h in hits)
        kept: Hits = []
        for hit in hits:
            row = rows.get(hit["entity"]["article_id"])
            if row is not None and int(row["version"]) == int(hit["entity"]["version"]):
                kept.append((int(hit["id"]), abs(float(hit["distance"]))))
        return kept

    def _search(
        self, data: Any, field: str, params: dict[str, Any], limit: int, filters: QueryFilters
    ) -> Hits:
        if limit <= 0:
            return []
        expression = ex.allowed(filters)
        fetch = min(limit + MARGIN, MAX_TOPK)
        client = self._store.conn.client
        while True:
            result = self._store.conn.call(
                client.search,
                self._names.passages,
                data=[data],
                anns_field=field,
                limit=fetch,
                filter=expression,
                search_params={"metric_type": params["metric_type"]},
                output_fields=["article_id", "version"],
            )
            hits = list(result[0]) if result else []
            kept = self._shown(hits)
            if len(kept) >= limit or len(hits) < fetch or fetch >= MAX_TOPK:
                # Milvus Lite reports BM25 as a negative distance, a server as a positive
                # score: both are the score's size. Ties keep the engine's order.
                return kept[:limit]
            fetch = min(fetch * 2, MAX_TOPK)

    def dense(self, vector: NDArray[np.float32], limit: int, filters: QueryFilters) -> Hits:
        data = np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
        return self._search(data, "dense", DENSE_INDEX, limit, filters)

    def keyword(self, words: Sequence[str], limit: int, filters: QueryFilters) -> Hits:
        stems = query_terms(words)
        if not stems:
            return []
        return self._search(" ".join(stems), "sparse", SPARSE_INDEX, limit, filters)

    # -- rows ---------------------------------------------------------------------------

    def _passage_rows(self, ids: Sequence[int], fields: Sequence[str]) -> dict[int, dict[str, Any]]:
        found = self._store.lookup(
            self._names.passages,
            "id",
            [int(i) for i in ids],
            ["id", "article_id", "version", *fields],
        )
        rows = self._article_rows(r["article_id"] for r in found)
        shown: dict[int, dict[str, Any]] = {}
        for r in found:
            article = rows.get(r["article_id"])
            if article is not None and int(article["version"]) == int(r["version"]):
                shown[int(r["id"])] = {**r, "_article": article}
        return shown

    def vectors(self, ids: Sequence[int]) -> NDArray[np.float32]:
        found = self._passage_rows(ids, ["dense"])
        missing = [i for i in ids if int(i) not in found]
        if missing:
            raise IndexCorruptError(
                f"{self._store.conn.where.display} has no vector for passages {missing[:5]}",
                "rebuild the index",
            )
        return np.asarray([found[int(i)]["dense"] for i in ids], dtype=np.float32).reshape(
            len(ids), -1
        )

    def passages(self, ids: Iterable[int]) -> dict[int, PassageRow]:
        wanted = list(dict.fromkeys(int(i) for i in ids))
        found = self._passage_rows(wanted, ["start", "end", "text", "sentences"])
        articles = {str(r["_article"]["key"]): r["_article"] for r in found.values()}
        unread = [a for k, a in articles.items() if k not in self._quotes]
        if unread:
            self._quotes.update(self._store.quotes(unread))
        rows: dict[int, PassageRow] = {}
        for pid in wanted:
            r = found.get(pid)
            if r is None:
                continue
            record = json.loads(r["_article"]["record"])
            published = record.get("published")
            rows[pid] = PassageRow(
                id=pid,
                article_id=r["article_id"],
                start=int(r["start"]),
                end=int(r["end"]),
                text=r["text"],
                sentences=tuple(Span(start=s, end=e) for s, e in json.loads(r["sentences"])),
                title=record.get("title"),
                source=record.get("source"),
                published=None if published is None else date.fromisoformat(str(published)),
                url=record.get("url"),
                label=r["_article"]["label"],
                quotes=tuple(
                    q
                    for q in self._quotes[str(r["_article"]["key"])]
                    if q.start < int(r["end"]) and int(r["start"]) < q.end
                ),
            )
        return rows

    def owners(self, ids: Sequence[int]) -> dict[int, str]:
        return {pid: r["article_id"] for pid, r in self._passage_rows(ids, []).items()}

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        # Passages that hold the term in their headline or text (as FTS5's vocabulary
        # counts them); while an article is being replaced both versions are counted.
        # Counting is a query per term (a scan on Milvus Lite), and these numbers only
        # weigh a question's words: they are cached for a while, and shared.
        wanted = [t for t in dict.fromkeys(terms) if t]
        found = self._frequencies.get_many(wanted)
        lite = self._store.conn.engine_is_lite
        counted = {
            term: self._store.count(self._names.passages, ex.has_term("terms", term, lite))
            for term in wanted
            if term not in found
        }
        self._frequencies.put_many(counted)
        return {t: n for t, n in {**found, **counted}.items() if n}

    def counts(self) -> tuple[int, int]:
        # Everything stored minus what this snapshot does not show (pending, later and
        # retired versions: usually few). Unfiltered counts are cheap everywhere, while a
        # filtered count on Milvus Lite materialises every row it matches (~0.5 s for the
        # visible rows of 5,000 articles, on every question).
        hidden_rows = list(
            self._store.scan(self._names.articles, invisible_at(self.at), ["article_id", "version"])
        )
        articles = self._store.count(self._names.articles) - len(hidden_rows)
        stored = self._store.count(self._names.passages)
        # Hidden passages counted as stored, not as their rows say: a writer (or a
        # cleaner) that died mid-version left fewer than n_passages.
        versions = [(str(r["article_id"]), int(r["version"])) for r in hidden_rows]
        hidden = 0
        for i in range(0, len(versions), VERSIONS_PER_COUNT):
            pairs = [
                ex.both(ex.one_of("article_id", [a]), f"version == {v}")
                for a, v in versions[i : i + VERSIONS_PER_COUNT]
            ]
            hidden += self._store.count(self._names.passages, " or ".join(f"({p})" for p in pairs))
        return articles, stored - hidden

    def article(self, article_id: str) -> Article | None:
        row = self._article_rows([article_id]).get(article_id)
        return None if row is None else self._store.full_article(row)

    def article_ids(self) -> list[str]:
        return sorted(
            {
                r["article_id"]
                for r in self._store.scan(self._names.articles, self._visible, ["article_id"])
            }
        )

    def filter_report(self, filters: QueryFilters) -> FilterReport:
        outlet = ex.outlet_clause(filters)
        dates = ex.date_clause(filters)
        undated = "published < 0" if filters.since or filters.until else ""

        def count(*clauses: str) -> int:
            return self._store.count(self._names.articles, ex.both(self._visible, *clauses))

        groups: dict[str, tuple[str, int]] = {}
        for r in self._store.scan(self._names.articles, self._visible, ["record"]):
            source = json.loads(r["record"]).get("source")
            if source is None:
                continue
            name, n = groups.get(ex.fold(source), (source, 0))
            groups[ex.fold(source)] = (min(name, source), n + 1)
        common = sorted(groups.values(), key=lambda item: (-item[1], item[0]))[:12]
        return FilterReport(
            articles=count(),
            outlet_matches=count(outlet),
            kept=count(outlet, dates),
            undated_excluded=count(outlet, undated) if undated else 0,
            outlets=tuple(common),
        )

    def stories(self, article_ids: Sequence[str]) -> dict[str, tuple[str, list[StoryMember]]]:
        # A sketch counts when it was made for the version of its article this snapshot
        # shows: a changed or removed article's old sketch is left out with its version.
        wanted = set(article_ids)
        shown = {i: row for i, row in self._article_rows(wanted).items() if i in wanted}
        keys = [str(row["key"]) for row in shown.values() if row is not None]
        story_of = {
            str(r["article_id"]): str(r["story"])
            for r in self._store.lookup(self._names.sketches, "key", keys, ["article_id", "story"])
        }
        candidates = self._store.lookup(
            self._names.sketches,
            "story",
            list(dict.fromkeys(story_of.values())),
            ["article_id", "version", "story", "chars"],
        )
        rows = self._article_rows(str(r["article_id"]) for r in candidates)
        members: dict[str, list[StoryMember]] = {}
        for r in candidates:
            row = rows.get(str(r["article_id"]))
            if row is None or int(row["version"]) != int(r["version"]):
                continue
            record = json.loads(row["record"])
            published = record.get("published")
            members.setdefault(str(r["story"]), []).append(
                StoryMember(
                    article_id=str(r["article_id"]),
                    title=record.get("title"),
                    source=record.get("source"),
                    published=None if published is None else date.fromisoformat(str(published)),
                    url=record.get("url"),
                    label=str(row["label"]),
                    chars=int(r["chars"]),
                )
            )
        for found in members.values():  # oldest first, undated last, then by id
            found.sort(key=lambda m: (m.published is None, m.published or date.min, m.article_id))
            del found[STORY_MEMBERS:]  # as the folder index reads them
        return {aid: (story, members.get(story, [])) for aid, story in story_of.items()}

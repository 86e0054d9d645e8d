"""Reads and writes of the index's collections, shared by snapshots and writers."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from askbot.index.milvus import expressions as ex
from askbot.index.milvus.client import Connection
from askbot.index.milvus.schema import ARTICLE_FIELDS, Names
from askbot.index.milvus.versions import key
from askbot.models import Article, Attribution

BATCH = 500
PAGE = 1000
WINDOW = 16_384  # Milvus's largest offset + limit of one query


class Store:
    def __init__(self, conn: Connection, names: Names) -> None:
        self.conn = conn
        self.names = names

    def query(
        self, collection: str, expression: str, fields: Sequence[str], limit: int | None = None
    ) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"filter": expression, "output_fields": list(fields)}
        if limit is not None:
            kwargs["limit"] = limit
        return list(self.conn.call(self.conn.client.query, collection, **kwargs))

    def scan(
        self, collection: str, expression: str, fields: Sequence[str]
    ) -> Iterator[dict[str, Any]]:
        """Every matching row. Usually few (one query); past Milvus's result window, an
        iterator (Milvus Lite logs a harmless "AllocTimestamp not implemented" for it)."""
        first = self.query(collection, expression, fields, limit=WINDOW)
        if len(first) < WINDOW:
            yield from first
            return
        iterator = self.conn.call(
            self.conn.client.query_iterator,
            collection,
            batch_size=PAGE,
            filter=expression,
            output_fields=list(fields),
        )
        try:
            while True:
                page = self.conn.call(iterator.next)
                if not page:
                    return
                yield from page
        finally:
            iterator.close()

    def lookup(
        self,
        collection: str,
        field: str,
        values: Sequence[str | int],
        fields: Sequence[str],
        where: str = "",
    ) -> list[dict[str, Any]]:
        """Rows whose ``field`` is one of ``values`` (and that ``where`` keeps)."""
        found: list[dict[str, Any]] = []
        unique = list(dict.fromkeys(values))
        for i in range(0, len(unique), BATCH):
            batch = unique[i : i + BATCH]
            expression = ex.both(ex.one_of(field, batch), where)
            found.extend(self.query(collection, expression, fields))
        return found

    def count(self, collection: str, expression: str = "") -> int:
        rows = self.query(collection, expression, ["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def article_rows(self, ids: Sequence[str], where: str) -> dict[str, dict[str, Any]]:
        """Per article id, its row with the highest ``committed`` of those ``where`` keeps."""
        best: dict[str, dict[str, Any]] = {}
        for row in self.lookup(self.names.articles, "article_id", ids, ARTICLE_FIELDS, where):
            held = best.get(row["article_id"])
            if held is None or row["committed"] > held["committed"]:
                best[row["article_id"]] = row
        return best

    def article_text(self, article_key: str) -> str:
        rows = self.scan(self.names.texts, ex.one_of("article_key", [article_key]), ["seq", "text"])
        return "".join(r["text"] for r in sorted(rows, key=lambda r: int(r["seq"])))

    def quotes(self, rows: Sequence[dict[str, Any]]) -> dict[str, tuple[Attribution, ...]]:
        """Each article row's attributed quotes, by its key (one query for all of them).

        Quotes are kept in chunks of the texts collection, under ``KEY#quotes``: a long
        article's list can outgrow the VARCHAR that holds the record."""
        found: dict[str, tuple[Attribution, ...]] = {}
        stored: list[str] = []
        for row in rows:
            record = json.loads(row["record"])
            if record.get(QUOTE_CHUNKS):
                stored.append(str(row["key"]))
            else:  # none, or a version written before quotes were kept apart
                found[str(row["key"])] = _attributions(record.get("quotes") or [])
        chunks: dict[str, list[tuple[int, str]]] = {}
        holders = [quotes_key(k) for k in stored]
        fields = ["article_key", "seq", "text"]
        for r in self.lookup(self.names.texts, "article_key", holders, fields):
            chunks.setdefault(str(r["article_key"]), []).append((int(r["seq"]), str(r["text"])))
        for k in stored:
            joined = "".join(text for _, text in sorted(chunks.get(quotes_key(k), [])))
            found[k] = _attributions(json.loads(joined))
        return found

    def full_article(self, row: dict[str, Any]) -> Article:
        record = json.loads(row["record"])
        record.pop(QUOTE_CHUNKS, None)
        record["quotes"] = self.quotes([row])[str(row["key"])]
        return Article.model_validate({**record, "text": self.article_text(row["key"])})

    def delete_version(self, article_id: str, version: int) -> None:
        """Deletes one version's passages, texts and row (readers no longer show it)."""
        article_key = key(article_id, version)
        same = ex.both(ex.one_of("article_id", [article_id]), f"version == {int(version)}")
        self.conn.call(self.conn.client.delete, self.names.passages, filter=same)
        texts = ex.one_of("article_key", [article_key, quotes_key(article_key)])
        self.conn.call(lambda: self.conn.client.delete(self.names.texts, filter=texts))
        self.conn.call(self.conn.client.delete, self.names.sketches, ids=[article_key])
        ends = [
            ex.both(ex.one_of(side, [article_id]), f"v{side} == {int(version)}") for side in "ab"
        ]
        links = f"({ends[0]}) or ({ends[1]})"
        self.conn.call(lambda: self.conn.client.delete(self.names.links, filter=links))
        self.conn.call(self.conn.client.delete, self.names.articles, ids=[article_key])


QUOTE_CHUNKS = "_quote_chunks"  # in an article row's record: how many chunks hold its quotes


def quotes_key(article_key: str) -> str:
    return f"{article_key}#quotes"


def _attributions(raw: Sequence[Any]) -> tuple[Attribution, ...]:
    return tuple(Attribution.model_validate(q) for q in raw)

"""Reads and writes of the index's collections, shared by snapshots and writers."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from askbot.index.milvus import expressions as ex
from askbot.index.milvus.client import Connection
from askbot.index.milvus.schema import ARTICLE_FIELDS, Names
from askbot.index.milvus.versions import key
from askbot.models import Article

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

    def full_article(self, row: dict[str, Any]) -> Article:
        record = json.loads(row["record"])
        return Article.model_validate({**record, "text": self.article_text(row["key"])})

    def delete_version(self, article_id: str, version: int) -> None:
        """Deletes one version's passages, texts and row (readers no longer show it)."""
        article_key = key(article_id, version)
        same = ex.both(ex.one_of("article_id", [article_id]), f"version == {int(version)}")
        self.conn.call(self.conn.client.delete, self.names.passages, filter=same)
        self.conn.call(
            lambda: self.conn.client.delete(
                self.names.texts, filter=ex.one_of("article_key", [article_key])
            )
        )
        self.conn.call(self.conn.client.delete, self.names.articles, ids=[article_key])

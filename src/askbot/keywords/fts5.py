"""BM25 keyword search with SQLite FTS5, in the same file and transaction as the passages.

Incremental upserts and deletes cost one row each and commit with the passages they rank,
so the keyword index can never drift from the text. Headline matches weigh double: a
headline is a dense summary of its story.

FTS5 does not tokenize here: it is given askbot's own terms (``askbot.tokenizer``),
space-separated, and its ``ascii`` tokenizer only splits them at the spaces (it keeps
non-ASCII letters as they are). So the terms FTS5 ranks and counts are exactly the terms
sentence scoring uses, whatever the language, and the tokenizer has one owner.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from askbot.keywords.base import Hits, KeywordIndex
from askbot.models import QueryFilters
from askbot.tokenizer import query_terms, terms

NAME = "sqlite-fts5"
SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5 (
    title, body, tokenize = 'ascii'
);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_vocab USING fts5vocab (passages_fts, 'row');
"""
_BM25_WEIGHTS = (2.0, 1.0)

AllowedSql = Callable[[QueryFilters], tuple[str, list[Any]] | None]
"""Turns filters into a query that selects the allowed passage ids (None: no filter)."""


def match_expression(stems: Sequence[str]) -> str:
    """An FTS5 MATCH expression: any of the terms, each quoted so none is an operator."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in stems)


def analyzed(text: str | None) -> str:
    """What FTS5 stores for a text: its terms, space-separated."""
    return " ".join(terms(text or ""))


class Fts5Keywords(KeywordIndex):
    name = NAME

    def __init__(self, conn: sqlite3.Connection, allowed_sql: AllowedSql) -> None:
        self._conn = conn
        self._allowed_sql = allowed_sql

    def add(self, title: str | None, passages: Sequence[tuple[int, str]]) -> None:
        heading = analyzed(title)
        self._conn.executemany(
            "INSERT INTO passages_fts (rowid, title, body) VALUES (?, ?, ?)",
            [(pid, heading, analyzed(body)) for pid, body in passages],
        )

    def remove(self, passage_ids: Sequence[int]) -> None:
        self._conn.executemany(
            "DELETE FROM passages_fts WHERE rowid = ?", [(i,) for i in passage_ids]
        )

    def search(self, words: Sequence[str], limit: int, filters: QueryFilters) -> Hits:
        stems = query_terms(words)
        if not stems or limit <= 0:
            return []
        where, params = "passages_fts MATCH ?", [match_expression(stems)]
        allowed = self._allowed_sql(filters)
        if allowed is not None:
            where += f" AND rowid IN ({allowed[0]})"
            params += allowed[1]
        rows = self._conn.execute(
            f"SELECT rowid, bm25(passages_fts, ?, ?) AS s FROM passages_fts "
            f"WHERE {where} ORDER BY s LIMIT ?",
            (*_BM25_WEIGHTS, *params, limit),
        ).fetchall()
        return [(int(pid), -float(score)) for pid, score in rows]

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(terms))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        return {
            str(t): int(d)
            for t, d in self._conn.execute(
                f"SELECT term, doc FROM passages_vocab WHERE term IN ({marks})", wanted
            )
        }

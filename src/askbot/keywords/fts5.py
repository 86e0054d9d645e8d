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
# FTS5 scores every passage a MATCH finds (~3 µs each here): a question's common words
# matched 11,000 of 50,000 passages (30 ms), and would match ten times as many at 500,000.
# So a search matches on the question's rarest terms whose passages add up to at most
# this many, which bounds its cost whatever the index's size; the dropped terms weigh
# least in BM25 (low IDF) and still count in re-ranking and excerpt selection, which
# score every term. benchmarks/ablate_postings.py: no change on SQuAD or SciFact; on 50,000
# synthetic passages 20,000 kept 0.967 of the unbounded top 10 and lost 0.007 of
# answer-in-top-10 (keywords alone), where 5,000 lost 0.077.
MATCH_POSTINGS = 20_000

ArticleCondition = Callable[[QueryFilters], tuple[str, list[Any]] | None]
"""Turns filters into a condition on the passage's article, ``a`` (None: no filter)."""


def match_expression(stems: Sequence[str]) -> str:
    """An FTS5 MATCH expression: any of the terms, each quoted so none is an operator."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in stems)


def analyzed(text: str | None) -> str:
    """What FTS5 stores for a text: its terms, space-separated."""
    return " ".join(terms(text or ""))


class Fts5Keywords(KeywordIndex):
    name = NAME

    def __init__(self, conn: sqlite3.Connection, condition: ArticleCondition) -> None:
        self._conn = conn
        self._condition = condition
        # A snapshot's search and its evidence ask for the same terms' frequencies, and one
        # snapshot sees one version of the index.
        self._frequencies: dict[str, int] = {}

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
        stems = self._rarest(query_terms(words))
        if not stems or limit <= 0:
            return []
        condition = self._condition(filters)
        if condition is None:
            sql = (
                "SELECT rowid, bm25(passages_fts, ?, ?) AS s FROM passages_fts "
                "WHERE passages_fts MATCH ? ORDER BY s LIMIT ?"
            )
            params: list[Any] = [match_expression(stems)]
        else:
            # The matches drive the join (CROSS JOIN fixes the order), each checked against
            # its article. Handing FTS5 the allowed ids instead (rowid IN (...)) makes it
            # evaluate the whole MATCH once per allowed passage: 140 s for one question
            # on 63,000 passages with a date filter that kept most of them.
            sql = (
                "SELECT passages_fts.rowid, bm25(passages_fts, ?, ?) AS s FROM passages_fts "
                "CROSS JOIN passages p ON p.id = passages_fts.rowid "
                "CROSS JOIN articles a ON a.id = p.article_id "
                f"WHERE passages_fts MATCH ? AND {condition[0]} ORDER BY s LIMIT ?"
            )
            params = [match_expression(stems), *condition[1]]
        rows = self._conn.execute(sql, (*_BM25_WEIGHTS, *params, limit)).fetchall()
        return [(int(pid), -float(score)) for pid, score in rows]

    def _rarest(self, stems: Sequence[str]) -> list[str]:
        """The rarest of ``stems`` whose passages add up to MATCH_POSTINGS (at least one)."""
        df = self.document_frequencies(stems)
        kept: list[str] = []
        total = 0
        for term in sorted(stems, key=lambda t: df.get(t, 0)):
            total += df.get(term, 0)
            if kept and total > MATCH_POSTINGS:
                break
            kept.append(term)
        return kept

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        wanted = [t for t in dict.fromkeys(terms) if t not in self._frequencies]
        if wanted:
            marks = ",".join("?" * len(wanted))
            found = dict.fromkeys(wanted, 0)
            found.update(
                (str(t), int(d))
                for t, d in self._conn.execute(
                    f"SELECT term, doc FROM passages_vocab WHERE term IN ({marks})", wanted
                )
            )
            self._frequencies.update(found)
        return {t: self._frequencies[t] for t in dict.fromkeys(terms) if self._frequencies[t]}

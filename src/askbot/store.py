"""The passage store: articles, passages and their BM25 keyword index in one SQLite file.

SQLite gives transactions (an interrupted ingest rolls back), incremental upserts and
deletes, and FTS5's BM25 in the same file as the text it ranks, so the keyword index can
never drift from the passages. Passage text is not stored twice: a passage is offsets into
its article's text, and ``substr`` cuts it out on read.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from askbot.models import Article, Passage, QueryFilters, Span

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT, text TEXT NOT NULL, url TEXT, source TEXT, published TEXT,
    authors TEXT NOT NULL, metadata TEXT NOT NULL,
    content_hash TEXT NOT NULL, ingested TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_source ON articles (source COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL REFERENCES articles (id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    sentences TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_article ON passages (article_id);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5 (
    title, body, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS passages_vocab USING fts5vocab (passages_fts, 'row');
"""

# Matches in the headline count double: a headline is a dense summary of the story.
_BM25_WEIGHTS = (2.0, 1.0)


@dataclass(frozen=True, slots=True)
class PassageRow:
    """A passage joined with what a citation needs from its article."""

    id: int
    article_id: str
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]
    title: str | None
    source: str | None
    published: date | None
    url: str | None


class PassageStore:
    """One SQLite connection, shared by threads under a lock (queries take microseconds)."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        uri = f"file:{path}" + ("" if create else "?mode=rw")
        self._conn = sqlite3.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30
        )
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        if create:
            self._conn.executescript(_SCHEMA)
            self.set_meta("generation", "0")
        else:
            self.get_meta("generation")  # fails fast on a damaged or foreign file

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction; anything raised inside rolls every change back."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- writes (call inside transaction()) ---------------------------------------------

    def content_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            for batch in _batches(list(ids), 500):
                marks = ",".join("?" * len(batch))
                for article_id, digest in self._conn.execute(
                    f"SELECT id, content_hash FROM articles WHERE id IN ({marks})", batch
                ):
                    found[article_id] = digest
        return found

    def delete_article(self, article_id: str) -> list[int] | None:
        """Deletes an article and its passages; returns the passage ids, None if absent."""
        with self._lock:
            exists = self._conn.execute(
                "SELECT 1 FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if exists is None:
                return None
            ids = [
                int(r[0])
                for r in self._conn.execute(
                    "SELECT id FROM passages WHERE article_id = ?", (article_id,)
                )
            ]
            self._conn.executemany("DELETE FROM passages_fts WHERE rowid = ?", [(i,) for i in ids])
            self._conn.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
            self._conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return ids

    def insert_article(self, article: Article, passages: Sequence[Passage]) -> list[int]:
        """Inserts an article (which must not exist) and its passages; returns passage ids."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            self._conn.execute(
                "INSERT INTO articles (id, title, text, url, source, published, authors, "
                "metadata, content_hash, ingested) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article.id,
                    article.title,
                    article.text,
                    article.url,
                    article.source,
                    article.published.isoformat() if article.published else None,
                    json.dumps(list(article.authors)),
                    json.dumps(article.metadata),
                    article.content_hash,
                    now,
                ),
            )
            ids: list[int] = []
            for passage in passages:
                spans = [[s.start, s.end] for s in passage.sentences]
                cursor = self._conn.execute(
                    "INSERT INTO passages (article_id, start, end, sentences) VALUES (?, ?, ?, ?)",
                    (article.id, passage.start, passage.end, json.dumps(spans)),
                )
                pid = int(cursor.lastrowid or 0)
                self._conn.execute(
                    "INSERT INTO passages_fts (rowid, title, body) VALUES (?, ?, ?)",
                    (pid, article.title or "", passage.text),
                )
                ids.append(pid)
        return ids

    # -- reads --------------------------------------------------------------------------

    def counts(self) -> tuple[int, int]:
        with self._lock:
            articles = self._conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            passages = self._conn.execute("SELECT count(*) FROM passages").fetchone()[0]
        return int(articles), int(passages)

    def passage_ids(self) -> list[int]:
        with self._lock:
            return [int(r[0]) for r in self._conn.execute("SELECT id FROM passages")]

    def article_ids(self) -> list[str]:
        with self._lock:
            return [str(r[0]) for r in self._conn.execute("SELECT id FROM articles ORDER BY id")]

    def article(self, article_id: str) -> Article | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT id, text, title, url, source, published, authors, metadata "
                "FROM articles WHERE id = ?",
                (article_id,),
            ).fetchone()
        if row is None:
            return None
        return Article(
            id=row[0],
            text=row[1],
            title=row[2],
            url=row[3],
            source=row[4],
            published=date.fromisoformat(row[5]) if row[5] else None,
            authors=tuple(json.loads(row[6])),
            metadata=json.loads(row[7]),
        )

    def passages(self, ids: Iterable[int]) -> dict[int, PassageRow]:
        wanted = list(dict.fromkeys(ids))
        rows: dict[int, PassageRow] = {}
        with self._lock:
            for batch in _batches(wanted, 500):
                marks = ",".join("?" * len(batch))
                for r in self._conn.execute(
                    "SELECT p.id, p.article_id, p.start, p.end, "
                    "substr(a.text, p.start + 1, p.end - p.start), p.sentences, "
                    "a.title, a.source, a.published, a.url "
                    f"FROM passages p JOIN articles a ON a.id = p.article_id "
                    f"WHERE p.id IN ({marks})",
                    batch,
                ):
                    rows[int(r[0])] = PassageRow(
                        id=int(r[0]),
                        article_id=r[1],
                        start=r[2],
                        end=r[3],
                        text=r[4],
                        sentences=tuple(Span(start=s, end=e) for s, e in json.loads(r[5])),
                        title=r[6],
                        source=r[7],
                        published=date.fromisoformat(r[8]) if r[8] else None,
                        url=r[9],
                    )
        return rows

    def article_ids_for(self, passage_ids: list[int]) -> dict[int, str]:
        owners: dict[int, str] = {}
        with self._lock:
            for batch in _batches(passage_ids, 500):
                marks = ",".join("?" * len(batch))
                for pid, article_id in self._conn.execute(
                    f"SELECT id, article_id FROM passages WHERE id IN ({marks})", batch
                ):
                    owners[int(pid)] = str(article_id)
        return owners

    def bm25(
        self, match: str, limit: int, allowed: set[int] | None = None
    ) -> list[tuple[int, float]]:
        """Top passages for an FTS5 MATCH expression, best first, with positive scores."""
        sql = (
            "SELECT rowid, bm25(passages_fts, ?, ?) AS s FROM passages_fts "
            "WHERE passages_fts MATCH ? ORDER BY s LIMIT ?"
        )
        fetch = limit if allowed is None else limit * 20
        with self._lock:
            rows = self._conn.execute(sql, (*_BM25_WEIGHTS, match, fetch)).fetchall()
        hits = [(int(pid), -float(score)) for pid, score in rows]
        if allowed is not None:
            hits = [h for h in hits if h[0] in allowed]
        return hits[:limit]

    def document_frequencies(self) -> dict[str, int]:
        """Stemmed term -> number of passages containing it (for keyword weighting)."""
        with self._lock:
            return {
                str(t): int(d)
                for t, d in self._conn.execute("SELECT term, doc FROM passages_vocab")
            }

    def filtered_passage_ids(self, filters: QueryFilters) -> set[int]:
        clauses: list[str] = []
        params: list[str] = []
        if filters.outlets:
            ors = " OR ".join("a.source LIKE ?" for _ in filters.outlets)
            clauses.append(f"({ors})")
            params.extend(f"%{o}%" for o in filters.outlets)
        if filters.since:
            clauses.append("a.published >= ?")
            params.append(filters.since.isoformat())
        if filters.until:
            clauses.append("a.published <= ?")
            params.append(filters.until.isoformat())
        where = " AND ".join(clauses) or "1"
        with self._lock:
            return {
                int(r[0])
                for r in self._conn.execute(
                    f"SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id "
                    f"WHERE {where}",
                    params,
                )
            }


def _batches(items: list[str] | list[int], size: int) -> Iterator[list[str] | list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]

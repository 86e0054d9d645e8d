"""Articles and passages in SQLite: the rows an embedded index answers from.

A passage keeps its offsets into its article's text and its own copy of those characters,
so reading a passage never loads the whole article (a 10 MB article would otherwise be
read for each of its passages on every question); the article's text is its last column,
so reading its other fields does not load it either. Every function takes the connection
to run on, so a question's reads all go through its snapshot's connection and a write's
through the writer's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from askbot.index.base import STORY_MEMBERS, PassageRow, StoryMember, StorySketch
from askbot.models import (
    Article,
    Attribution,
    FilterReport,
    Passage,
    QueryFilters,
    Span,
    citation_label,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT, url TEXT, source TEXT, published TEXT, updated TEXT,
    authors TEXT NOT NULL, metadata TEXT NOT NULL, origin TEXT, label TEXT NOT NULL,
    content_hash TEXT NOT NULL, ingested TEXT NOT NULL,
    quotes TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_source ON articles (source COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published);
CREATE INDEX IF NOT EXISTS articles_origin ON articles (origin);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id TEXT NOT NULL REFERENCES articles (id),
    start INTEGER NOT NULL, end INTEGER NOT NULL,
    sentences TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_article ON passages (article_id);
"""
# Story grouping (askbot.news.stories). Created by the writer when missing, so an index
# built before grouping gains them on its next ingest; readers treat them as empty until.
STORY_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS story_sketches (article_id TEXT PRIMARY KEY, "
    "story TEXT NOT NULL, published TEXT, chars INTEGER NOT NULL, sketch BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS story_sketches_story ON story_sketches (story)",
    "CREATE TABLE IF NOT EXISTS story_links (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b))",
    "CREATE INDEX IF NOT EXISTS story_links_b ON story_links (b)",
)
BATCH = 500


def batches(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def select_in(conn: sqlite3.Connection, sql: str, values: Iterable[Any]) -> Iterator[Any]:
    """The rows of ``sql`` for each distinct value, its ``{marks}`` an IN list filled in
    batches small enough for SQLite's limit on bound variables."""
    for batch in batches(list(dict.fromkeys(values))):
        yield from conn.execute(sql.format(marks=",".join("?" * len(batch))), batch)


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    return int(articles), int(passages)


def content_hashes(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    sql = "SELECT id, content_hash FROM articles WHERE id IN ({marks})"
    return {article_id: digest for article_id, digest in select_in(conn, sql, ids)}


def delete_article(conn: sqlite3.Connection, article_id: str) -> list[int] | None:
    """Deletes an article and its passages; returns the passage ids, None if absent."""
    if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
        return None
    ids = [
        int(r[0])
        for r in conn.execute("SELECT id FROM passages WHERE article_id = ?", (article_id,))
    ]
    conn.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
    conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    if _has_stories(conn):
        conn.execute("DELETE FROM story_sketches WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM story_links WHERE a = ? OR b = ?", (article_id, article_id))
    return ids


def insert_article(
    conn: sqlite3.Connection, article: Article, passages: Sequence[Passage]
) -> list[int]:
    """Inserts an article (which must not exist) and its passages; returns passage ids."""
    conn.execute(
        "INSERT INTO articles (id, title, url, source, published, updated, authors, metadata, "
        "origin, label, content_hash, ingested, quotes, text) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article.id,
            article.title,
            article.url,
            article.source,
            article.published.isoformat() if article.published else None,
            article.updated.isoformat() if article.updated else None,
            json.dumps(list(article.authors)),
            json.dumps(article.metadata),
            article.origin,
            citation_label(article.title, article.text[:2000]),
            article.content_hash,
            datetime.now(UTC).isoformat(timespec="seconds"),
            _quotes_json(article.quotes),
            article.text,
        ),
    )
    # Ids are assigned here so the passages go in with one statement (AUTOINCREMENT never
    # reuses an id, and this runs inside the one writer's transaction).
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'passages'").fetchone()
    first = (int(row[0]) if row else 0) + 1
    ids = list(range(first, first + len(passages)))
    conn.executemany(
        "INSERT INTO passages (id, article_id, start, end, sentences, text) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                pid,
                article.id,
                p.start,
                p.end,
                json.dumps([[s.start, s.end] for s in p.sentences]),
                p.text,
            )
            for pid, p in zip(ids, passages, strict=True)
        ],
    )
    return ids


def origins(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    """The origin of each of these articles that has one."""
    sql = "SELECT id, origin FROM articles WHERE origin IS NOT NULL AND id IN ({marks})"
    return {str(article_id): str(origin) for article_id, origin in select_in(conn, sql, ids)}


def ids_by_origin(conn: sqlite3.Connection, wanted: Sequence[str]) -> dict[str, str]:
    """The article read from each of these origins, where exactly one was."""
    found: dict[str, list[str]] = {}
    sql = "SELECT origin, id FROM articles WHERE origin IN ({marks})"
    for origin, article_id in select_in(conn, sql, wanted):
        found.setdefault(str(origin), []).append(str(article_id))
    return {origin: ids[0] for origin, ids in found.items() if len(ids) == 1}


def article_ids(conn: sqlite3.Connection) -> list[str]:
    return [str(r[0]) for r in conn.execute("SELECT id FROM articles ORDER BY id")]


def article(conn: sqlite3.Connection, article_id: str) -> Article | None:
    row = conn.execute(
        "SELECT id, text, title, url, source, published, authors, metadata, origin, updated, "
        "quotes FROM articles WHERE id = ?",
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
        origin=row[8],
        updated=date.fromisoformat(row[9]) if row[9] else None,
        quotes=_quotes(row[10]),
    )


def _quotes_json(quotes: Sequence[Attribution]) -> str:
    return json.dumps([q.model_dump(exclude_defaults=True) for q in quotes])


def _quotes(raw: str) -> tuple[Attribution, ...]:
    """An article's attributed quotes."""
    if raw == "[]":
        return ()
    return tuple(Attribution.model_validate(q) for q in json.loads(raw))


def passages(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, PassageRow]:
    rows: dict[int, PassageRow] = {}
    # Each article's quotes are parsed once, however many of its passages are asked for.
    quoted: dict[str, tuple[Attribution, ...]] = {}
    sql = (
        "SELECT p.id, p.article_id, p.start, p.end, p.text, p.sentences, "
        "a.title, a.source, a.published, a.url, a.label, a.quotes "
        "FROM passages p JOIN articles a ON a.id = p.article_id WHERE p.id IN ({marks})"
    )
    for r in select_in(conn, sql, ids):
        if r[1] not in quoted:
            quoted[r[1]] = _quotes(r[11])
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
            label=r[10],
            quotes=tuple(q for q in quoted[r[1]] if q.start < r[3] and r[2] < q.end),
        )
    return rows


def owners(conn: sqlite3.Connection, passage_ids: Sequence[int]) -> dict[int, str]:
    sql = "SELECT id, article_id FROM passages WHERE id IN ({marks})"
    return {int(pid): str(article_id) for pid, article_id in select_in(conn, sql, passage_ids)}


def _like(value: str) -> str:
    """A LIKE pattern matching ``value`` anywhere, its % and _ taken literally."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _outlet_clause(filters: QueryFilters) -> tuple[str, list[Any]]:
    if not filters.outlets:
        return "1", []
    ors = " OR ".join("a.source LIKE ? ESCAPE '\\'" for _ in filters.outlets)
    return f"({ors})", [_like(o) for o in filters.outlets]


def _date_clause(filters: QueryFilters) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if filters.since:
        clauses.append("a.published >= ?")
        params.append(filters.since.isoformat())
    if filters.until:
        clauses.append("a.published <= ?")
        params.append(filters.until.isoformat())
    if filters.published_by:
        # Asked as of a date: what came later cannot answer; undated articles stay.
        clauses.append("(a.published IS NULL OR a.published <= ?)")
        params.append(filters.published_by.isoformat())
    return (" AND ".join(clauses) or "1"), params


def article_condition(filters: QueryFilters) -> tuple[str, list[Any]] | None:
    """A condition on articles (as ``a``) that the filters' passages meet; None: no filter."""
    if not filters.active:
        return None
    outlet, outlet_params = _outlet_clause(filters)
    dates, date_params = _date_clause(filters)
    return f"{outlet} AND {dates}", outlet_params + date_params


def allowed_ids(conn: sqlite3.Connection, filters: QueryFilters) -> list[int] | None:
    condition = article_condition(filters)
    if condition is None:
        return None
    sql = (
        "SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id "
        f"WHERE {condition[0]} ORDER BY p.id"
    )
    return [int(r[0]) for r in conn.execute(sql, condition[1])]


def filter_report(conn: sqlite3.Connection, filters: QueryFilters) -> FilterReport:
    outlet, outlet_params = _outlet_clause(filters)
    dates, date_params = _date_clause(filters)
    dated = "a.published IS NULL" if filters.since or filters.until else "0"
    total, outlets, kept, undated = conn.execute(
        f"SELECT count(*), coalesce(sum({outlet}), 0), "
        f"coalesce(sum(({outlet}) AND ({dates})), 0), coalesce(sum(({outlet}) AND {dated}), 0) "
        "FROM articles a",
        outlet_params + outlet_params + date_params + outlet_params,
    ).fetchone()
    common = conn.execute(
        "SELECT source, count(*) FROM articles WHERE source IS NOT NULL "
        "GROUP BY source COLLATE NOCASE ORDER BY count(*) DESC, source LIMIT 12"
    ).fetchall()
    return FilterReport(
        articles=int(total),
        outlet_matches=int(outlets),
        kept=int(kept),
        undated_excluded=int(undated),
        outlets=tuple((str(name), int(n)) for name, n in common),
    )


def ensure_story_tables(conn: sqlite3.Connection) -> None:
    """Adds the story tables to an index built before them (inside the writer's
    transaction: one statement at a time, since ``executescript`` would commit)."""
    for statement in STORY_SCHEMA:
        conn.execute(statement)


def _has_stories(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'story_sketches'"
    ).fetchone()
    return found is not None


def story_sketches(conn: sqlite3.Connection) -> dict[str, StorySketch]:
    if not _has_stories(conn):
        return {}
    return {
        str(r[0]): StorySketch(
            story=str(r[1]),
            published=date.fromisoformat(r[2]) if r[2] else None,
            chars=int(r[3]),
            sketch=bytes(r[4]),
        )
        for r in conn.execute(
            "SELECT article_id, story, published, chars, sketch FROM story_sketches"
        )
    }


def story_links(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    if not _has_stories(conn):
        return []
    return [(str(a), str(b)) for a, b in conn.execute("SELECT a, b FROM story_links")]


def save_stories(
    conn: sqlite3.Connection,
    sketches: Mapping[str, StorySketch],
    links: Iterable[tuple[str, str]],
) -> None:
    conn.executemany(
        "INSERT INTO story_sketches (article_id, story, published, chars, sketch) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
        "story = excluded.story, published = excluded.published, chars = excluded.chars, "
        "sketch = excluded.sketch",
        [
            (
                article_id,
                s.story,
                s.published.isoformat() if s.published else None,
                s.chars,
                s.sketch,
            )
            for article_id, s in sketches.items()
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO story_links (a, b) VALUES (?, ?)",
        [tuple(sorted(pair)) for pair in links],
    )


def stories(
    conn: sqlite3.Connection, article_ids: Sequence[str]
) -> dict[str, tuple[str, list[StoryMember]]]:
    """The story of each of these articles that has a sketch, with its first
    ``STORY_MEMBERS`` members (oldest first)."""
    if not _has_stories(conn):
        return {}
    sketches = "SELECT article_id, story FROM story_sketches WHERE article_id IN ({marks})"
    story_of = {str(a): str(story) for a, story in select_in(conn, sketches, article_ids)}
    members: dict[str, list[StoryMember]] = {}
    # One story's members are all in one batch, so the window orders each story.
    sql = (
        "SELECT story, id, title, source, published, url, label, chars FROM ("
        " SELECT s.story, a.id, a.title, a.source, a.published, a.url, a.label, s.chars,"
        "  ROW_NUMBER() OVER (PARTITION BY s.story"
        "   ORDER BY a.published IS NULL, a.published, a.id) AS n"
        " FROM story_sketches s JOIN articles a ON a.id = s.article_id"
        " WHERE s.story IN ({marks})"
        f") WHERE n <= {STORY_MEMBERS} ORDER BY story, n"
    )
    for r in select_in(conn, sql, story_of.values()):
        members.setdefault(str(r[0]), []).append(
            StoryMember(
                article_id=str(r[1]),
                title=r[2],
                source=r[3],
                published=date.fromisoformat(r[4]) if r[4] else None,
                url=r[5],
                label=str(r[6]),
                chars=int(r[7]),
            )
        )
    return {aid: (story, members.get(story, [])) for aid, story in story_of.items()}

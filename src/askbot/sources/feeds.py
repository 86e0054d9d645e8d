"""Feeds: RSS 0.9x/1.0/2.0 and Atom through feedparser, and JSON Feed.

feedparser copes with the variety of real feeds (namespaces, dates in a dozen formats,
``content:encoded``, Dublin Core); askbot only maps what it parsed to ``Entry``. The
document has already passed ``safexml`` (no entity declarations) when it gets here.
"""

from __future__ import annotations

import json
import time
from typing import Any

from askbot.errors import SourceError
from askbot.sources.entries import Entry

# A feed entry this long is the article itself (a full-text feed): no page to fetch.
FULL_TEXT_WORDS = 120
MAX_ENTRIES = 5_000


def _date(parsed: Any, raw: Any) -> str | None:
    if isinstance(parsed, time.struct_time):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    return raw if isinstance(raw, str) and raw.strip() else None


def _authors(item: Any) -> tuple[str, ...]:
    names = []
    for author in item.get("authors") or []:
        name = author.get("name") if isinstance(author, dict) else None
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    if not names and isinstance(item.get("author"), str) and item["author"].strip():
        names.append(item["author"].strip())
    return tuple(dict.fromkeys(names))


def _longest(*values: Any) -> str | None:
    from askbot.sources.htmltext import words

    texts = [v for v in values if isinstance(v, str) and v.strip()]
    return max(texts, key=words) if texts else None


def _full(text: str | None) -> str | None:
    from askbot.sources.htmltext import words

    return text if text and words(text) >= FULL_TEXT_WORDS else None


def parse_feed(body: bytes, content_type: str, where: str) -> tuple[str | None, list[Entry]]:
    """The feed's title and entries (RSS or Atom)."""
    import feedparser

    parsed = feedparser.parse(
        body, response_headers={"content-type": content_type or "application/xml"}
    )
    if not parsed.entries and parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        raise SourceError(f"{where}: not a readable feed ({problem})")
    outlet = parsed.feed.get("title") or None
    entries = []
    for item in parsed.entries[:MAX_ENTRIES]:
        link = item.get("link") or (
            item.get("id") if str(item.get("id", "")).startswith("http") else None
        )
        if not link:
            continue
        contents = [c.get("value") for c in item.get("content") or [] if isinstance(c, dict)]
        summary = item.get("summary")
        entries.append(
            Entry(
                url=link,
                guid=item.get("id") or None,
                title=item.get("title") or None,
                summary=summary if isinstance(summary, str) else None,
                content=_full(_longest(*contents, summary)),
                published=_date(item.get("published_parsed"), item.get("published")),
                # dict.get: feedparser's own get() falls back to the published date.
                updated=_date(dict.get(item, "updated_parsed"), dict.get(item, "updated")),
                authors=_authors(item),
                outlet=outlet,
            )
        )
    return outlet, entries


def is_json_feed(data: Any) -> bool:
    version = data.get("version") if isinstance(data, dict) else None
    return isinstance(version, str) and version.startswith("https://jsonfeed.org/version/")


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def parse_json_feed(body: bytes, where: str) -> tuple[str | None, list[Entry]]:
    """A JSON Feed (https://jsonfeed.org) and its items."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise SourceError(f"{where}: malformed JSON ({exc})") from None
    if not is_json_feed(data):
        raise SourceError(f"{where}: JSON, but not a JSON Feed (no jsonfeed.org version)")
    outlet = _text(data.get("title"))
    items = data.get("items")
    entries = []
    for item in items[:MAX_ENTRIES] if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        url = _text(item.get("url")) or _text(item.get("external_url"))
        if not url:
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        names = tuple(
            a["name"].strip()
            for a in authors
            if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip()
        )
        entries.append(
            Entry(
                url=url,
                guid=_text(item.get("id")),
                title=_text(item.get("title")),
                summary=_text(item.get("summary")),
                content=_full(_longest(item.get("content_html"), item.get("content_text"))),
                published=_text(item.get("date_published")),
                updated=_text(item.get("date_modified")),
                authors=names,
                outlet=outlet,
            )
        )
    return outlet, entries

"""Articles from JSON objects (and front matter): canonical fields, aliases, the rest kept.

Each field is checked for its shape before it is used, so a record whose headline is a
list or whose authors are numbers is refused with the field named, never turned into a
Python repr that would then be shown in citations. When a field appears under its
canonical name and an alias, the canonical name wins, wherever it comes in the record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from askbot.dates import date_from_url, date_problem
from askbot.models import Article, Notice

CANONICAL = ("id", "title", "text", "url", "source", "published", "updated", "authors")
# Common names for the same field in scraped news data.
ALIASES = {
    "headline": "title",
    "outlet": "source",
    "publisher": "source",
    "site_name": "source",
    "sitename": "source",
    "date": "published",
    "published_at": "published",
    "datePublished": "published",
    "modified": "updated",
    "dateModified": "updated",
    "updated_at": "updated",
    "link": "url",
    "body": "text",
    "content": "text",
    "author": "authors",
}
# The longest value each field may hold: a headline of 100,000 characters is not one.
LIMITS = {"id": 512, "title": 1_000, "source": 300, "url": 4_096, "author": 300}
MAX_AUTHORS = 100
MAX_METADATA_CHARS = 100_000
MAX_DEPTH = 32


class RecordError(ValueError):
    """A record that cannot be an article; the message names the field and the fix."""


def derived_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "true/false"}.get(type(value), "a number")


def _string(value: Any, field: str, *, numbers: bool = True) -> str | None:
    """A field that must be text (a number is accepted as its text where it makes sense)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
    elif numbers and isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
    else:
        raise RecordError(f"field {field!r} must be text, not {_kind(value)}")
    limit = LIMITS.get(field)
    if limit and len(text) > limit:
        raise RecordError(f"field {field!r} is {len(text):,} characters, at most {limit:,}")
    return text or None


def _text(value: Any) -> str:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        value = "\n\n".join(v.strip() for v in value)  # paragraphs, as some scrapers keep them
    if not isinstance(value, str) or not value.strip():
        raise RecordError('article has no text (a non-empty "text" field is required)')
    return value


def _authors(value: Any) -> tuple[str, ...]:
    """Names: one string, or a list of strings or of objects with a "name" (JSON-LD)."""
    if value is None or value == "":
        return ()
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            item = item["name"]
        if not isinstance(item, str):
            raise RecordError("field 'authors' must be names (text), not " + _kind(item))
        name = _string(item, "author")
        if name:
            names.append(name)
    if len(names) > MAX_AUTHORS:
        raise RecordError(f"field 'authors' lists {len(names):,} names, at most {MAX_AUTHORS}")
    return tuple(dict.fromkeys(names))


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply ``value`` nests, counting no further than ``limit``."""
    if limit <= 0 or not isinstance(value, dict | list):
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(child, limit - 1) for child in children), default=0)


def _metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    for key, value in metadata.items():
        if _depth(value) >= MAX_DEPTH:
            raise RecordError(f"field {key!r} nests deeper than {MAX_DEPTH} levels")
    size = len(json.dumps(metadata, ensure_ascii=False, default=str))
    if size > MAX_METADATA_CHARS:
        raise RecordError(
            f"the fields askbot keeps as metadata take {size:,} characters, "
            f"at most {MAX_METADATA_CHARS:,}"
        )
    return metadata


def _date(
    value: Any, field: str, metadata: dict[str, Any], where: str, notices: list[Notice] | None
) -> date | None:
    """A date field read strictly; otherwise None, the raw value kept, and a notice why."""
    if value in (None, ""):
        return None
    parsed, problem = date_problem(value)
    if parsed is None:
        metadata[f"{field}_raw"] = value
        if notices is not None:
            shown = value if isinstance(value, str | int | float) else _kind(value)
            notices.append(
                Notice(location=where, message=f"date {shown!r} {problem}, left undated")
            )
    return parsed


def article_from_record(
    record: Mapping[str, Any], where: str, notices: list[Notice] | None = None
) -> Article:
    """An Article from a JSON object; RecordError (a ValueError) says why not."""
    fields: dict[str, Any] = {k: record[k] for k in CANONICAL if k in record}
    metadata: dict[str, Any] = {}
    for key, value in record.items():
        name = ALIASES.get(key)
        if key in CANONICAL:
            continue
        if name is not None and name not in fields:
            fields[name] = value
        else:
            metadata[str(key)] = value
    text = _text(fields.get("text"))
    url = _string(fields.get("url"), "url", numbers=False)
    parsed = _date(fields.get("published"), "published", metadata, where, notices)
    changed = _date(fields.get("updated"), "updated", metadata, where, notices)
    article_id = _string(fields.get("id"), "id")
    return Article(
        id=article_id or derived_id(text),
        text=text,
        title=_string(fields.get("title"), "title"),
        url=url,
        source=_string(fields.get("source"), "source"),
        published=parsed or date_from_url(url),
        updated=changed,
        authors=_authors(fields.get("authors")),
        metadata=_metadata(metadata),
    )

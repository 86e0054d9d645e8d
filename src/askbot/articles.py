"""Reading articles from files: JSON Lines, JSON, plain text, Markdown and HTML.

Every input either becomes an ``Article`` or a ``Skipped`` naming ``file:line`` and the
reason, so one bad line never costs the rest of a folder.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from askbot.boilerplate import strip_boilerplate
from askbot.jsonlines import json_lines
from askbot.models import Article, Skipped

SUFFIXES = (".jsonl", ".json", ".txt", ".md", ".html", ".htm")

# Common names for the same field in scraped news data; the canonical name wins.
_ALIASES = {
    "headline": "title",
    "outlet": "source",
    "publisher": "source",
    "site_name": "source",
    "sitename": "source",
    "date": "published",
    "published_at": "published",
    "link": "url",
    "body": "text",
    "content": "text",
    "author": "authors",
}
_KNOWN = {"id", "title", "text", "url", "source", "published", "authors"}
_HEADLINE_MAX_CHARS = 160
_HEADLINE_MAX_WORDS = 28

Result = Article | Skipped


def derived_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def parse_date(value: Any) -> date | None:
    """A publication date from ISO text, a timestamp string, or a looser human form."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    import dateparser  # imported late: it compiles many patterns at import

    parsed = dateparser.parse(text, settings={"STRICT_PARSING": False})
    return parsed.date() if parsed else None


def article_from_record(record: dict[str, Any]) -> Article:
    """An Article from a JSON object: canonical fields, aliases, the rest as metadata.

    Raises ValueError with a reason a person can act on.
    """
    fields: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    for key, value in record.items():
        name = _ALIASES.get(key, key)
        if name in _KNOWN and name not in fields:
            fields[name] = value
        else:
            metadata[key] = value
    text = fields.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError('article has no text (a non-empty "text" field is required)')
    authors = fields.get("authors") or ()
    if isinstance(authors, str):
        authors = (authors,)
    published = fields.get("published")
    parsed = parse_date(published)
    if published and parsed is None:
        metadata["published_raw"] = published
    article_id = fields.get("id")
    try:
        return Article(
            id=str(article_id) if article_id not in (None, "") else derived_id(text),
            text=text,
            title=_clean_optional(fields.get("title")),
            url=_clean_optional(fields.get("url")),
            source=_clean_optional(fields.get("source")),
            published=parsed,
            authors=tuple(str(a) for a in authors),
            metadata=metadata,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(f"field {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc


def _clean_optional(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _looks_like_headline(line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) <= _HEADLINE_MAX_CHARS
        and len(line.split()) <= _HEADLINE_MAX_WORDS
        and not line.endswith((".", ":", ";", ","))
    )


def article_from_text(path: Path, raw: str) -> Article:
    """A .txt/.md file: id from the file name, headline from the first line if it is one."""
    lines = [line.rstrip() for line in raw.splitlines()]
    lines = strip_boilerplate(lines)
    while lines and not lines[0].strip():
        lines.pop(0)
    title = None
    if len(lines) > 1 and lines[0].lstrip().startswith("# ") and path.suffix == ".md":
        title = lines.pop(0).lstrip().removeprefix("# ").strip()
    elif len(lines) > 1 and _looks_like_headline(lines[0]):
        title = lines.pop(0).strip()
    text = "\n".join(lines).strip()
    if not text:
        raise ValueError("no article text after the headline and boilerplate")
    return Article(id=path.stem, title=title, text=text)


def article_from_html(path: Path, raw: str) -> Article:
    """An HTML page: main text and metadata extracted with trafilatura."""
    import trafilatura  # imported late: heavy, and only HTML needs it

    extracted = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    if extracted is None:
        raise ValueError("no article text found in the HTML page")
    data = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = data.get("text") or ""
    if not text.strip():
        raise ValueError("no article text found in the HTML page")
    author = data.get("author")
    return article_from_record(
        {
            "id": path.stem,
            "text": text,
            "title": data.get("title"),
            "url": data.get("url"),
            "source": data.get("sitename") or data.get("hostname"),
            "published": data.get("date"),
            "authors": [a.strip() for a in author.split(";")] if author else [],
        }
    )


def _human(size: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def _read_text(path: Path, max_bytes: int) -> str:
    """The file's text, or ValueError naming why it cannot be an article."""
    size = path.stat().st_size
    if size == 0:
        raise ValueError("empty file")
    if size > max_bytes:
        raise ValueError(
            f"file is {_human(size)}, over the {_human(max_bytes)} limit "
            "(raise ASKBOT_MAX_FILE_MB to allow it)"
        )
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise ValueError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8"
        ) from exc


def _read_jsonl(path: Path, raw: str) -> Iterator[Result]:
    for item in json_lines(path, raw):
        yield item if isinstance(item, Skipped) else _record_result(item.value, item.location)


def _read_json(path: Path, raw: str) -> Iterator[Result]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        yield Skipped(location=f"{path}:{exc.lineno}", reason=f"malformed JSON ({exc.msg})")
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        where = f"{path}[{number}]" if isinstance(data, list) else str(path)
        yield _record_result(record, where)


def _record_result(record: Any, where: str) -> Result:
    if not isinstance(record, dict):
        return Skipped(location=where, reason="expected a JSON object for an article")
    try:
        return article_from_record(record)
    except ValueError as exc:
        return Skipped(location=where, reason=str(exc))


def read_file(path: Path, max_bytes: int) -> Iterator[Result]:
    """Articles (or skips) from one file, by its suffix."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield Skipped(
            location=str(path),
            reason=f"unsupported file type; askbot reads {', '.join(SUFFIXES)}",
        )
        return
    try:
        raw = _read_text(path, max_bytes)
    except (ValueError, OSError) as exc:
        yield Skipped(location=str(path), reason=str(exc))
        return
    if suffix == ".jsonl":
        yield from _read_jsonl(path, raw)
    elif suffix == ".json":
        yield from _read_json(path, raw)
    else:
        reader = article_from_html if suffix in (".html", ".htm") else article_from_text
        try:
            yield reader(path, raw)
        except ValueError as exc:
            yield Skipped(location=str(path), reason=str(exc))


def iter_files(paths: Iterable[Path]) -> Iterator[Path | Skipped]:
    """Files named, and files with a known suffix inside folders named (recursively)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUFFIXES:
                    yield child
        elif path.is_file():
            yield path
        else:
            yield Skipped(location=str(path), reason="no such file or folder")


def read_articles(paths: Iterable[Path], max_bytes: int) -> Iterator[Result]:
    """Every article (or skip) under ``paths``; a repeated id is skipped, not overwritten."""
    seen: dict[str, str] = {}
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            yield item
            continue
        for result in read_file(item, max_bytes):
            if isinstance(result, Article):
                if result.id in seen:
                    yield Skipped(
                        location=str(item),
                        reason=f"duplicate article id {result.id!r} (first in {seen[result.id]})",
                    )
                    continue
                seen[result.id] = str(item)
            yield result

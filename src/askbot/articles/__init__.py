"""Reading articles from files: JSON Lines, JSON, plain text, Markdown and HTML.

Every input becomes an article, or a ``Skipped`` naming ``file:line`` and the reason, so
one bad record never costs the rest of a run; ``Notice`` reports what was read but not as
given (a date not understood).

**Identity.** A record that carries an ``id`` keeps it. A file read as one article
(.txt, .md, .html) is named by its path under the folder given on the command line,
without its suffix (``askbot ingest saved/`` names ``saved/a/index.html`` ``a/index``), or
by its name when the file itself was given. Each article remembers the file it came from
(``origin``), so ingesting the same file again, however it is named on the command line,
updates the same article; a name already taken by another file is reported, never
overwritten. A record without an ``id`` is named by a hash of its text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from askbot.articles.files import SUFFIXES, iter_files, iter_lines, read_text, suffix
from askbot.articles.html import article_from_html
from askbot.articles.records import RecordError, article_from_record, derived_id
from askbot.articles.text import article_from_text
from askbot.jsonlines import json_lines
from askbot.models import Article, Notice, Skipped


@dataclass(frozen=True)
class Read:
    """An article as read, with where it was read and whether its id is askbot's choice."""

    article: Article
    location: str
    named_by_path: bool = False


Result = Read | Skipped | Notice


def file_id(path: Path, root: Path) -> str:
    relative = path.relative_to(root) if path != root and path.is_relative_to(root) else path
    return relative.with_suffix("").as_posix() if relative != path else path.stem


def _record(record: Any, where: str, origin: str) -> list[Result]:
    if not isinstance(record, dict):
        return [Skipped(location=where, reason="expected a JSON object for an article")]
    notices: list[Notice] = []
    try:
        article = article_from_record(record, where, notices)
    except (RecordError, ValueError) as exc:
        return [Skipped(location=where, reason=str(exc).splitlines()[0])]
    return [*notices, Read(article.model_copy(update={"origin": origin}), where)]


def _read_json(path: Path, raw: str, origin: str) -> Iterator[Result]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        yield Skipped(location=f"{path}:{exc.lineno}", reason=f"malformed JSON ({exc.msg})")
        return
    except RecursionError:
        yield Skipped(location=str(path), reason="JSON nested too deeply to be an article")
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        where = f"{path}[{number}]" if isinstance(data, list) else str(path)
        yield from _record(record, where, origin)


def read_file(path: Path, root: Path, max_bytes: int) -> Iterator[Result]:
    """Articles (or skips) from one file, by its suffix."""
    kind = suffix(path)
    if kind not in SUFFIXES:
        yield Skipped(
            location=str(path),
            reason=f"unsupported file type; askbot reads {', '.join(SUFFIXES)}",
        )
        return
    origin = str(path.resolve())
    if kind in (".jsonl", ".jsonl.gz"):
        for item in json_lines(path, iter_lines(path, max_bytes)):
            if isinstance(item, Skipped):
                yield item
            else:
                yield from _record(item.value, item.location, origin)
        return
    try:
        raw = read_text(path, max_bytes)
    except (ValueError, OSError) as exc:
        yield Skipped(location=str(path), reason=str(exc))
        return
    if kind == ".json":
        yield from _read_json(path, raw, origin)
        return
    named = file_id(path, root)
    notices: list[Notice] = []
    try:
        if kind in (".html", ".htm"):
            article = article_from_html(raw, named, str(path), notices)
        else:
            article = article_from_text(path, raw, named, notices)
    except (RecordError, ValueError) as exc:
        yield Skipped(location=str(path), reason=str(exc).splitlines()[0])
        return
    yield from notices
    yield Read(article.model_copy(update={"origin": origin}), str(path), article.id == named)


def read_articles(paths: Iterable[Path], max_bytes: int) -> Iterator[Result]:
    """Every article (or skip, or notice) under ``paths``; a repeated id is skipped.

    Names askbot gives files are settled against the index when they are written
    (``askbot.ingest``), so only ids the data itself gives are checked here.
    """
    seen: dict[str, str] = {}
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            yield item
            continue
        path, root = item
        for result in read_file(path, root, max_bytes):
            if isinstance(result, Read) and not result.named_by_path:
                article_id = result.article.id
                if article_id in seen:
                    yield Skipped(
                        location=result.location,
                        reason=f"duplicate article id {article_id!r} (first in {seen[article_id]})",
                    )
                    continue
                seen[article_id] = result.location
            yield result


__all__ = [
    "SUFFIXES",
    "Read",
    "RecordError",
    "Result",
    "article_from_html",
    "article_from_record",
    "article_from_text",
    "derived_id",
    "file_id",
    "read_articles",
    "read_file",
]

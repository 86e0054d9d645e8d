"""OPML: the file feed readers export and import subscription lists as."""

from __future__ import annotations

from pathlib import Path

from askbot.errors import InputError, SourceError
from askbot.sources.safexml import local, parse_xml

MAX_OPML_BYTES = 10_000_000


def read_opml(path: Path) -> list[tuple[str | None, str]]:
    """(title, feed URL) of every ``outline`` with an ``xmlUrl``, nested folders included."""
    try:
        size = path.stat().st_size
        if size > MAX_OPML_BYTES:
            raise InputError(f"{path}: {size:,} bytes is too large for an OPML file")
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})", "check the path") from None
    try:
        root = parse_xml(body, str(path))
    except SourceError as exc:
        raise InputError(exc.problem, "give an OPML file exported by a feed reader") from None
    if local(root.tag) != "opml":
        raise InputError(f"{path}: not an OPML file (its root is <{local(root.tag)}>)")
    feeds = []
    for outline in root.iter():
        if local(outline.tag) == "outline" and outline.get("xmlUrl"):
            title = outline.get("title") or outline.get("text")
            feeds.append((title.strip() if title else None, outline.get("xmlUrl", "").strip()))
    return feeds

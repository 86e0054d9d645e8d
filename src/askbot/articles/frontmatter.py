"""YAML front matter: metadata at the top of a .txt or .md file, between ``---`` lines.

    ---
    title: Russia's top diplomat says Moscow doesn't 'want wars'
    source: Business Insider
    published: 2022-01-28
    url: https://www.businessinsider.com/...
    authors: [Jane Doe]
    ---
    The article text ...

It is metadata, never quoted text. YAML anchors and aliases are refused: a few lines of
them can stand for billions of values.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

from askbot.articles.records import RecordError

_BLOCK = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
MAX_CHARS = 20_000


def split_front_matter(raw: str) -> tuple[dict[str, Any], str]:
    """(front matter, the rest of the file); an empty mapping when there is none."""
    match = _BLOCK.match(raw)
    if match is None:
        return {}, raw
    block = match.group(1)
    if len(block) > MAX_CHARS:
        raise RecordError(f"front matter is {len(block):,} characters, at most {MAX_CHARS:,}")
    try:
        if any(isinstance(t, yaml.AliasToken | yaml.AnchorToken) for t in yaml.scan(block)):
            raise RecordError("front matter uses YAML anchors or aliases; write values out")
        data = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 2})" if mark is not None else ""
        raise RecordError(f"front matter is not valid YAML{line}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RecordError("front matter must be 'key: value' lines")
    return {str(k): _json(v) for k, v in data.items()}, raw[match.end() :]


def _json(value: Any) -> Any:
    """YAML's values as JSON's: dates as ISO text, keys as text, anything else as text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)

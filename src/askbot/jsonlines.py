"""JSON Lines, as askbot reads them everywhere: blank lines pass, bad lines are located."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from askbot.models import Skipped


class JsonLine(NamedTuple):
    """One parsed line: ``file:line``, the line number, and the decoded value."""

    location: str
    number: int
    value: Any


def json_lines(path: Path, raw: str) -> Iterator[JsonLine | Skipped]:
    """Every non-blank line, decoded; a malformed one as a ``Skipped``."""
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield JsonLine(where, number, json.loads(line))
        except json.JSONDecodeError as exc:
            yield Skipped(location=where, reason=f"malformed JSON ({exc.msg})")

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
    """Every non-blank line, decoded; a malformed one as a ``Skipped``.

    Lines end at a newline only: JSON strings may hold U+2028 and other characters that
    ``str.splitlines`` would also break at.
    """
    for number, line in enumerate(raw.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield JsonLine(where, number, json.loads(line))
        except json.JSONDecodeError as exc:
            yield Skipped(location=where, reason=f"malformed JSON ({exc.msg})")
        except RecursionError:
            yield Skipped(location=where, reason="JSON nested too deeply")

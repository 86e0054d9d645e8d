"""JSON Lines, as askbot reads them everywhere: blank lines pass, bad lines are located."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from askbot.models import Skipped


class JsonLine(NamedTuple):
    """One parsed line: ``file:line``, the line number, and the decoded value."""

    location: str
    number: int
    value: Any


def json_lines(
    path: Path, raw: str | Iterable[tuple[int, str] | Skipped]
) -> Iterator[JsonLine | Skipped]:
    """Every non-blank line, decoded; a malformed one as a ``Skipped``. ``raw`` is the
    file's text, or its (number, line) pairs as a stream.

    Lines end at a newline only: JSON strings may hold U+2028 and other characters that
    ``str.splitlines`` would also break at.
    """
    lines = enumerate(raw.split("\n"), start=1) if isinstance(raw, str) else raw
    for item in lines:
        if isinstance(item, Skipped):
            yield item
            continue
        number, line = item
        line = line.removesuffix("\n").removesuffix("\r")
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield JsonLine(where, number, json.loads(line))
        except json.JSONDecodeError as exc:
            yield Skipped(location=where, reason=f"malformed JSON ({exc.msg})")
        except RecursionError:
            yield Skipped(location=where, reason="JSON nested too deeply")

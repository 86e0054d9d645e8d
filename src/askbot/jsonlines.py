"""JSON Lines, as askbot reads them everywhere: blank lines pass, bad lines are located."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from askbot.models import Skipped


def json_lines(path: Path, raw: str) -> Iterator[tuple[str, Any] | Skipped]:
    """``(file:line, value)`` for every non-blank line; a malformed one as a ``Skipped``."""
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(location=where, reason=f"malformed JSON ({exc.msg})")

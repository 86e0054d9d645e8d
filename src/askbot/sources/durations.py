"""Schedules written as people write them: ``90s``, ``15m``, ``1h30m``, ``1d``."""

from __future__ import annotations

import re

from askbot.errors import InputError

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
MIN_SECONDS = 1
MAX_SECONDS = 30 * 86_400


def parse_every(text: str) -> int:
    """Seconds in ``text``; InputError for anything else."""
    compact = text.strip().lower().replace(" ", "")
    if compact.isdigit():
        compact += "m"  # a bare number is minutes, as in "every 15"
    parts = _PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise InputError(f"--every {text!r} is not a duration", "write e.g. 90s, 15m, 2h or 1d")
    seconds = int(sum(float(n) * UNITS[u] for n, u in parts))
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise InputError(f"--every {text!r} must be between 1s and 30d")
    return seconds


def show_every(seconds: int) -> str:
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"

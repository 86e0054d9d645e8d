"""Publication dates read from input (to be made strict by the news work on dates)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


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

    try:
        parsed = dateparser.parse(text, settings={"STRICT_PARSING": False})
    except (ValueError, OverflowError, RecursionError):
        return None
    return parsed.date() if parsed else None

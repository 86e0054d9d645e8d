"""Lines that are page furniture, not journalism: newsletter sign-ups, consent lines,
share prompts. They are dropped from plain-text articles so they are never quoted.

Only short lines are candidates, so a real paragraph that happens to mention a newsletter
survives.
"""

from __future__ import annotations

import re

_MAX_LEN = 200

_PATTERNS = [
    r"sign[ -]?up (to|for) (receive |get )?(our|the)\b.*",
    r"subscribe (to|for|now|today)\b.*",
    r"(get|receive) (our|the) (latest )?(news|newsletter|headlines)\b.*",
    r"by (submitting|signing up|clicking|subscribing|continuing)\b.*"
    r"(agree|consent|terms|privacy)\b.*",
    r"i (agree|consent) to\b.*(terms|privacy|conditions)\b.*",
    r"(accept|manage) (all )?cookies\b.*",
    r"(share|follow us) (this|on)\b.*(facebook|twitter|x|linkedin|whatsapp|email)\b.*",
    r"advertisement|sponsored content|skip advertisement",
    r"click here to (subscribe|sign up|read more)\b.*",
    r"(read|see) (more|also):?",
]
_BOILERPLATE = re.compile(r"^\W*(?:" + "|".join(_PATTERNS) + r")\W*$", re.IGNORECASE)


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and len(stripped) <= _MAX_LEN and bool(_BOILERPLATE.match(stripped))


def strip_boilerplate(lines: list[str]) -> list[str]:
    return [line for line in lines if not is_boilerplate(line)]

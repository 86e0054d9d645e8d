"""Slack's mrkdwn text, both ways: escaping what we post, and reading what people type.

Slack gives ``&``, ``<`` and ``>`` their own meaning: ``<!channel>`` pings a channel,
``<@U123>`` a person, ``<https://…|label>`` is a link. Anything taken from an article or a
user goes out through ``escape`` so that it can never do any of those things.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# <@U123>, <@U123|name>, <#C123|general>, <!here>, <!subteam^S1|@team>, <https://x|label>
_ANGLE = re.compile(r"<([^<>]*)>")
_SPACE = re.compile(r"\s+")
# Longer addresses are shown unlinked: they would crowd out the quotes under Slack's limits.
URL_LIMIT = 1000


def escape(text: str) -> str:
    """Text as mrkdwn that shows literally: no pings, no links, no forged markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_within(text: str, limit: int, *, quoted: bool = False) -> str:
    """``escape(text)`` cut to at most ``limit`` characters, never inside an entity.

    With ``quoted`` every line is a block quote (``>`` prefixed); the prefixes count too.
    A cut is marked with an ellipsis.
    """
    prefix = "> " if quoted else ""
    out: list[str] = [prefix]
    size = len(prefix)
    for char in text:
        piece = f"\n{prefix}" if char == "\n" else _ENTITY.get(char, char)
        # Keep one character free for the ellipsis.
        if size + len(piece) > limit - 1:
            out.append("…")
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)


def safe_url(url: str | None) -> str | None:
    """A web link that cannot break out of ``<url|label>``, or None if it is not one."""
    if not url:
        return None
    url = url.strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    # `|` ends the address, `>` ends the link and spaces end it in some clients: encode them
    # (and anything else outside printable ASCII) the way a browser would.
    encoded = quote(url, safe="/:?#[]@!$&'()*+,;=%~-._").replace("&", "&amp;")
    return encoded if len(encoded) <= URL_LIMIT else None


def link(url: str | None, label: str, limit: int = 3000) -> str:
    """``<url|label>`` when the url is safe to link, else the escaped label alone.

    The escaped label is cut to ``limit`` characters.
    """
    target = safe_url(url)
    label = escape_within(label, limit)
    return f"<{target}|{label}>" if target else label


def _plain(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith(("@", "#")):
        return f"{target[0]}{label}" if label else target
    if target.startswith("!"):
        # <!here>, <!channel>, <!subteam^S1|@team>: keep the words, lose the ping.
        return label or f"@{target[1:].split('^')[0]}"
    return label or target


def question_text(text: str, bot_user_id: str | None = None) -> str:
    """What a person typed, as a plain question: the bot's mention removed, other mentions
    and links turned into their words, Slack's entities decoded, whitespace collapsed.
    """
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(\|[^>]*)?>", " ", text)
    text = _ANGLE.sub(_plain, text)
    # &amp; last, so that a typed "&amp;lt;" stays "&lt;" and is not decoded twice.
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _SPACE.sub(" ", text).strip()

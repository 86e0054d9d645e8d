"""Links people share in chat, added to the index when they may add them.

``@askbot add <url>`` (and Slack's "Add to askbot" message shortcut) reach ``LinkAdder``,
which checks who asks against ``ASKBOT_SLACK_ADD_ALLOWED`` (everyone, nobody, or a list
of user ids), fetches the page with the same safe fetcher as ``sync`` (so a shared link
to an internal address is refused) and answers with one line: what was added, or why not.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Protocol

from askbot.errors import AskbotError

if TYPE_CHECKING:
    from askbot.service import AskBot
    from askbot.sources.fetch import Fetcher
    from askbot.sources.settings import FetchSettings

# "add <https://x/y|x/y>" as Slack sends it, or a bare "add https://x/y".
_ADD = re.compile(r"^\s*add\s+<?(https?://[^\s|>]+)(?:\|[^>]*)?>?\s*$", re.IGNORECASE)
_LINK = re.compile(r"<(https?://[^\s|>]+)(?:\|[^>]*)?>|(https?://[^\s<>]+)")
_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def add_request(text: str) -> str | None:
    """The URL of an ``add <url>`` message (mentions removed), else None."""
    found = _ADD.match(_MENTION.sub(" ", text))
    return found.group(1).replace("&amp;", "&") if found else None


def first_link(text: str) -> str | None:
    """The first http(s) link in a message (what the message shortcut adds)."""
    found = _LINK.search(text)
    return (found.group(1) or found.group(2)).replace("&amp;", "&") if found else None


class Adder(Protocol):
    def allows(self, user: str) -> bool: ...

    def add(self, url: str) -> str: ...


def allowed_users(setting: str) -> frozenset[str] | None:
    """None for everyone, the empty set for nobody, else the user ids listed."""
    value = setting.strip()
    if value.lower() in ("everyone", "all", "*"):
        return None
    if value.lower() in ("", "nobody", "none", "off"):
        return frozenset()
    return frozenset(u.strip() for u in value.split(",") if u.strip())


class LinkAdder:
    """Adds shared links to ``bot``'s index, one at a time."""

    def __init__(self, bot: AskBot, settings: FetchSettings, allowed: str) -> None:
        self.bot = bot
        self.settings = settings
        self.users = allowed_users(allowed)
        self._fetcher: Fetcher | None = None
        self._lock = threading.Lock()  # one writer at a time, like every askbot ingest

    def allows(self, user: str) -> bool:
        return self.users is None or user in self.users

    def add(self, url: str) -> str:
        from askbot.sources.adding import add_page
        from askbot.sources.fetch import Fetcher

        with self._lock:
            if self._fetcher is None:
                self._fetcher = Fetcher(self.settings)
            try:
                added = add_page(self.bot, self._fetcher, url)
            except AskbotError as error:
                return f"Could not add {url}: {error}"
        article = added.article
        facts = ", ".join(x for x in (article.source, str(article.published or "")) if x)
        title = article.title or "an untitled article"
        return f"{added.state.capitalize()}: {title}" + (f" ({facts})" if facts else "")

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

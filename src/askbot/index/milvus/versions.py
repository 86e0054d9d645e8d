"""Versioned articles: how many writers share an index and a reader sees whole versions.

Milvus has no multi-row transactions, so an article's change is made visible by writing
one row. Every version of an article is a row of ``NAME_articles`` keyed
``ID@VERSION``, with ``committed`` (when it became current; 0 while its writer is still
writing) and ``retired`` (when a newer version or a removal replaced it). Passages carry
their article's id and version and are never changed, only added and, later, deleted.

A writer inserts the new version's passages and texts and a pending article row, then at
commit flips the row to ``committed = C`` (one upsert: the atomic step), retires the
older committed versions with ``retired = C`` and records the commit.

A reader takes a snapshot at time ``T`` and sees, of each article, the version with the
highest ``committed`` such that ``0 < committed <= T < retired``; a passage counts only
if its version is the one its article shows. A snapshot caches each article's version
the first time it reads it, so one question never mixes two versions of an article even
if a commit lands meanwhile. Retired versions stay ``GRACE_NS`` before they are deleted,
so a question that started before a commit still finds its passages; pending rows of a
writer that died are deleted after ``ABANDONED_NS``.

Writers of different articles never wait for each other (no lock); two writers of the
same article both commit and the later commit wins (the earlier version is retired).
Times are nanoseconds of the writers' and readers' clocks (keep them NTP-synchronised).
"""

from __future__ import annotations

import os
import threading
import time

from askbot.index.milvus.schema import NEVER

GRACE_NS = 300 * 10**9
ABANDONED_NS = 3600 * 10**9

_last = 0
_lock = threading.Lock()


def now() -> int:
    """A clock reading in nanoseconds, strictly increasing within this process."""
    global _last
    with _lock:
        _last = max(time.time_ns(), _last + 1)
        return _last


def new_version() -> int:
    """A version number unique across processes: the time, with the pid in the low bits."""
    return (now() // 1000) * 1000 + os.getpid() % 1000


def visible_at(t: int) -> str:
    """Article rows a snapshot at ``t`` may show (the highest ``committed`` wins)."""
    return f"committed > 0 and committed <= {t} and retired > {t}"


def invisible_at(t: int) -> str:
    return f"committed == 0 or committed > {t} or retired <= {t}"


def live() -> str:
    return f"committed > 0 and retired == {NEVER}"


def key(article_id: str, version: int) -> str:
    return f"{article_id}@{version}"

"""👍 / 👎 on answers: what a vote carries, and the JSON Lines log a vote appends to.

A vote's payload (a Slack button's ``value``, say) carries the question and the cited
excerpt ids, so a click can be logged without the bot remembering anything about the
message. Each log line stands alone; ``askbot eval`` reads ``question``, ``vote`` and
``article_ids``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from askbot.models import Excerpt, Record

# A question is cut to this many characters before excerpts are dropped from a payload.
MIN_QUESTION = 200

Vote = Literal["up", "down"]


class ExcerptRef(Record):
    """Where a cited excerpt stands in its article."""

    article_id: str
    start: int
    end: int


class Cited(Record):
    """What a feedback button carries: the question and what the answer cited."""

    question: str
    excerpts: tuple[ExcerptRef, ...] = ()


class FeedbackEntry(Record):
    """One line of the feedback log."""

    time: datetime
    vote: Vote
    user: str
    channel: str | None
    ts: str | None
    question: str
    excerpts: tuple[ExcerptRef, ...]
    article_ids: tuple[str, ...]


def _encode(cited: Cited) -> str:
    compact = {"q": cited.question, "e": [[e.article_id, e.start, e.end] for e in cited.excerpts]}
    return json.dumps(compact, ensure_ascii=False, separators=(",", ":"))


def payload(question: str, excerpts: Sequence[Excerpt], limit: int) -> str:
    """The question and excerpt ids as compact JSON of at most ``limit`` characters.

    A long question is cut first (down to MIN_QUESTION characters), then the last
    excerpts are dropped, then the question is cut further.
    """
    refs = [ExcerptRef(article_id=e.article_id, start=e.start, end=e.end) for e in excerpts]
    cited = Cited(question=question, excerpts=tuple(refs))
    value = _encode(cited)
    while len(value) > limit:
        overflow = len(value) - limit
        # Non-ASCII characters may take more room in the value than one character.
        floor = MIN_QUESTION if cited.excerpts else 0
        if len(cited.question) > floor:
            keep = max(floor, len(cited.question) - overflow - 1)
            cited = cited.model_copy(update={"question": cited.question[:keep]})
        elif cited.excerpts:
            cited = cited.model_copy(update={"excerpts": cited.excerpts[:-1]})
        else:
            break
        value = _encode(cited)
    return value


def read_payload(value: str) -> Cited | None:
    """The contents of a payload, or None when it is not one of ours."""
    try:
        data = json.loads(value)
        refs = tuple(ExcerptRef(article_id=a, start=s, end=e) for a, s, e in data["e"])
        return Cited(question=data["q"], excerpts=refs)
    except (ValueError, KeyError, TypeError, ValidationError):
        return None


def entry(
    cited: Cited, vote: Vote, *, user: str, channel: str | None, ts: str | None, time: datetime
) -> FeedbackEntry:
    return FeedbackEntry(
        time=time,
        vote=vote,
        user=user,
        channel=channel,
        ts=ts,
        question=cited.question,
        excerpts=cited.excerpts,
        article_ids=tuple(dict.fromkeys(e.article_id for e in cited.excerpts)),
    )


class FeedbackLog:
    """Appends entries to a JSON Lines file, one whole line per click, from any thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, item: FeedbackEntry) -> None:
        line = item.model_dump_json() + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)

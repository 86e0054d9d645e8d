"""What a chat surface posts for a question: the answer, or one line saying why not.

An engine error is never a crash of the bot: an ``AskbotError`` becomes its own one-line
message (it names the problem and the fix), anything else a short apology, with the
traceback in the log.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Protocol

from askbot.errors import AskbotError
from askbot.models import Answer

log = logging.getLogger("askbot.chat")

SORRY = "Sorry, something went wrong answering this; it has been logged."


class Answerer(Protocol):
    """What a chat surface needs of askbot: an answer to a question."""

    def ask(self, question: str, k: int | None = None, *, timeline: bool = False) -> Answer: ...


@dataclass(frozen=True)
class Reply:
    """Exactly one of ``answer`` and ``warning`` is set."""

    answer: Answer | None = None
    warning: str | None = None


# "timeline: troops near the border" asks for a timeline, in any chat.
_TIMELINE = re.compile(r"^\s*timeline\b[\s:,-]*", re.IGNORECASE)


def answer_or_warning(bot: Answerer, question: str) -> Reply:
    """The answer to ``question`` (a timeline when it starts with "timeline"), or a
    one-line warning when there is none."""
    timeline = _TIMELINE.match(question) is not None
    try:
        if timeline:
            return Reply(answer=bot.ask(_TIMELINE.sub("", question, count=1), timeline=True))
        return Reply(answer=bot.ask(question))
    except AskbotError as error:
        log.info("could not answer %r: %s", question, error)
        return Reply(warning=str(error))
    except Exception:
        log.exception("answering %r failed", question)
        return Reply(warning=SORRY)

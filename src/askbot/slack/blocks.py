"""How an Answer reads in Slack: Block Kit with quoted excerpts, numbered sources, buttons.

Every message has a plain ``text`` too (notifications and old clients show it). Slack
refuses a message outright when it breaks a limit, so long answers are trimmed here to fit
(3,000 characters a section, 50 blocks, 40,000 characters in all), never sent to fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from askbot.models import Answer, Citation, Excerpt
from askbot.slack.feedback import button_value
from askbot.slack.mrkdwn import escape, escape_within, link

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
TEXT_LIMIT = 40_000
# Room left for the quotes once sources, notes, buttons and the fallback text are counted.
QUOTES_BUDGET = 30_000
HEADLINE_LIMIT = 300
ALSO_IN_SHOWN = 5
FALLBACK_LIMIT = 500

VOTE_UP = "askbot_vote_up"
VOTE_DOWN = "askbot_vote_down"
SHARE = "askbot_share"

SORRY = "Sorry, something went wrong answering this; it has been logged."

Block = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """A Slack message: the fallback ``text`` and the Block Kit ``blocks``."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text[:SECTION_LIMIT])}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text[:SECTION_LIMIT])]}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def source_line(citation: Citation) -> str:
    """``<url|headline> · outlet · date`` in mrkdwn, leaving out what the article lacks."""
    headline = _cut(citation.title or f"(untitled: {citation.article_id})", HEADLINE_LIMIT)
    parts = [link(citation.url, headline)]
    if citation.source:
        parts.append(escape(_cut(citation.source, HEADLINE_LIMIT)))
    if citation.published:
        parts.append(citation.published.isoformat())
    return " · ".join(parts)


def _also_in(excerpt: Excerpt) -> str:
    names = []
    for other in excerpt.also_in[:ALSO_IN_SHOWN]:
        label = other.source or other.title or other.article_id
        names.append(link(other.url, _cut(label, HEADLINE_LIMIT // 3)))
    more = len(excerpt.also_in) - ALSO_IN_SHOWN
    if more > 0:
        names.append(f"{more} more")
    return "also in: " + ", ".join(names)


def _excerpt_blocks(number: int, excerpt: Excerpt, budget: int) -> list[Block]:
    source = f"*{number}.* {source_line(excerpt)}"
    if excerpt.also_in:
        source += "\n" + _also_in(excerpt)
    return [_section(escape_within(excerpt.text, budget, quoted=True)), _context(source)]


def _fallback(answer: Answer) -> str:
    if not answer.answered:
        return escape(_cut(f"The articles don't answer this: {answer.reason}.", FALLBACK_LIMIT))
    first = answer.excerpts[0]
    where = _cut(first.title or first.source or first.article_id, 100)
    count = len(answer.excerpts)
    summary = f"{count} excerpt{'s' if count > 1 else ''}: “{first.text}”"
    return escape(_cut(summary, FALLBACK_LIMIT - len(where) - 4)) + " — " + escape(where)


def answer_message(
    answer: Answer,
    *,
    question: str | None = None,
    intro: str | None = None,
    share: bool = False,
) -> Message:
    """The blocks for an answer (or an abstention), with feedback buttons.

    ``question`` is what the person asked, as carried by the buttons (defaults to the
    question askbot answered). ``intro`` is a mrkdwn line shown first, already escaped.
    ``share`` adds a button that posts the answer to the channel (for ephemeral answers).
    """
    head: list[Block] = []
    if intro:
        head.append(_section(intro))
    if answer.warnings:
        notes = "\n".join(f"note: {escape(w)}" for w in answer.warnings)
        head.append(_context(notes))

    buttons = [
        _button("👍 Helpful", VOTE_UP, button_value(question or answer.question, answer.excerpts)),
        _button("👎 Wrong", VOTE_DOWN, button_value(question or answer.question, answer.excerpts)),
    ]
    if share:
        buttons.append(
            _button("Share in channel", SHARE, button_value(question or answer.question, ()))
        )
    tail: list[Block] = [{"type": "actions", "elements": buttons}]

    if not answer.answered:
        reason = escape(f"The articles don't answer this: {answer.reason}.")
        return Message(text=_fallback(answer), blocks=[*head, _section(reason), *tail])

    excerpts = answer.excerpts
    room = (MAX_BLOCKS - len(head) - len(tail) - 1) // 2  # 1: the footer
    budget = min(SECTION_LIMIT, QUOTES_BUDGET // max(1, min(room, len(excerpts))))
    fallback = _fallback(answer)
    # What the footer, head, buttons and fallback may need; the quotes get the rest.
    spent = len(fallback) + message_size(Message("", [*head, *tail])) + 200
    body: list[Block] = []
    for number, excerpt in enumerate(excerpts[:room], start=1):
        blocks = _excerpt_blocks(number, excerpt, budget)
        size = message_size(Message("", blocks))
        if spent + size > TEXT_LIMIT:
            break
        body.extend(blocks)
        spent += size
    footer = f"confidence {answer.confidence:.2f} · {answer.timings.total_ms:.0f} ms"
    hidden = len(excerpts) - len(body) // 2
    if hidden:
        footer = f"{hidden} more excerpt(s) not shown · " + footer
    body.append(_context(footer))
    return Message(text=fallback, blocks=[*head, *body, *tail])


def notice_message(text: str) -> Message:
    """A short plain message (a warning, a thank-you), escaped."""
    escaped = escape_within(text, SECTION_LIMIT)
    return Message(text=escaped, blocks=[_section(escaped)])


def warning_message(problem: str) -> Message:
    """What a thread gets when answering failed: one line, no traceback."""
    return notice_message(f"⚠️ {problem}")


def message_size(message: Message) -> int:
    """Characters of text in a message, the way Slack's 40,000 limit counts them."""
    total = len(message.text)
    for block in message.blocks:
        if "text" in block and isinstance(block["text"], dict):
            total += len(block["text"].get("text", ""))
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                total += len(element.get("text", ""))
    return total

"""How an Answer reads in Slack: Block Kit with quoted excerpts, numbered sources, buttons.

Every message has a plain ``text`` too (notifications and old clients show it). Slack
refuses a message outright when it breaks a limit, so long answers are trimmed here to fit
(3,000 characters a section, 50 blocks, 40,000 characters in all), never sent to fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from askbot.answering.filters import describe as describe_filters
from askbot.answering.filters import describe_time
from askbot.chat.feedback import payload
from askbot.models import Answer, Citation, Excerpt
from askbot.news import describe, said_line
from askbot.news.stories import reported_by
from askbot.slack.mrkdwn import escape_within, link

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
TEXT_LIMIT = 40_000
# Headroom under TEXT_LIMIT for the intro, notes, footer, buttons and fallback text.
OVERHEAD = 6_000
# Quotes shorter than this say too little: fewer excerpts are shown instead.
MIN_QUOTE = 300
# Escaped characters of a headline, an outlet; and the most a source line may take.
HEADLINE_LIMIT = 300
OUTLET_LIMIT = 100
SOURCE_LIMIT = 1500
ALSO_IN_SHOWN = 5
FALLBACK_LIMIT = 500

VOTE_UP = "askbot_vote_up"
VOTE_DOWN = "askbot_vote_down"
SHARE = "askbot_share"

# Slack refuses a button whose value is longer.
VALUE_LIMIT = 2000

Block = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """A Slack message: the fallback ``text`` and the Block Kit ``blocks``."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def button_value(question: str, excerpts: Sequence[Excerpt]) -> str:
    """What a 👍 / 👎 / share button carries, within Slack's limit for a value."""
    return payload(question, excerpts, VALUE_LIMIT)


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


def source_line(citation: Citation) -> str:
    """``<url|headline> · outlet · date`` in mrkdwn, leaving out what the article lacks."""
    headline = citation.label or citation.title or citation.article_id
    parts = [link(citation.url, headline, HEADLINE_LIMIT)]
    if citation.source:
        parts.append(escape_within(citation.source, OUTLET_LIMIT))
    if citation.published:
        parts.append(citation.published.isoformat())
    return " · ".join(parts)


def _also_in(excerpt: Excerpt, *, linked: bool) -> str:
    names = []
    for other in excerpt.also_in[:ALSO_IN_SHOWN]:
        label = other.source or other.title or other.article_id
        names.append(link(other.url if linked else None, label, OUTLET_LIMIT))
    more = len(excerpt.also_in) - ALSO_IN_SHOWN
    if more > 0:
        names.append(f"{more} more")
    return "also in: " + ", ".join(names)


def _source(number: int, excerpt: Excerpt) -> str:
    """The numbered source line, and other outlets, in at most SOURCE_LIMIT characters."""
    source = f"*{number}.* {source_line(excerpt)}"
    reported = reported_by(excerpt, excerpt.copies, shown=ALSO_IN_SHOWN)
    if reported:  # names only, trimmed: a long story list never crowds out the quote
        source += "\n" + escape_within(reported, SOURCE_LIMIT // 2)
    if not excerpt.also_in:
        return source
    # Long addresses go first, then the names; the count always fits.
    for also in (_also_in(excerpt, linked=True), _also_in(excerpt, linked=False)):
        if len(source) + 1 + len(also) <= SOURCE_LIMIT:
            return f"{source}\n{also}"
    return f"{source}\nalso in {len(excerpt.also_in)} other article(s)"


def _declined(answer: Answer, limit: int) -> str:
    return escape_within(f"The articles don't answer this: {answer.reason}.", limit)


def _fallback(answer: Answer) -> str:
    if not answer.answered or not answer.excerpts:
        return _declined(answer, FALLBACK_LIMIT)
    first = answer.excerpts[0]
    where = escape_within(first.label or first.source or first.article_id, 100)
    count = len(answer.excerpts)
    summary = f"{count} excerpt{'s' if count > 1 else ''}: “{first.text}”"
    return escape_within(summary, FALLBACK_LIMIT - len(where) - 3) + " — " + where


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
    shown = []
    if answer.filters.active:
        shown.append("filtered by: " + describe_filters(answer.filters))
    when = describe_time(answer.filters)
    if when:
        shown.append(when)
    if answer.timeline and answer.answered:
        shown.append("timeline, oldest first")
    if shown:
        head.append(_context(escape_within(" · ".join(shown), 600)))
    if answer.warnings:
        notes = "\n".join(f"note: {escape_within(w, 300)}" for w in answer.warnings[:5])
        head.append(_context(notes))
    for discrepancy in answer.discrepancies[:3]:
        head.append(_context("note: " + escape_within(describe(discrepancy), 600)))

    asked = question or answer.question
    cited = button_value(asked, answer.excerpts)
    buttons = [_button("👍 Helpful", VOTE_UP, cited), _button("👎 Wrong", VOTE_DOWN, cited)]
    if share:
        buttons.append(_button("Share in channel", SHARE, button_value(asked, ())))
    tail: list[Block] = [{"type": "actions", "elements": buttons}]

    if not answer.answered:
        reason = _declined(answer, SECTION_LIMIT)
        return Message(text=_fallback(answer), blocks=[*head, _section(reason), *tail])

    # Sources are short and say where a quote is from: they are kept whole, and the quotes
    # share what is left of Slack's limits. Fewer, longer quotes beat many stubs.
    room = (MAX_BLOCKS - len(head) - len(tail) - 1) // 2  # 1: the footer
    sources = [_source(n, e) for n, e in enumerate(answer.excerpts[:room], start=1)]
    fixed = message_size(Message(_fallback(answer), [*head, *tail])) + OVERHEAD
    budget = 0
    while sources:
        budget = (TEXT_LIMIT - fixed - sum(map(len, sources))) // len(sources)
        if budget >= MIN_QUOTE or len(sources) == 1:
            break
        sources.pop()
    budget = max(0, min(SECTION_LIMIT, budget)) if sources else 0
    body: list[Block] = []
    for excerpt, source in zip(answer.excerpts, sources, strict=False):
        body.append(_section(escape_within(excerpt.text, budget, quoted=True)))
        said = said_line(excerpt)
        body.append(_context(f"{escape_within(said, 600)}\n{source}" if said else source))
    footer = f"confidence {answer.confidence:.2f} · {answer.timings.total_ms:.0f} ms"
    hidden = len(answer.excerpts) - len(sources)
    if hidden:
        footer = f"{hidden} more excerpt(s) not shown · " + footer
    body.append(_context(footer))
    return Message(text=_fallback(answer), blocks=[*head, *body, *tail])


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

"""How an Answer reads in a terminal: numbered quotes, each with headline · outlet · date · link.

Everything shown comes from articles or people, so every string goes through
``printable``: no article can move the cursor, clear the screen or set the clipboard.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from askbot.answering.filters import describe as describe_filters
from askbot.console import printable
from askbot.models import Answer, Citation
from askbot.news import describe, said_line
from askbot.news.stories import reported_by


def source_line(citation: Citation) -> str:
    """``headline · outlet · date · link``, leaving out what the article does not say."""
    parts = [citation.label or citation.title or citation.article_id]
    if citation.source:
        parts.append(citation.source)
    if citation.published:
        parts.append(citation.published.isoformat())
    if citation.url:
        parts.append(citation.url)
    return printable(" · ".join(parts))


def _note(text: str) -> Text:
    return Text(f"note: {printable(text)}", style="yellow")


def render_answer(answer: Answer) -> RenderableType:
    parts: list[RenderableType] = []
    if answer.filters.active:
        parts.append(
            Text(f"filtered by: {printable(describe_filters(answer.filters))}", style="dim")
        )
    for warning in answer.warnings:
        parts.append(_note(warning))
    if not answer.answered:
        reason = printable(answer.reason or "no reason given")
        parts.append(Text(f"The articles don't answer this: {reason}.", style="bold"))
        return Group(*parts)
    for number, excerpt in enumerate(answer.excerpts, start=1):
        if answer.timeline:
            day = excerpt.published.isoformat() if excerpt.published else "undated"
            parts.append(Text(f"{number}. {day}", style="bold"))
        else:
            parts.append(Text(f"{number}.", style="bold"))
        quote = Text(printable(excerpt.text), style="italic")
        parts.append(Padding(Text.assemble(("▌ ", "green"), quote), (0, 0, 0, 1)))
        lines: list[RenderableType] = [Text(source_line(excerpt), style="cyan")]
        said = said_line(excerpt)
        if said:
            lines.insert(0, Text(printable(said), style="green"))
        for other in excerpt.also_in:
            lines.append(Text("also in: " + source_line(other), style="cyan dim"))
        reported = reported_by(excerpt, excerpt.copies)
        if reported:
            lines.append(Text(printable(reported), style="cyan dim"))
        parts.append(Padding(Group(*lines), (0, 0, 1, 3)))
    for discrepancy in answer.discrepancies:
        parts.append(_note(describe(discrepancy)))
    footer = f"confidence {answer.confidence:.2f} · {answer.timings.total_ms:.0f} ms"
    parts.append(Text(footer, style="dim"))
    return Group(*parts)

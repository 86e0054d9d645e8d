"""How an Answer reads in a terminal: numbered quotes, each with headline · outlet · date · link."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from askbot.models import Answer, Citation
from askbot.news import describe


def source_line(citation: Citation) -> str:
    """``headline · outlet · date · link``, leaving out what the article does not say."""
    parts = [citation.title or f"(untitled: {citation.article_id})"]
    if citation.source:
        parts.append(citation.source)
    if citation.published:
        parts.append(citation.published.isoformat())
    if citation.url:
        parts.append(citation.url)
    return " · ".join(parts)


def render_answer(answer: Answer) -> RenderableType:
    parts: list[RenderableType] = []
    for warning in answer.warnings:
        parts.append(Text(f"note: {warning}", style="yellow"))
    if not answer.answered:
        parts.append(Text(f"The articles don't answer this: {answer.reason}.", style="bold"))
        return Group(*parts)
    for number, excerpt in enumerate(answer.excerpts, start=1):
        parts.append(Text(f"{number}.", style="bold"))
        quote = Text(excerpt.text, style="italic")
        parts.append(Padding(Text.assemble(("▌ ", "green"), quote), (0, 0, 0, 1)))
        cite = Text(source_line(excerpt), style="cyan")
        lines: list[RenderableType] = [cite]
        for other in excerpt.also_in:
            lines.append(Text("also in: " + source_line(other), style="cyan dim"))
        parts.append(Padding(Group(*lines), (0, 0, 1, 3)))
    for discrepancy in answer.discrepancies:
        parts.append(Text(f"note: {describe(discrepancy)}", style="yellow"))
    footer = f"confidence {answer.confidence:.2f} · {answer.timings.total_ms:.0f} ms"
    parts.append(Text(escape(footer), style="dim"))
    return Group(*parts)

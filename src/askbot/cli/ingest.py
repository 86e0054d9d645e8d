"""``askbot ingest`` and ``askbot remove``: changing what the index holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from askbot.cli.app import IndexOption, app, handled, settings_for
from askbot.console import console, ingest_progress, printable, warn
from askbot.service import AskBot


@app.command()
@handled
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (.jsonl .json .txt .md .html).")
    ],
    index: IndexOption = None,
    backend: Annotated[
        str | None,
        typer.Option(
            help="Embedding backend: torch, onnx or onnx-int8 (a new index records it; an "
            "existing one accepts only its own or a proven-equivalent backend).",
        ),
    ] = None,
) -> None:
    """Add articles to the index (created if missing). Unchanged articles are skipped."""
    settings = settings_for(index, backend=backend)
    with AskBot.open(settings, create=True) as bot, ingest_progress() as progress:
        report = bot.ingest_paths(paths, progress)
    for notice in report.notices:
        warn(f"note: {notice}")
    for skipped in report.skipped:
        warn(f"skipped {skipped}")
    summary = (
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.skipped)} skipped · {report.passages} passages in {report.seconds:.1f}s "
        f"→ {settings.index}"
    )
    console.print(escape(printable(summary)))
    if report.skipped:
        raise typer.Exit(1)


@app.command()
@handled
def remove(
    ids: Annotated[list[str], typer.Argument(help="Article ids to delete.")],
    index: IndexOption = None,
) -> None:
    """Delete articles (and their passages) from the index."""
    with AskBot.open(settings_for(index)) as bot:
        removed, missing = bot.remove(ids)
    console.print(f"removed {len(removed)} article(s)")
    for article_id in missing:
        warn(f"not in the index: {article_id}")
    if missing:
        raise typer.Exit(1)

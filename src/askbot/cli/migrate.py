"""``askbot migrate SRC DST``: copy an index to another backend (folder ↔ Milvus)."""

from __future__ import annotations

from typing import Annotated

import typer

from askbot.cli.app import app, handled, settings_for
from askbot.console import console, err_console


@app.command()
@handled
def migrate(
    source: Annotated[
        str, typer.Argument(help="The index to copy: a folder, milvus://… or FILE.db.")
    ],
    target: Annotated[str, typer.Argument(help="Where to copy it (created if missing).")],
    sample: Annotated[int, typer.Option(min=0, max=100, help="Questions compared at the end.")] = 5,
) -> None:
    """Copy an index to another location or backend, then check counts and sample answers.

    Killed half-way, run it again: what was copied is skipped."""
    from askbot.migrate import migrate as run

    def progress(done: int, total: int) -> None:
        err_console.print(f"copied {done:,} of {total:,} articles")

    report = run(settings_for(), source, target, sample=sample, progress=progress)
    console.print(
        f"{report.articles:,} articles, {report.passages:,} passages in the copy "
        f"({report.copied:,} copied, {report.unchanged:,} already there, {report.removed:,} "
        f"removed); {report.questions_checked} sample questions answered alike"
        + (f"; {report.sources} followed sources copied" if report.sources else "")
    )

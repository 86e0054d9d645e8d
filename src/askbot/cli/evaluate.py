"""``askbot eval``: score askbot on a question set."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from askbot.cli.app import (
    AsOfOption,
    IndexOption,
    JsonOption,
    KOption,
    RetrieverOption,
    app,
    as_of_date,
    handled,
    settings_for,
)
from askbot.console import console, safe_json, warn


class Format(StrEnum):
    auto = "auto"
    jsonl = "jsonl"
    squad = "squad"
    beir = "beir"


@app.command("eval")
@handled
def eval_(
    path: Annotated[
        Path, typer.Argument(help="Question set: .jsonl, SQuAD .json[.gz], or a BEIR folder.")
    ],
    fmt: Annotated[Format, typer.Option("--format", help="Question-set format.")] = Format.auto,
    index: IndexOption = None,
    k: KOption = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Ask only the first N questions.", show_default="all")
    ] = None,
    retriever: RetrieverOption = None,
    as_of: AsOfOption = None,
    json_out: JsonOption = False,
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            "--corpus",
            help="Articles to ask the questions of (files or folders; repeatable), indexed "
            "into embeddings/<set name>/ unless --index is given.",
            show_default="none",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            help="Write metrics.json, summary.md and misses.jsonl into this folder.",
            show_default="no report",
        ),
    ] = None,
) -> None:
    """Score askbot on a question set: retrieval, answers found, abstention, latency."""
    from askbot.evaluate import run_eval
    from askbot.evaluate.report import format_metric

    result = run_eval(
        settings_for(),
        path,
        fmt=fmt.value,
        index=index,
        k=k,
        limit=limit,
        retriever=retriever,
        report_dir=report,
        corpus=corpus or (),
        as_of=as_of_date(as_of),
    )
    if json_out:
        print(safe_json(result.model_dump_json(indent=2)))
        return
    table = Table(title=f"askbot eval · {result.n} questions", box=None)
    table.add_column("metric", style="bold")
    table.add_column("value", justify="right")
    for metric, value in result.metrics.items():
        table.add_row(metric, format_metric(metric, value))
    console.print(table)
    if result.skipped:
        warn(f"{len(result.skipped)} input line(s) skipped; they are not in the denominators")
    if report:
        console.print(f"report written to {report}/ (metrics.json, summary.md, misses.jsonl)")

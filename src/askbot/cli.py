"""The ``askbot`` command. It parses arguments, calls AskBot, and prints; nothing more."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from askbot import __version__
from askbot.console import console, err_console, fail, ingest_progress, warn
from askbot.errors import AskbotError
from askbot.service import AskBot
from askbot.settings import Settings
from askbot.terminal import render_answer

app = typer.Typer(
    name="askbot",
    help="Answers questions about news articles with verbatim, cited excerpts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])


class Retriever(StrEnum):
    hybrid = "hybrid"
    dense = "dense"
    bm25 = "bm25"


IndexOption = Annotated[
    Path | None,
    typer.Option("--index", help="Index directory [default: ASKBOT_INDEX or embeddings/default]"),
]
KOption = Annotated[int | None, typer.Option("-k", "--k", min=1, max=20, help="Excerpts to show.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the JSON record instead.")]
RetrieverOption = Annotated[
    Retriever | None, typer.Option(help="Which search to use [default: hybrid]")
]


def handled(command: F) -> F:
    """Turns AskbotError into a one-line message and its exit status; Ctrl-C into 130."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AskbotError as error:
            fail(error)
        except KeyboardInterrupt:
            err_console.print("interrupted: nothing was changed")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def settings_for(index: Path | None = None, **overrides: Any) -> Settings:
    settings = Settings()
    updates = {k: v for k, v in overrides.items() if v is not None}
    if index is not None:
        updates["index"] = index
    return settings.model_copy(update=updates) if updates else settings


def version_callback(value: bool) -> None:
    if value:
        console.print(f"askbot {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True)
    ] = False,
) -> None:
    """Answers questions about news articles with verbatim, cited excerpts."""


@app.command()
@handled
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (.jsonl .json .txt .md .html).")
    ],
    index: IndexOption = None,
) -> None:
    """Add articles to the index (created if missing). Unchanged articles are skipped."""
    settings = settings_for(index)
    bot = AskBot.open(settings, create=True)
    with ingest_progress() as progress:
        report = bot.ingest_paths(paths, progress)
    for skipped in report.skipped:
        warn(f"skipped {skipped}")
    summary = (
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.skipped)} skipped · {report.passages} passages in {report.seconds:.1f}s "
        f"→ {settings.index}"
    )
    console.print(summary)
    bot.close()
    if report.skipped:
        raise typer.Exit(1)


@app.command()
@handled
def ask(
    question: Annotated[str, typer.Argument(help="The question; may hold outlet:/since:/until:.")],
    index: IndexOption = None,
    k: KOption = None,
    json_out: JsonOption = False,
    retriever: RetrieverOption = None,
) -> None:
    """Answer one question with cited excerpts (or say the articles don't answer it)."""
    settings = settings_for(index, retriever=retriever.value if retriever else None)
    with AskBot.open_or_sample(settings, notice=warn) as bot:
        answer = bot.ask(question, k=k)
    if json_out:
        print(answer.model_dump_json(indent=2))
    else:
        console.print(render_answer(answer))


@app.command()
@handled
def repl(index: IndexOption = None, k: KOption = None) -> None:
    """Ask questions one per line (.help for commands, Ctrl-D to quit)."""
    from askbot.repl import Repl

    settings = settings_for(index, top_k=k)
    with AskBot.open_or_sample(settings, notice=warn) as bot:
        Repl(bot, console).run()


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


@app.command()
@handled
def info(index: IndexOption = None, json_out: JsonOption = False) -> None:
    """Show what the index holds: articles, passages, model, size, last update."""
    settings = settings_for(index)
    from askbot.index import Index

    idx = Index.open(settings.index)
    details = idx.info()
    idx.close()
    if json_out:
        print(details.model_dump_json(indent=2))
        return
    m = details.manifest
    table = Table(show_header=False, box=None)
    rows = [
        ("index", str(details.path)),
        ("articles", f"{m.articles:,}"),
        ("passages", f"{m.passages:,}"),
        ("model", m.embedder),
        ("dimension", str(m.dimension)),
        (
            "chunker",
            f"{m.chunker.max_words} words, overlap {m.chunker.overlap_sentences}, "
            f"headline embedded: {m.chunker.title_in_embedding}",
        ),
        ("size on disk", f"{details.size_bytes / 1e6:.1f} MB"),
        ("created", m.created.isoformat()),
        ("last update", m.updated.isoformat()),
        ("format", f"{m.format_version} (askbot {m.askbot_version})"),
    ]
    for key, value in rows:
        table.add_row(f"[bold]{key}", escape(value))
    console.print(table)


@app.command()
@handled
def slack(
    mode: Annotated[
        str | None, typer.Option(help="socket or http [default: socket if SLACK_APP_TOKEN is set]")
    ] = None,
    port: Annotated[int, typer.Option(help="HTTP mode port.")] = 3000,
    host: Annotated[str, typer.Option(help="HTTP mode address to bind.")] = "127.0.0.1",
    index: IndexOption = None,
) -> None:
    """Run the Slack bot (Socket Mode or HTTP Events API)."""
    from askbot import slack as slack_adapter

    settings = settings_for(index)
    slack_adapter.check_settings(settings, mode)  # a missing token fails before the model loads
    bot = AskBot.open_or_sample(settings, notice=warn)
    slack_adapter.run(settings, bot, mode=mode, host=host, port=port)


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
        int | None, typer.Option(min=1, help="Ask only the first N questions.")
    ] = None,
    retriever: RetrieverOption = None,
    json_out: JsonOption = False,
    report: Annotated[
        Path | None,
        typer.Option(help="Write metrics.json, summary.md and misses.jsonl into this folder."),
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
        retriever=retriever.value if retriever else None,
        report_dir=report,
    )
    if json_out:
        print(result.model_dump_json(indent=2))
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


def main() -> None:
    app()

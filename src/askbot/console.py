"""Terminal plumbing shared by the CLI, the REPL and eval: consoles, errors, progress."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

from rich.console import Console
from rich.markup import escape

from askbot.errors import AskbotError

if TYPE_CHECKING:
    from rich.progress import Progress

    from askbot.ingest import Progress as ProgressCallback

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

# What an article (or a file name) could use to take over a terminal: C0 and C1 control
# characters (escape sequences: cursor moves, screen clears, window titles, OSC 52
# clipboard writes, OSC 8 links) and the bidirectional overrides that reorder what is shown.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The same characters inside JSON text, written as \uXXXX escapes: the same JSON value.
_UNSAFE_JSON = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with nothing a terminal would act on (newlines and tabs stay)."""
    return _UNSAFE.sub("", text)


def safe_json(text: str) -> str:
    """JSON text whose every character is inert in a terminal; it decodes the same."""
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def fail(error: AskbotError) -> NoReturn:
    """Prints an error as one line and exits with its status."""
    err_console.print(f"[bold red]error:[/] {escape(printable(str(error)))}", soft_wrap=True)
    sys.exit(error.exit_code)


def warn(message: str) -> None:
    err_console.print(f"[yellow]{escape(printable(message))}[/]", soft_wrap=True)


def _bar(counted: str) -> Progress:
    # Imported here: rich.progress (and rich.live) cost a one-shot question ~30 ms.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(counted),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
        disable=not err_console.is_terminal,
    )


@contextmanager
def ingest_progress(label: str = "ingesting") -> Iterator[ProgressCallback]:
    """A progress bar of articles, with passages and passages per second."""
    bar = _bar("articles · {task.fields[passages]} passages · {task.fields[rate]}/s")
    task = bar.add_task(label, total=None, passages=0, rate="–")

    def update(articles: int, passages: int, total: int) -> None:
        elapsed = bar.tasks[0].elapsed or 0.0
        rate = f"{passages / elapsed:,.0f}" if elapsed > 0 and passages else "–"
        bar.update(task, completed=articles, total=total, passages=passages, rate=rate)

    with bar:
        yield update


@contextmanager
def question_progress(label: str = "asking") -> Iterator[Callable[[int, int], None]]:
    """A progress bar of questions, with questions per second."""
    bar = _bar("questions · {task.fields[rate]}/s")
    task = bar.add_task(label, total=None, rate="–")

    def update(done: int, total: int) -> None:
        elapsed = bar.tasks[0].elapsed or 0.0
        rate = f"{done / elapsed:,.1f}" if elapsed > 0 else "–"
        bar.update(task, completed=done, total=total, rate=rate)

    with bar:
        yield update

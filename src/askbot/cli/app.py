"""The ``askbot`` Typer app and what every command shares: options, settings, errors.

Commands live in the modules beside this one (one per group) and only parse arguments,
call ``AskBot`` and print.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import typer

from askbot import __version__
from askbot.console import console, err_console, fail, warn
from askbot.dates import DateError, parse_date
from askbot.errors import AskbotError, QuestionError
from askbot.models import RetrievalMode
from askbot.settings import Settings, load_settings, unknown_variables
from askbot.slack.settings import SlackSettings
from askbot.sources.settings import FetchSettings

app = typer.Typer(
    name="askbot",
    help="Answers questions about news articles with verbatim, cited excerpts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

IndexOption = Annotated[
    str | None,
    typer.Option(
        "--index",
        help="Index location: a folder, milvus://HOST:PORT/DB?collection=NAME or FILE.db.",
        show_default="ASKBOT_INDEX, else embeddings/default",
    ),
]
KOption = Annotated[
    int | None,
    typer.Option(
        "-k", "--k", min=1, max=20, help="Excerpts to show.", show_default="ASKBOT_TOP_K, else 3"
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print the JSON record instead.", show_default="off")
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Ask as of this date (YYYY-MM-DD): 'this week' is the week before it, and "
        "nothing published after it answers.",
        show_default="today, and everything",
    ),
]
RetrieverOption = Annotated[
    RetrievalMode | None,
    typer.Option(help="Which search to use.", show_default="ASKBOT_RETRIEVER, else hybrid"),
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


def settings_for(index: str | None = None, **overrides: Any) -> Settings:
    settings = load_settings()
    updates = {k: v for k, v in overrides.items() if v is not None}
    if index is not None:
        updates["index"] = index
    return settings.model_copy(update=updates) if updates else settings


def as_of_date(value: str | None) -> date | None:
    """The ``--as-of`` date, or a one-line QuestionError (exit 2)."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError as error:
        raise QuestionError(
            f"--as-of {value!r} is not a date ({error})", "write YYYY-MM-DD"
        ) from None


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
    for note in unknown_variables((Settings, SlackSettings, FetchSettings)):
        warn(f"note: {note}")

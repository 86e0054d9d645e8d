"""The ``askbot`` Typer app and what every command shares: options, settings, errors.

Commands live in the modules beside this one (one per group) and only parse arguments,
call ``AskBot`` and print.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from askbot import __version__
from askbot.console import console, err_console, fail, warn
from askbot.errors import AskbotError
from askbot.models import RetrievalMode
from askbot.settings import Settings, load_settings, unknown_variables
from askbot.slack.settings import SlackSettings

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
        help="Index location: a folder.",
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
    for note in unknown_variables((Settings, SlackSettings)):
        warn(f"note: {note}")

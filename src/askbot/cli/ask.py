"""``askbot ask`` and ``askbot repl``: questions from the terminal."""

from __future__ import annotations

from typing import Annotated

import typer

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
from askbot.service import AskBot
from askbot.terminal import render_answer


@app.command()
@handled
def ask(
    question: Annotated[str, typer.Argument(help="The question; may hold outlet:/since:/until:.")],
    index: IndexOption = None,
    k: KOption = None,
    json_out: JsonOption = False,
    retriever: RetrieverOption = None,
    as_of: AsOfOption = None,
    timeline: Annotated[
        bool,
        typer.Option(
            "--timeline",
            help="List the answering excerpts by publication date, one per article "
            "(for 'how did this develop' questions).",
            show_default="off",
        ),
    ] = False,
) -> None:
    """Answer one question with cited excerpts (or say the articles don't answer it)."""
    settings = settings_for(index, retriever=retriever)
    reference = as_of_date(as_of)
    with AskBot.open_or_sample(settings, notice=warn) as bot:
        answer = bot.ask(question, k=k, as_of=reference, timeline=timeline)
    if json_out:
        print(safe_json(answer.model_dump_json(indent=2)))
    else:
        console.print(render_answer(answer))


@app.command()
@handled
def repl(index: IndexOption = None, k: KOption = None, as_of: AsOfOption = None) -> None:
    """Ask questions one per line (.help for commands, Ctrl-D to quit)."""
    from askbot.repl import Repl

    settings = settings_for(index, top_k=k)
    reference = as_of_date(as_of)
    with AskBot.open_or_sample(settings, notice=warn) as bot:
        Repl(bot, console, as_of=reference).run()

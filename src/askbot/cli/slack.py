"""``askbot slack``: run the Slack bot."""

from __future__ import annotations

from typing import Annotated

import typer

from askbot.cli.app import IndexOption, app, handled, settings_for
from askbot.console import warn
from askbot.service import AskBot
from askbot.settings import load_config


@app.command()
@handled
def slack(
    mode: Annotated[
        str | None,
        typer.Option(
            help="socket or http.",
            show_default="socket, or http when only SLACK_SIGNING_SECRET is set",
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="HTTP mode port.")] = 3000,
    host: Annotated[str, typer.Option(help="HTTP mode address to bind.")] = "127.0.0.1",
    index: IndexOption = None,
) -> None:
    """Run the Slack bot (Socket Mode or HTTP Events API)."""
    from askbot.slack.server import check_settings, run
    from askbot.slack.settings import SlackSettings

    settings = settings_for(index)
    slack_settings = load_config(SlackSettings)
    # A missing token fails before the model loads.
    check_settings(slack_settings, mode)
    bot = AskBot.open_or_sample(settings, notice=warn)
    run(slack_settings, bot, mode=mode, host=host, port=port)

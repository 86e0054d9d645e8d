"""Starting the bot: settings are checked first, and a missing one is a one-line error."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_slack import FakeSlack
from typer.testing import CliRunner

from askbot.cli import app
from askbot.errors import ConfigError
from askbot.service import AskBot
from askbot.slack.app import build_app
from askbot.slack.server import check_settings
from askbot.slack.settings import SlackSettings


def test_askbot_slack_without_a_token_names_it_and_fails(
    fake_bot: AskBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env file is read
    result = CliRunner().invoke(app, ["slack", "--index", str(fake_bot.settings.index)])
    assert result.exit_code == ConfigError.exit_code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SLACK_BOT_TOKEN is not set" in lines[0]


def test_the_mode_follows_the_tokens() -> None:
    both = SlackSettings(bot_token="xoxb-1", app_token="xapp-1")  # type: ignore[arg-type]
    assert check_settings(both, None) == "socket"
    http = SlackSettings(bot_token="xoxb-1", signing_secret="s")  # type: ignore[arg-type]
    assert check_settings(http, None) == "http"
    assert check_settings(both.model_copy(update={"signing_secret": "s"}), "http") == "http"


@pytest.mark.parametrize(
    ("values", "mode", "named"),
    [
        ({}, None, "SLACK_BOT_TOKEN"),
        ({"bot_token": "xoxb-1"}, "socket", "SLACK_APP_TOKEN"),
        ({"bot_token": "xoxb-1"}, None, "SLACK_APP_TOKEN"),
        ({"bot_token": "xoxb-1"}, "http", "SLACK_SIGNING_SECRET"),
        (
            {"bot_token": "xoxb-1", "app_token": "xapp-1"},
            "http",
            "SLACK_SIGNING_SECRET",
        ),
        ({"bot_token": "xoxb-1"}, "carrier-pigeon", "--mode"),
    ],
)
def test_missing_settings_are_named(values: dict[str, str], mode: str | None, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check_settings(SlackSettings(**values), mode)  # type: ignore[arg-type]
    assert named in str(caught.value) and "\n" not in str(caught.value)


def test_a_token_slack_refuses_is_a_config_error(fake_slack: FakeSlack, fake_bot: AskBot) -> None:
    settings = SlackSettings(bot_token="xoxb-wrong", api_url=fake_slack.api_url)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="Slack refused SLACK_BOT_TOKEN \\(invalid_auth\\)"):
        build_app(settings, fake_bot)

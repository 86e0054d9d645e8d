"""Fixtures for the Slack adapter: a fake Slack Web API and the real Bolt app over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_slack import FakeSlack
from slack_harness import SlackHarness, StartSlack, slack_settings

from askbot.chat import Answerer
from askbot.slack.app import build_app
from askbot.slack.server import BoltHTTPServer


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    yield slack
    slack.stop()


@pytest.fixture
def start_slack(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[StartSlack]:
    """Starts the Bolt app over HTTP on an ephemeral port, answering with a given bot."""
    started: list[SlackHarness] = []

    def start(bot: Answerer, **overrides: Any) -> SlackHarness:
        settings = slack_settings(fake_slack, tmp_path, **overrides)
        app, handlers = build_app(settings, bot)
        server = BoltHTTPServer(app, "127.0.0.1", 0)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        harness = SlackHarness(server.url, fake_slack, settings, handlers, server, _thread=thread)
        started.append(harness)
        return harness

    yield start
    for harness in started:
        harness.close()

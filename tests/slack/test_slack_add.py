"""@askbot add <url>, and the "Add to askbot" message shortcut, against a local newsroom."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fake_slack import FakeSlack
from slack_harness import SlackHarness, slack_settings

from askbot.service import AskBot
from askbot.settings import Settings
from askbot.slack.app import ADD_OFF, ADD_REFUSED, build_app
from askbot.slack.server import BoltHTTPServer
from askbot.sources.settings import FetchSettings
from askbot.sources.sharing import LinkAdder, add_request, first_link
from fakes import HashingEmbedder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sources"))
from newsroom import Feeds
from webserver import Site, serve

Start = Callable[[str], SlackHarness]
GRAIN = "/harbour/2026/11/grain-deal.html"


@pytest.fixture
def site() -> Iterator[Site]:
    yield from serve(Site())


@pytest.fixture
def start(fake_slack: FakeSlack, site: Site, tmp_path: Path) -> Iterator[Start]:
    feeds = Feeds(site.base)
    site.static("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    site.html(GRAIN, feeds.items[GRAIN].html(site.base))
    settings = Settings(index=tmp_path / "idx", min_confidence=0.0)  # type: ignore[arg-type]
    bot = AskBot.open(settings, HashingEmbedder(), create=True)
    started: list[tuple[SlackHarness, LinkAdder]] = []

    def begin(allowed: str, private: bool = True) -> SlackHarness:
        settings = slack_settings(fake_slack, tmp_path, add_allowed=allowed)
        fetching = FetchSettings(allow_private_urls=private, fetch_delay=0)
        adder = LinkAdder(bot, fetching, settings.add_allowed)
        app, handlers = build_app(settings, bot, adder=adder)
        server = BoltHTTPServer(app, "127.0.0.1", 0)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        harness = SlackHarness(server.url, fake_slack, settings, handlers, server, _thread=thread)
        started.append((harness, adder))
        return harness

    yield begin
    for harness, adder in started:
        harness.close()
        adder.close()
    bot.close()


def test_add_request_parsing() -> None:
    assert add_request("<@UBOT> add <https://x.example/a?b=1&amp;c=2|x.example/a>") == (
        "https://x.example/a?b=1&c=2"
    )
    assert add_request("add https://x.example/a") == "https://x.example/a"
    assert add_request("<@UBOT> what was added about ports?") is None
    assert first_link("see <https://x.example/story|this> now") == "https://x.example/story"


def test_an_allowed_user_adds_a_link(start: Start, fake_slack: FakeSlack, site: Site) -> None:
    harness = start("U1,U7")
    harness.mention(f"<@UBOT> add <{site.base}{GRAIN}|{site.base}{GRAIN}>", user="U7")
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert (
        "Added: Grain export deal signed in Kessel Bay (Harbour Times, 2026-11-21)"
        in (post.body["text"])
    )
    harness.mention("<@UBOT> What grain deal was signed?", user="U7")
    answer = fake_slack.wait_for("chat.postMessage", 2)[1]
    assert "Kessel Bay" in answer.body["text"] or "Kessel Bay" in str(answer.body["blocks"])


def test_who_may_add_is_configured(start: Start, fake_slack: FakeSlack, site: Site) -> None:
    harness = start("U1")
    harness.mention(f"<@UBOT> add <{site.base}{GRAIN}>", user="U2")
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert ADD_REFUSED.split(" (")[0] in post.body["text"]
    assert site.hits[GRAIN] == 0


def test_nobody_by_default(start: Start, fake_slack: FakeSlack, site: Site) -> None:
    harness = start("nobody")
    harness.mention(f"<@UBOT> add <{site.base}{GRAIN}>")
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert ADD_OFF.split(" (")[0] in post.body["text"] or "not on the list" in post.body["text"]
    assert site.hits[GRAIN] == 0


def test_a_shared_internal_link_is_refused(start: Start, fake_slack: FakeSlack, site: Site) -> None:
    harness = start("everyone", private=False)
    harness.mention(f"<@UBOT> add <{site.base}{GRAIN}>")
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert "Could not add" in post.body["text"] and "non-public address" in post.body["text"]
    assert site.hits[GRAIN] == 0


def test_the_message_shortcut_adds_the_first_link(
    start: Start, fake_slack: FakeSlack, site: Site
) -> None:
    import json
    from urllib.parse import urlencode

    harness = start("everyone")
    payload = {
        "type": "message_action",
        "callback_id": "add_to_askbot",
        "team": {"id": "T1"},
        "user": {"id": "U3"},
        "channel": {"id": "C1"},
        "trigger_id": "t3",
        "response_url": fake_slack.response_url("shortcut"),
        "message_ts": "1690000000.000009",
        "message": {
            "type": "message",
            "ts": "1690000000.000009",
            "text": f"worth a read <{site.base}{GRAIN}|the grain deal>",
        },
    }
    reply = harness.post(
        urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )
    assert reply.status == 200
    (response,) = fake_slack.wait_for("response")
    assert "Added: Grain export deal signed in Kessel Bay" in response.body["text"]

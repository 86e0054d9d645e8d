"""The real Bolt app behind a real HTTP server, and a client that talks to it like Slack:
over HTTP, signed with the signing secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fake_slack import APP_TOKEN, BOT_TOKEN, BOT_USER, FakeSlack

from askbot.slack.app import SlackAnswerer
from askbot.slack.server import BoltHTTPServer
from askbot.slack.settings import SlackSettings

SECRET = "test-signing-secret"


def sign(body: str, timestamp: int, secret: str = SECRET) -> str:
    """Slack's v0 signature: HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    status: int
    body: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class SlackHarness:
    """The real Bolt app behind a real HTTP server, and helpers that talk to it like Slack."""

    url: str
    slack: FakeSlack
    settings: SlackSettings
    handlers: SlackAnswerer
    server: BoltHTTPServer
    _counter: int = 0
    _thread: threading.Thread | None = field(default=None, repr=False)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        timestamp = int(time.time()) if timestamp is None else timestamp
        request = urllib.request.Request(
            self.url,
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": str(timestamp),
                "X-Slack-Signature": sign(body, timestamp, secret),
                **(headers or {}),
            },
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                text = response.read().decode()
                return Reply(response.status, text, time.monotonic() - started)
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), time.monotonic() - started)

    def next_ts(self) -> str:
        self._counter += 1
        return f"1690000000.{self._counter:06d}"

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry: int | None = None,
        **signing: Any,
    ) -> Reply:
        envelope = {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id or f"Ev{self.next_ts().replace('.', '')}",
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}],
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(
            json.dumps(envelope),
            "application/json",
            headers=headers if retry else None,
            **signing,
        )

    def mention(self, text: str, *, user: str = "U1", channel: str = "C1", **extra: Any) -> str:
        """Sends an app_mention; returns its ts."""
        ts = extra.pop("ts", None) or self.next_ts()
        event = {"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": channel}
        reply = self.event({**event, **extra})
        assert reply.status == 200, reply
        return ts

    def message(self, text: str, *, user: str = "U1", channel: str = "D1", **extra: Any) -> Reply:
        event = {
            "type": "message",
            "user": user,
            "text": text,
            "ts": self.next_ts(),
            "channel": channel,
            "channel_type": "im",
            **extra,
        }
        return self.event(event)

    def command(self, text: str, *, user: str = "U1", response: str = "1", **signing: Any) -> Reply:
        form = {
            "token": "legacy",
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": user,
            "command": "/ask",
            "text": text,
            "response_url": self.slack.response_url(response),
            "trigger_id": "t1",
            "api_app_id": "A1",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **signing)

    def click(self, button: dict[str, Any], *, user: str = "U2", ephemeral: bool = False) -> Reply:
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": user},
            "api_app_id": "A1",
            "container": {
                "type": "message",
                "message_ts": "1690000000.000001",
                "channel_id": "C1",
                "is_ephemeral": ephemeral,
            },
            "channel": {"id": "C1"},
            "trigger_id": "t2",
            "response_url": self.slack.response_url("button"),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "b1",
                    "value": button["value"],
                    "action_ts": "1690000001.0",
                }
            ],
        }
        if not ephemeral:
            payload["message"] = {"type": "message", "ts": "1690000000.000001", "text": "..."}
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.handlers.close()


def slack_settings(slack: FakeSlack, tmp: Path, **overrides: Any) -> SlackSettings:
    values: dict[str, Any] = {
        "bot_token": BOT_TOKEN,
        "app_token": APP_TOKEN,
        "signing_secret": SECRET,
        "api_url": slack.api_url,
        "feedback_log": tmp / "feedback.jsonl",
        "user_rate_limit": 0,
    }
    values.update(overrides)
    return SlackSettings(**values)


StartSlack = Callable[..., SlackHarness]

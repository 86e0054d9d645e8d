"""Socket Mode: the real Bolt handler connects to a local WebSocket server, as to Slack's."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_slack import BOT_USER, FakeSlack
from slack_harness import slack_settings
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from askbot.service import AskBot
from askbot.slack.app import build_app
from askbot.slack.server import socket_mode_handler

ENVELOPE = {
    "envelope_id": "env-1",
    "type": "events_api",
    "accepts_response_payload": False,
    "retry_attempt": 0,
    "retry_reason": "",
    "payload": {
        "team_id": "T1",
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": "EvSocket1",
        "event_time": 1690000000,
        "event": {
            "type": "app_mention",
            "user": "U1",
            "text": f"<@{BOT_USER}> What did Lavrov say about war?",
            "ts": "1690000000.000777",
            "channel": "C9",
        },
        "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}],
    },
}


class SocketServer:
    """Says hello, sends one envelope, and collects what the client sends back."""

    def __init__(self) -> None:
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.server: Server = serve(self._session, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        port = self.server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link"

    def _session(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        connection.send(json.dumps(ENVELOPE))
        try:
            for message in connection:
                self.received.put(json.loads(message))
        except ConnectionClosed:
            pass

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def socket_server() -> Iterator[SocketServer]:
    server = SocketServer()
    yield server
    server.close()


def test_socket_mode_acks_the_envelope_and_answers(
    fake_slack: FakeSlack, fake_bot: AskBot, socket_server: SocketServer, tmp_path: Path
) -> None:
    fake_slack.socket_url = socket_server.url
    settings = slack_settings(fake_slack, tmp_path, signing_secret=None)
    app, handlers = build_app(settings, fake_bot)
    handler = socket_mode_handler(app, settings)
    try:
        handler.connect()  # type: ignore[no-untyped-call]
        ack = socket_server.received.get(timeout=5)
        assert ack["envelope_id"] == "env-1"
        (post,) = fake_slack.wait_for("chat.postMessage")
        assert post.body["channel"] == "C9" and post.body["thread_ts"] == "1690000000.000777"
        assert "If it depends on Russia" in json.dumps(post.body["blocks"])
        (opened,) = fake_slack.of("apps.connections.open")
        assert opened.status == 200
    finally:
        handler.close()  # type: ignore[no-untyped-call]
        handlers.close()

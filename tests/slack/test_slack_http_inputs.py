"""Hostile HTTP requests to the Slack HTTP server: a status and no traceback, bounded
threads, slow clients dropped, and the bot goes on answering."""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
from slack_harness import SECRET, SlackHarness, StartSlack, sign

from askbot.service import AskBot
from askbot.slack.app import build_app
from askbot.slack.server import BoltHTTPServer


def _raw(slack: SlackHarness, request: bytes, *, wait: float = 5.0) -> bytes:
    """Sends bytes as they are (no client library would send these), returns the reply."""
    parts = urlsplit(slack.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as conn:
        conn.sendall(request)
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _request(body: bytes, headers: dict[str, str], path: str = "/slack/events") -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _signed(body: bytes, **extra: str) -> dict[str, str]:
    ts = int(time.time())
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(body.decode("utf-8", "replace"), ts, SECRET),
        **extra,
    }


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        pytest.param(b"{}", {"Content-Length": "abc"}, b"400", id="non-numeric-length"),
        pytest.param(b"{}", {"Content-Length": "-5"}, b"400", id="negative-length"),
        pytest.param(b"{}", {}, b"411", id="no-length"),
        pytest.param(b"{}", {"Content-Length": "999999999"}, b"413", id="huge-length"),
        pytest.param(b"\xff\xfe{}", {"Content-Length": "4"}, b"400", id="non-utf8-body"),
        pytest.param(
            b"{}",
            {"Content-Length": "2", "X-Slack-Request-Timestamp": "soon"},
            b"400",
            id="non-numeric-timestamp",
        ),
        pytest.param(
            b"{}",
            {
                "Content-Length": "2",
                "X-Slack-Signature": "v0=nope",
                "X-Slack-Request-Timestamp": str(int(time.time())),
            },
            b"401",
            id="bad-signature",
        ),
    ],
)
def test_a_malformed_request_gets_a_status_and_the_bot_goes_on(
    start_slack: StartSlack, fake_bot: AskBot, body: bytes, headers: dict[str, str], status: bytes
) -> None:
    slack = start_slack(fake_bot)
    reply = _raw(slack, _request(body, headers))
    assert reply.split(b" ", 2)[1] == status, reply[:200]
    ts = slack.mention("<@UBOT> What did Lavrov say about war?")
    assert slack.slack.wait_for("chat.postMessage", where=lambda c: c.body.get("thread_ts") == ts)


def test_other_paths_and_methods_are_404(start_slack: StartSlack, fake_bot: AskBot) -> None:
    slack = start_slack(fake_bot)
    assert (
        _raw(slack, _request(b"{}", _signed(b"{}", **{"Content-Length": "2"}), "/admin")).split(
            b" "
        )[1]
        == b"404"
    )
    get = _raw(slack, b"GET /slack/events HTTP/1.1\r\nHost: x\r\n\r\n")
    assert get.split(b" ")[1] == b"404"


def test_a_slow_client_is_dropped_and_threads_stay_bounded(
    fake_slack: object, fake_bot: AskBot, tmp_path: object
) -> None:
    from slack_harness import slack_settings

    settings = slack_settings(fake_slack, tmp_path)  # type: ignore[arg-type]
    app, handlers = build_app(settings, fake_bot)
    server = BoltHTTPServer(app, "127.0.0.1", 0, workers=4, client_timeout=2.0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    before = threading.active_count()
    try:
        # Twenty clients that open a connection and send half a request line, then stall.
        stalled = [socket.create_connection((host, port)) for _ in range(20)]  # type: ignore[arg-type]
        for conn in stalled:
            conn.sendall(b"POST /slack/events HT")
        time.sleep(0.2)
        assert threading.active_count() - before <= 4 + 1  # the pool, not one per client
        busy = socket.create_connection((host, port))  # type: ignore[arg-type]
        busy.settimeout(5)
        assert busy.recv(100).startswith(b"HTTP/1.1 503")  # past the queue: refused at once
        # Past the client timeout every stalled client has been answered or dropped.
        ended = 0
        for conn in stalled:
            conn.settimeout(6)
            reply = conn.recv(100)
            ended += reply == b"" or reply.startswith(b"HTTP/1.1 503")
        assert ended == 20
    finally:
        server.shutdown()
        server.server_close()
        handlers.close()

"""A small fake of Slack's Web API on 127.0.0.1, for driving the real Bolt app offline.

It records every call with its decoded body, answers the methods askbot uses the way Slack
does, refuses messages that break Slack's limits with Slack's error codes, serves
``response_url`` POSTs at ``/response/<id>``, and can answer the next call of a method
with a 429 and a ``Retry-After``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
BOT_USER = "UBOT"
BOT_ID = "BBOT"


@dataclass
class Call:
    """One request the fake received."""

    method: str  # "chat.postMessage", or "response" for a response_url POST
    body: dict[str, Any]
    headers: dict[str, str]
    path: str
    status: int = 200
    reply: Any = None


def _block_error(blocks: list[dict[str, Any]]) -> str | None:
    if len(blocks) > 50:
        return "invalid_blocks"
    for block in blocks:
        text = block.get("text")
        too_long = isinstance(text, dict) and len(text.get("text", "")) > 3000
        if block.get("type") == "section" and too_long:
            return "invalid_blocks"
        elements = block.get("elements", [])
        if block.get("type") == "context" and len(elements) > 10:
            return "invalid_blocks"
        if block.get("type") == "actions" and len(elements) > 25:
            return "invalid_blocks"
        for element in elements:
            if element.get("type") == "mrkdwn" and len(element.get("text", "")) > 3000:
                return "invalid_blocks"
            if element.get("type") == "button" and len(element.get("value", "")) > 2000:
                return "invalid_blocks"
    return None


def message_error(body: dict[str, Any]) -> str | None:
    """The error Slack gives for a message body, or None when Slack would take it."""
    blocks = body.get("blocks") or []
    text = body.get("text") or ""
    if not text and not blocks:
        return "no_text"
    if len(text) > 40_000:
        return "msg_too_long"
    return _block_error(blocks)


@dataclass
class FakeSlack:
    """Start with ``start()``; ``api_url`` goes in SLACK_API_URL."""

    socket_url: str = "ws://127.0.0.1:9/link"
    calls: list[Call] = field(default_factory=list)
    _rate_limits: dict[str, int] = field(default_factory=dict)
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _ts: int = 0

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, name: str = "1") -> str:
        return f"{self.url}/response/{name}"

    def rate_limit_next(self, method: str, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get a 429 with Retry-After: 1."""
        with self._changed:
            self._rate_limits[method] = times

    # -- inspecting --------------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] = bool,
    ) -> list[Call]:
        """The calls of ``method`` (matching ``where``) once there are ``count`` of them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method and c.status == 200]
                found = [c for c in found if where(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.status) for c in self.calls]
                    raise AssertionError(f"no {count}x {method} within {timeout}s; got {seen}")
                self._changed.wait(left)

    # -- serving -----------------------------------------------------------------------

    def _next_ts(self) -> str:
        with self._changed:
            self._ts += 1
            return f"1700000000.{self._ts:06d}"

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length).decode("utf-8")
        if "json" in (request.headers.get("Content-Type") or ""):
            body: dict[str, Any] = json.loads(raw) if raw else {}
        else:
            body = dict(parse_qsl(raw))
        for key in ("blocks", "attachments"):
            if isinstance(body.get(key), str):
                body[key] = json.loads(body[key])
        path = request.path
        method = "response" if path.startswith("/response/") else path.removeprefix("/api/")
        call = Call(method=method, body=body, headers=dict(request.headers.items()), path=path)

        with self._changed:
            limited = self._rate_limits.get(method, 0)
            if limited:
                self._rate_limits[method] = limited - 1
        if limited:
            call.status = 429
            self._send(request, call, 429, {"ok": False, "error": "ratelimited"}, retry_after=1)
            return
        if method == "response":
            error = message_error(body) if not body.get("delete_original") else None
            if error:
                self._send(request, call, 400, error)
            else:
                self._send(request, call, 200, "ok")
            return
        self._send(request, call, 200, self._api(method, body, call.headers))

    def _api(self, method: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        token = (headers.get("Authorization") or "").removeprefix("Bearer ")
        if method == "apps.connections.open":
            if token != APP_TOKEN and body.get("token") != APP_TOKEN:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.socket_url}
        if token != BOT_TOKEN:
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.com/",
                "team": "Fake",
                "user": "askbot",
                "team_id": "T1",
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
            if not body.get("channel"):
                return {"ok": False, "error": "channel_not_found"}
            error = message_error(body)
            if error:
                return {"ok": False, "error": error}
            if method == "chat.postEphemeral":
                return {"ok": True, "message_ts": self._next_ts()}
            ts = body.get("ts") or self._next_ts()
            message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": ts, **body}
            return {"ok": True, "channel": body["channel"], "ts": ts, "message": message}
        if method == "reactions.add":
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}

    def _send(
        self,
        request: BaseHTTPRequestHandler,
        call: Call,
        status: int,
        reply: Any,
        retry_after: int | None = None,
    ) -> None:
        call.status = status
        if status == 200 and isinstance(reply, dict) and not reply.get("ok"):
            # Slack refuses with 200 and ok:false; recorded apart so waits skip refusals.
            call.status = 400
        call.reply = reply
        # Recorded before the reply goes out: once the client has its reply it may send the
        # next call, whose handler must not be able to record first.
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        data = (reply if isinstance(reply, str) else json.dumps(reply)).encode()
        request.send_response(status)
        kind = "text/plain" if isinstance(reply, str) else "application/json"
        request.send_header("Content-Type", kind)
        if retry_after is not None:
            request.send_header("Retry-After", str(retry_after))
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

"""Running the Bolt app: over Socket Mode, or as an HTTP server for the Events API.

HTTP mode serves events, slash commands and interactivity at one path, ``/slack/events``,
on a threading server (Bolt's own development server binds every interface and handles one
request at a time).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, cast

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from askbot.errors import ConfigError
from askbot.models import RetrievalMode
from askbot.service import AskBot
from askbot.slack.app import bot_token, build_app
from askbot.slack.settings import SlackSettings

log = logging.getLogger("askbot.slack")

Mode = Literal["socket", "http"]
EVENTS_PATH = "/slack/events"


def check_settings(settings: SlackSettings, mode: str | None) -> Mode:
    """The mode to run in, once every setting it needs is there (else a one-line error).

    Without a mode, Socket Mode is chosen unless only ``SLACK_SIGNING_SECRET`` is set.
    """
    if mode not in (None, "socket", "http"):
        raise ConfigError(f"unknown Slack mode {mode!r}", "use --mode socket or --mode http")
    bot_token(settings)
    # Without --mode: Socket Mode, the README's way, unless only HTTP mode's secret is set.
    # So with the bot token alone, the error names SLACK_APP_TOKEN, the one the steps set.
    default: Mode = "http" if settings.signing_secret and not settings.app_token else "socket"
    resolved: Mode = mode or default  # type: ignore[assignment]
    if resolved == "socket":
        app_token(settings)
    if resolved == "http" and settings.signing_secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set (HTTP mode needs it to check requests)",
            "export the Signing Secret from your app's Basic Information page",
        )
    return resolved


# Slack's requests are a few kilobytes; anything this big is not from Slack.
MAX_BODY = 1_000_000
# A client that sends nothing for this long is dropped (a slow-loris would hold a worker).
CLIENT_TIMEOUT = 10.0
# Requests answered at once; past that, and a queue of as many again, new ones get a 503.
WORKERS = 16


class _BoltHandler(BaseHTTPRequestHandler):
    server: BoltHTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.client_timeout)

    def do_POST(self) -> None:
        path, _, query = self.path.partition("?")
        if path != EVENTS_PATH:
            self._reply(404, {}, "")
            return
        body = self._body()
        if body is None:
            return
        timestamp = self.headers.get("X-Slack-Request-Timestamp")
        if timestamp is not None and not timestamp.strip().isdigit():
            self._reply(400, {}, "bad X-Slack-Request-Timestamp")
            return
        headers: dict[str, str | Sequence[str]] = {}
        for name, value in self.headers.items():
            previous = headers.get(name.lower())
            headers[name.lower()] = [*previous, value] if previous else [value]
        response = self.server.app.dispatch(BoltRequest(body=body, query=query, headers=headers))
        self._reply(response.status, response.headers, response.body)

    def _body(self) -> str | None:
        """The request body as text, or None after answering what is wrong with it."""
        raw = self.headers.get("Content-Length")
        if raw is None:
            self._reply(411, {}, "Content-Length required")
            return None
        if not raw.strip().isdigit():
            self._reply(400, {}, "bad Content-Length")
            return None
        length = int(raw)
        if length > MAX_BODY:
            self._reply(413, {}, "request too large")
            return None
        try:
            return self.rfile.read(length).decode("utf-8")
        except UnicodeDecodeError:
            self._reply(400, {}, "the body is not UTF-8")
            return None

    def do_GET(self) -> None:
        self._reply(404, {}, "")

    def _reply(self, status: int, headers: Mapping[str, Sequence[str]], body: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        for name, values in headers.items():
            if name.lower() == "content-length":
                continue
            for value in values:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        if status >= 400:
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)


class BoltHTTPServer(ThreadingHTTPServer):
    """An HTTP server that hands every POST to ``/slack/events`` to a Bolt app, on a
    bounded pool of worker threads."""

    daemon_threads = True

    def __init__(
        self,
        app: App,
        host: str = "127.0.0.1",
        port: int = 3000,
        workers: int = WORKERS,
        client_timeout: float = CLIENT_TIMEOUT,
    ) -> None:
        self.app = app
        self.client_timeout = client_timeout
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="askbot-http")
        self._slots = threading.BoundedSemaphore(2 * workers)
        super().__init__((host, port), _BoltHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                    b"Connection: close\r\n\r\n"
                )
            self.shutdown_request(request)
            return
        self._pool.submit(self._work, request, client_address)

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def url(self) -> str:
        host, port = cast(tuple[str, int], self.server_address[:2])
        return f"http://{host}:{port}{EVENTS_PATH}"


def app_token(settings: SlackSettings) -> str:
    """``SLACK_APP_TOKEN``, or a one-line error saying what Socket Mode needs."""
    if settings.app_token is None:
        raise ConfigError(
            "SLACK_APP_TOKEN is not set (Socket Mode needs it)",
            "export an app-level token (xapp-…) with connections:write, or use --mode http",
        )
    return settings.app_token.get_secret_value()


def socket_mode_handler(app: App, settings: SlackSettings) -> SocketModeHandler:
    # The app's client carries SLACK_API_URL, so apps.connections.open goes there too.
    return SocketModeHandler(app, app_token(settings), web_client=app.client)


def run(settings: SlackSettings, bot: AskBot, *, mode: str | None, host: str, port: int) -> None:
    """Answers Slack until interrupted. The index and model are loaded here, once."""
    resolved = check_settings(settings, mode)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Load the model now: the first question should not be the slow one, and a model that
    # cannot load should stop the start, not fail every answer.
    if bot.settings.retriever != RetrievalMode.bm25:
        log.info("askbot is loading %s before answering", bot.embedder.name)
        log.info("askbot loaded the model in %.1f s", bot.warm_up() / 1000)
    from askbot.sources.background import BackgroundSync
    from askbot.sources.settings import load_fetch_settings
    from askbot.sources.sharing import LinkAdder

    fetching = load_fetch_settings()
    adder = LinkAdder(bot, fetching, settings.add_allowed)
    app, handlers = build_app(settings, bot, adder=adder)
    background = BackgroundSync(bot, fetching).start() if fetching.sync else None
    try:
        if resolved == "socket":
            log.info("askbot is connecting to Slack over Socket Mode")
            socket_mode_handler(app, settings).start()  # type: ignore[no-untyped-call]
        else:
            server = BoltHTTPServer(app, host, port)
            log.info("askbot is answering Slack at %s", server.url)
            try:
                server.serve_forever()
            finally:
                server.server_close()
    finally:
        if background is not None:
            background.stop()
        handlers.close()
        adder.close()

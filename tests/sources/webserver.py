"""A real HTTP server on 127.0.0.1 for the sources tests, with routes a test sets.

Each route is a function of the request that writes the response itself, so a test can
answer 304 to a conditional request, fail then succeed, hang, redirect in a loop, or
stream a body it never holds in memory. Every request is counted and logged.
"""

from __future__ import annotations

import hashlib
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up early (askbot refusing a body, a timeout) is what many tests
    provoke; socketserver would print its traceback to stderr, which the CLI runner
    captures as if askbot had printed it."""

    def handle_error(self, request: object, client_address: object) -> None:
        return None


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self.server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with site.lock:
                    site.hits[path] += 1
                    site.log.append((path, dict(self.headers.items())))
                route = site.routes.get(path)
                try:
                    if route is None:
                        send(self, 404, b"not found", "text/plain")
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        return _Handler

    def start(self) -> Site:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def page_requests(self) -> int:
        """Requests for anything but robots.txt."""
        return sum(n for path, n in self.hits.items() if path != "/robots.txt")

    # -- routes ----------------------------------------------------------------------

    def static(self, path: str, body: str | bytes, content_type: str) -> None:
        """A resource with an ETag and Last-Modified that answers 304 when unchanged."""
        data = body.encode() if isinstance(body, str) else body
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        modified = "Wed, 25 Nov 2026 10:00:00 GMT"

        def handle(request: BaseHTTPRequestHandler) -> None:
            if request.headers.get("If-None-Match") == etag:
                send(request, 304, b"", content_type, {"ETag": etag})
                return
            send(request, 200, data, content_type, {"ETag": etag, "Last-Modified": modified})

        self.routes[path] = handle

    def html(self, path: str, body: str) -> None:
        self.static(path, body, "text/html; charset=utf-8")

    def sequence(self, path: str, *handlers: Handler) -> None:
        """Answers with each handler in turn, then the last one forever."""
        calls = iter(handlers)
        last: list[Handler] = []

        def handle(request: BaseHTTPRequestHandler) -> None:
            handler = next(calls, None)
            if handler is None:
                handler = last[0]
            last[:] = [handler]
            handler(request)

        self.routes[path] = handle


def send(
    request: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    if body and request.command != "HEAD":
        request.wfile.write(body)


def status(code: int, headers: dict[str, str] | None = None) -> Handler:
    return lambda request: send(request, code, f"status {code}".encode(), "text/plain", headers)


def redirect(location: str, code: int = 301) -> Handler:
    return lambda request: send(request, code, b"", "text/plain", {"Location": location})


def hang(seconds: float) -> Handler:
    def handle(request: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(request, 200, b"<html></html>", "text/html")

    return handle


def endless(total: int, content_type: str = "text/html") -> Handler:
    """A body of ``total`` bytes generated as it is sent, never held in memory; no
    Content-Length, so only counting what arrives can stop it."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", content_type)
        request.send_header("Connection", "close")
        request.end_headers()
        chunk = b"<p>" + b"word " * 13_000 + b"</p>\n"
        sent = 0
        while sent < total:
            request.wfile.write(chunk)
            sent += len(chunk)

    return handle


def gzip_bomb(expanded: int) -> bytes:
    """Gzip of ``expanded`` zero bytes, compressed piece by piece (about 1000:1)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * 1_000_000
    parts = [deflate.compress(block) for _ in range(expanded // len(block))]
    parts.append(deflate.flush())
    return b"".join(parts)


def serve(site: Site) -> Iterator[Site]:
    site.start()
    try:
        yield site
    finally:
        site.stop()

"""Fetching untrusted URLs politely and safely: the one way askbot reads the web.

httpx (``httpx2``) does the HTTP; this module decides what may be fetched and how:

* only ``http`` and ``https``; every host (of every redirect hop, which is why redirects
  are followed here, not by httpx) must resolve to public addresses only, unless
  ``ASKBOT_ALLOW_PRIVATE_URLS=1`` (a shared link must not reach 127.0.0.1, the LAN or a
  cloud metadata service);
* robots.txt is honoured (protego), and its Crawl-delay when it asks for more time;
* one request at a time per host, ``ASKBOT_FETCH_DELAY`` seconds apart;
* timeouts per read and for the whole response; retries with doubling backoff on 429,
  5xx and dropped connections, honouring ``Retry-After`` up to a cap;
* the body is streamed and decompressed here (gzip, deflate) with a cap on both the bytes
  received and the bytes they expand to, so a 200 MB page or a gzip bomb is refused after
  reading no more than the cap;
* content types other than HTML, XML, JSON and text are refused before the body is read.

The address is checked twice: when the URL's host is resolved here (so nothing is sent
to a refused address), and on the connected socket's peer address (``PublicOnly``, the
network backend under httpx), so a DNS answer that changes between the two (DNS
rebinding) is refused too.
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore2
import httpx2 as httpx
from protego import Protego

from askbot import __version__
from askbot.errors import FetchError, TransientFetchError
from askbot.sources.registry import Robots
from askbot.sources.settings import FetchSettings

RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/feed+json,application/json;q=0.9,application/xml;q=0.9,text/*;q=0.8"
)
ACCEPTED_TYPES = (
    "text/",
    "application/xhtml+xml",
    "application/xml",
    "application/json",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
)
CHUNK = 64 * 1024
ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_FRESH = timedelta(hours=24)
ROBOTS_RETRY_SECONDS = 600.0
REFUSED_PEER = "askbot refused the connection: non-public address"


def user_agent(contact: str) -> str:
    """askbot's User-Agent: who it is, and how the site can reach whoever runs it."""
    reach = f"; +{contact.strip()}" if contact.strip() else ""
    return f"askbot/{__version__} (news question-answering bot{reach})"


@dataclass(frozen=True)
class Fetched:
    """A response askbot accepted: its final URL, and the body (empty on 304)."""

    url: str
    status: int
    content_type: str
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        charset = "utf-8"
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"' ")
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global is False for loopback, RFC 1918, link-local (169.254.169.254, the cloud
    # metadata address), CGNAT, unique-local IPv6 and the other reserved ranges.
    return ip.is_global and not ip.is_multicast


def check_url(url: str, allow_private: bool, allowed_hosts: frozenset[str] = frozenset()) -> None:
    """Refuses a URL askbot must not fetch (FetchError says why)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a port out of range, an unclosed [IPv6 literal
        raise FetchError(f"{url}: not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https URLs are fetched, not {parts.scheme!r}")
    host = parts.hostname
    if not host:
        raise FetchError(f"{url}: the URL names no host")
    if allow_private or host.lower() in allowed_hosts:
        return
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"{url}: cannot resolve {host} ({exc})") from None
    for info in infos:
        address = str(info[4][0])
        if not _public(address):
            raise FetchError(
                f"{url}: {host} resolves to the non-public address {address}",
                "askbot fetches only public addresses; set ASKBOT_ALLOW_PRIVATE_URLS=1 "
                "to allow internal ones",
            )


class PublicOnly(httpcore2.NetworkBackend):
    """httpcore's socket backend, refusing a connection whose peer is not public (the
    address actually connected to, whatever DNS said when the URL was checked)."""

    def __init__(self, allowed_hosts: frozenset[str] = frozenset()) -> None:
        self.inner = httpcore2.SyncBackend()
        self.allowed_hosts = allowed_hosts

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore2.NetworkStream:
        stream = self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        peer = str(stream.get_extra_info("socket").getpeername()[0])
        if host.lower() not in self.allowed_hosts and not _public(peer):
            stream.close()
            raise httpcore2.ConnectError(f"{REFUSED_PEER} {peer} ({host})")
        return stream

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore2.NetworkStream:
        raise httpcore2.ConnectError("askbot does not fetch over Unix sockets")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def _transport(settings: FetchSettings) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(trust_env=False)
    if not settings.allow_private_urls:
        # httpx builds its pool without a way to pass a network backend: replaced here.
        transport._pool = httpcore2.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=PublicOnly(settings.private_hosts()),
        )
    return transport


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _accepted(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return not kind or kind.startswith(ACCEPTED_TYPES) or kind.endswith(("+xml", "+json"))


class _Decoder:
    """Content-Encoding undone chunk by chunk, never expanding past ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int, url: str) -> None:
        self.limit = limit
        self.url = url
        self.size = 0
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self.inflate: zlib._Decompress | None = None
        elif encoding in ("gzip", "x-gzip"):
            self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.inflate = zlib.decompressobj()
        else:
            raise FetchError(f"{url}: unsupported Content-Encoding {encoding!r}")

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            raise FetchError(
                f"{self.url}: the response expands past {self.limit:,} bytes "
                "(a decompression bomb, or a page too large)",
                "raise ASKBOT_MAX_PAGE_MB if the page is genuine",
            )
        return data

    def feed(self, data: bytes) -> bytes:
        if self.inflate is None:
            return self._count(data)
        out = []
        try:
            # max_length stops a small compressed chunk from expanding in memory at once.
            piece = self.inflate.decompress(data, self.limit - self.size + 1)
            out.append(self._count(piece))
            while self.inflate.unconsumed_tail:
                piece = self.inflate.decompress(
                    self.inflate.unconsumed_tail, self.limit - self.size + 1
                )
                out.append(self._count(piece))
        except zlib.error as exc:
            raise FetchError(f"{self.url}: the compressed response is damaged ({exc})") from None
        return b"".join(out)


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = 0.0
    robots: Protego | None = None
    robots_error: str | None = None
    robots_until: float = 0.0  # time.monotonic() when robots.txt is to be read again


class Fetcher:
    """Fetches URLs for one askbot process; hosts are remembered (politeness, robots.txt)."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
        robots: dict[str, Robots] | None = None,
    ) -> None:
        self.settings = settings
        # robots.txt read before (sources.json keeps it): host -> what it said.
        self.robots = robots if robots is not None else {}
        self.agent = user_agent(settings.contact)
        self.sleep = sleep
        self.requests = 0
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        timeout = httpx.Timeout(settings.fetch_timeout)
        self.client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            transport=transport or _transport(settings),
            headers={"User-Agent": self.agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def max_bytes(self) -> int:
        return int(self.settings.max_page_mb * 1_000_000)

    @staticmethod
    def _key(url: str) -> str:
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise FetchError(f"{url}: not a valid URL ({exc})") from None
        return f"{parts.scheme}://{parts.netloc.lower()}"

    def _host(self, url: str) -> _Host:
        with self._hosts_lock:
            return self._hosts.setdefault(self._key(url), _Host())

    # -- robots.txt -------------------------------------------------------------------

    def _robots(self, url: str, host: _Host) -> None:
        # A long-running watch reads it again after a day, as a new process would; after
        # a failure, within minutes (one request a sync, not one a page).
        if time.monotonic() < host.robots_until:
            return
        host.robots_until = time.monotonic() + ROBOTS_FRESH.total_seconds()
        host.robots, host.robots_error = None, None
        key = self._key(url)
        known = self.robots.get(key)
        if known is not None and datetime.now(UTC) - known.fetched < ROBOTS_FRESH:
            host.robots = Protego.parse(known.text) if known.text is not None else None
            return
        robots_url = f"{key}/robots.txt"
        try:
            got = self._get(robots_url, host, {}, ROBOTS_MAX_BYTES, robots=True)
        except FetchError as exc:
            # RFC 9309: an unreachable robots.txt means "assume everything is disallowed".
            host.robots_error = f"robots.txt could not be read ({exc.problem})"
            host.robots_until = time.monotonic() + ROBOTS_RETRY_SECONDS
            return
        if got.status >= 500:
            host.robots_error = f"robots.txt answered {got.status}"
            host.robots_until = time.monotonic() + ROBOTS_RETRY_SECONDS
        elif got.status == 200:
            host.robots = Protego.parse(got.text())
            self.robots[key] = Robots(text=got.text(), fetched=datetime.now(UTC))
        else:  # 4xx (and a redirect askbot does not chase): no rules, all allowed.
            self.robots[key] = Robots(text=None, fetched=datetime.now(UTC))

    def _allowed(self, url: str, host: _Host) -> None:
        self._robots(url, host)
        if host.robots_error:
            raise TransientFetchError(
                f"{url}: {host.robots_error}, so askbot does not fetch from it"
            )
        if host.robots is not None and not host.robots.can_fetch(url, "askbot"):
            raise FetchError(f"{url}: robots.txt disallows askbot")

    def _delay(self, host: _Host) -> float:
        delay = self.settings.fetch_delay
        if host.robots is not None:
            asked = host.robots.crawl_delay("askbot")
            if asked:
                delay = max(delay, min(float(asked), 60.0))
        return delay

    # -- one request ------------------------------------------------------------------

    def _wait_turn(self, host: _Host) -> None:
        wait = host.last + self._delay(host) - time.monotonic()
        if wait > 0:
            self.sleep(wait)

    def _read(self, response: httpx.Response, url: str, limit: int) -> bytes:
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise FetchError(
                f"{url}: the response is {int(length):,} bytes, at most {limit:,}",
                "raise ASKBOT_MAX_PAGE_MB if the page is genuine",
            )
        decoder = _Decoder(response.headers.get("content-encoding", ""), limit, url)
        deadline = time.monotonic() + self.settings.fetch_total_timeout
        received = 0
        parts = []
        for raw in response.iter_raw(CHUNK):
            received += len(raw)
            if received > limit:
                raise FetchError(
                    f"{url}: the response is more than {limit:,} bytes",
                    "raise ASKBOT_MAX_PAGE_MB if the page is genuine",
                )
            if time.monotonic() > deadline:
                raise TransientFetchError(
                    f"{url}: the response took more than "
                    f"{self.settings.fetch_total_timeout:g}s (a server that trickles)"
                )
            parts.append(decoder.feed(raw))
        return b"".join(parts)

    def _once(
        self, url: str, host: _Host, headers: dict[str, str], limit: int
    ) -> tuple[httpx.Response, bytes]:
        with host.lock:  # one request at a time per host
            self._wait_turn(host)
            self.requests += 1
            try:
                with self.client.stream("GET", url, headers=headers) as response:
                    body = b""
                    if response.status_code == 200:
                        kind = response.headers.get("content-type", "")
                        if not _accepted(kind):
                            raise FetchError(
                                f"{url}: content type {kind.split(';')[0]!r} is not a page "
                                "or a feed (askbot reads HTML, XML, JSON and text)"
                            )
                        body = self._read(response, url, limit)
                    return response, body
            except httpx.InvalidURL as exc:
                raise FetchError(f"{url}: not a valid URL ({exc})") from None
            except httpx.TimeoutException:
                raise TransientFetchError(
                    f"{url}: timed out after {self.settings.fetch_timeout:g}s",
                    "the site may be down; set ASKBOT_FETCH_TIMEOUT to wait longer",
                ) from None
            except httpx.HTTPError as exc:
                if REFUSED_PEER in str(exc):
                    raise FetchError(
                        f"{url}: {exc}",
                        "set ASKBOT_ALLOW_PRIVATE_URLS=1 to allow internal addresses",
                    ) from None
                raise _Dropped(f"{url}: {type(exc).__name__}: {exc}") from None
            finally:
                host.last = time.monotonic()

    def _get(
        self,
        url: str,
        host: _Host,
        headers: dict[str, str],
        limit: int,
        *,
        robots: bool = False,
    ) -> Fetched:
        """One URL, retried on 429/5xx and dropped connections; redirects not followed."""
        check_url(url, self.settings.allow_private_urls, self.settings.private_hosts())
        if not robots:
            self._allowed(url, host)
        attempt = 0
        while True:
            try:
                response, body = self._once(url, host, headers, limit)
            except _Dropped as exc:
                if attempt >= self.settings.fetch_retries:
                    raise TransientFetchError(str(exc)) from None
                self.sleep(self.settings.fetch_backoff * 2**attempt)
                attempt += 1
                continue
            status = response.status_code
            if status in RETRY_STATUSES and not robots:
                if attempt >= self.settings.fetch_retries:
                    raise TransientFetchError(
                        f"{url}: HTTP {status} after {attempt + 1} attempts",
                        "the site is failing or limiting askbot; the next sync tries again",
                    )
                wait = self.settings.fetch_backoff * 2**attempt
                asked = _retry_after(response.headers.get("retry-after"))
                if asked is not None:
                    if asked > self.settings.max_retry_after:
                        raise TransientFetchError(
                            f"{url}: HTTP {status} asks to retry after {asked:g}s, more than "
                            f"ASKBOT_MAX_RETRY_AFTER={self.settings.max_retry_after:g}s",
                            "the next sync tries again",
                        )
                    wait = max(wait, asked)
                self.sleep(wait)
                attempt += 1
                continue
            return Fetched(
                url=url,
                status=status,
                content_type=response.headers.get("content-type", ""),
                body=body,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                location=response.headers.get("location"),
            )

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """The response to GET ``url`` (200 or 304), redirects followed and checked;
        FetchError for everything else."""
        headers = {"Accept": ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [url]
        current = url
        for _ in range(self.settings.max_redirects + 1):
            got = self._get(current, self._host(current), headers, self.max_bytes)
            if got.status in REDIRECT_STATUSES:
                target = got.location
                if not target:
                    raise FetchError(f"{current}: HTTP {got.status} redirect without a Location")
                target = urljoin(current, target)
                if target in seen:
                    raise FetchError(f"{url}: redirect loop ({' -> '.join([*seen, target])})")
                seen.append(target)
                current = target
                continue
            if got.status in (200, 304):
                return got
            raise FetchError(f"{current}: HTTP {got.status}", _hint(got.status))
        raise FetchError(
            f"{url}: more than {self.settings.max_redirects} redirects",
            "follow the final URL instead",
        )


class _Dropped(Exception):
    """A connection that failed before a response: worth a retry."""


def _hint(status: int) -> str:
    if status in (401, 403):
        return "the site refuses askbot; check the URL, or unfollow it"
    if status in (404, 410):
        return "the page is gone; check the URL, or unfollow it"
    return "check the URL"

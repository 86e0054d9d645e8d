"""The fetcher's small parts: Retry-After, decompression, schedules."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from webserver import Site, send

from askbot.errors import FetchError, InputError
from askbot.sources.durations import parse_every, show_every
from askbot.sources.fetch import Fetcher, _Decoder, _retry_after
from askbot.sources.registry import Registry, Source
from askbot.sources.settings import FetchSettings
from askbot.sources.watch import due, seconds_to_next


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert _retry_after("7") == 7.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (_retry_after(later) or 0) <= 31
    assert _retry_after("soon") is None and _retry_after(None) is None


def test_deflate_and_gzip_are_undone_within_the_cap() -> None:
    text = b"<p>" + b"the ports reopened " * 500 + b"</p>"
    assert _Decoder("deflate", 100_000, "u").feed(zlib.compress(text)) == text
    packer = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    gz = packer.compress(text) + packer.flush()
    assert _Decoder("gzip", 100_000, "u").feed(gz) == text
    with pytest.raises(FetchError, match="expands past 1,000 bytes"):
        _Decoder("gzip", 1_000, "u").feed(gz)
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        _Decoder("br", 1_000, "u")


def test_a_compressed_page_over_http(site: Site) -> None:
    page = b"<html><body><p>" + b"word " * 2000 + b"</p></body></html>"
    packer = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    gz = packer.compress(page) + packer.flush()
    site.routes["/gz"] = lambda r: send(r, 200, gz, "text/html", {"Content-Encoding": "gzip"})
    with Fetcher(FetchSettings(allow_private_urls=True, fetch_delay=0)) as fetcher:
        got = fetcher.get(site.base + "/gz")
    assert got.body == page
    (headers,) = [h for path, h in site.log if path == "/gz"]
    assert headers["Accept-Encoding"] == "gzip, deflate"


def test_schedules() -> None:
    assert [parse_every(x) for x in ("90s", "15m", "1h30m", "2d", "15")] == [
        90,
        900,
        5400,
        172_800,
        900,
    ]
    assert show_every(900) == "15m" and show_every(90) == "90s"
    for bad in ("soon", "0s", "-5m", "40d", "1x"):
        with pytest.raises(InputError):
            parse_every(bad)


def test_watch_runs_what_is_due() -> None:
    now = datetime.now(UTC)
    registry = Registry(
        sources=[
            Source(name="never", kind="rss", url="u1", every=60, added=now),
            Source(name="recent", kind="rss", url="u2", every=600, added=now, last_attempt=now),
            Source(
                name="old",
                kind="rss",
                url="u3",
                every=60,
                added=now,
                last_attempt=now - timedelta(seconds=61),
            ),
        ]
    )
    assert due(registry, now) == ["never", "old"]
    registry.sources = registry.sources[1:2]
    assert seconds_to_next(registry, now) == 30.0  # sleeps at most IDLE_SECONDS at a time

"""Sites that misbehave: each failure is a line `source NAME: url: reason`, the other
sources still sync, nothing in the index is lost, and the exit status says so."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

import pytest
from sources_harness import Newsroom
from webserver import Handler, endless, gzip_bomb, hang, redirect, send, status

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title></channel></rss>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&secret;</title><item><title>x</title>
<link>http://127.0.0.1/x</link></item></channel></rss>"""
BOMB = gzip_bomb(60_000_000)


def body(data: bytes, content_type: str, headers: dict[str, str] | None = None) -> Handler:
    return lambda request: send(request, 200, data, content_type, headers)


FEED_FAILURES: dict[str, tuple[Callable[[Newsroom], Handler], str]] = {
    "404": (lambda n: status(404), "HTTP 404"),
    "500 every time": (lambda n: status(500), "HTTP 500 after 3 attempts"),
    "malformed XML": (
        lambda n: body(b"<?xml version='1.0'?><urlset><url><loc>x</url>", "text/xml"),
        "malformed XML",
    ),
    "billion laughs": (lambda n: body(BILLION_LAUGHS, "application/rss+xml"), "entities"),
    "external entity": (lambda n: body(EXTERNAL_ENTITY, "application/rss+xml"), "entities"),
    "redirect loop": (lambda n: redirect("/harbour/feed.xml"), "redirect loop"),
    "too many redirects": (lambda n: redirect("/r/1"), "more than 5 redirects"),
    "image": (lambda n: body(b"\x89PNG....", "image/png"), "content type 'image/png'"),
    "200 MB": (lambda n: endless(200_000_000), "more than 10,000,000 bytes"),
    "gzip bomb": (
        lambda n: body(BOMB, "application/rss+xml", {"Content-Encoding": "gzip"}),
        "decompression bomb",
    ),
    "hangs": (lambda n: hang(5), "timed out after 1s"),
    "empty": (lambda n: body(b"", "application/xml"), "empty"),
    "json not a feed": (lambda n: body(b'{"a": 1}', "application/json"), "not a JSON Feed"),
}


@pytest.mark.parametrize("case", sorted(FEED_FAILURES))
def test_a_failing_feed_is_one_line_and_the_others_sync(newsroom: Newsroom, case: str) -> None:
    newsroom.follow_outlets()
    assert newsroom("sync").code == 0
    before = newsroom.articles()
    make, reason = FEED_FAILURES[case]
    newsroom.site.routes["/harbour/feed.xml"] = make(newsroom)
    # /r/N redirects to /r/N+1 forever.
    for n in range(1, 12):
        newsroom.site.routes[f"/r/{n}"] = redirect(f"/r/{n + 1}", 302)
    # Something new at another source, to show it is still read.
    newsroom.valley_atom(
        [
            "/valley/2026/11/dam-repairs.html",
            "/valley/2026/11/rail-line.html",
            "/valley/2026/11/school-opens.html",
        ]
    )
    started = time.monotonic()
    run = newsroom("sync")
    assert run.code == 1, run.text
    err = " ".join(run.err.split())
    assert f"source harbour: {newsroom.url('/harbour/feed.xml')}: " in err, err
    assert reason in err, err
    assert "source valley" not in err and "source coast" not in err
    after = newsroom.articles()
    assert set(before) < set(after) and len(after) == len(before) + 1
    assert time.monotonic() - started < 8
    listed = {s["name"]: s for s in json.loads(newsroom("sources", "--json").out)}
    assert reason in (listed["harbour"]["last_error"] or ""), listed["harbour"]
    assert listed["valley"]["last_error"] is None


def _trouble_feed(newsroom: Newsroom) -> None:
    site = newsroom.site
    site.html(
        "/trouble/section.html",
        "<html><head><title>World</title></head><body>"
        + "".join(f'<p><a href="/s/{i}">Story number {i} headline</a></p>' for i in range(60))
        + "</body></html>",
    )
    site.routes["/trouble/gone.html"] = status(404)
    site.routes["/trouble/photo.jpg"] = body(b"\xff\xd8\xff", "image/jpeg")
    site.routes["/trouble/huge.html"] = endless(200_000_000)
    site.routes["/trouble/bomb.html"] = body(BOMB, "text/html", {"Content-Encoding": "gzip"})
    site.routes["/trouble/slow.html"] = hang(5)
    site.routes["/trouble/loop.html"] = redirect("/trouble/loop.html")
    site.routes["/trouble/moved.html"] = redirect("/harbour/2026/11/grain-deal.html")
    site.routes["/trouble/elsewhere.html"] = redirect("file:///etc/passwd")
    items = "".join(
        f"<item><title>{name}</title><link>{newsroom.url(path)}</link></item>"
        for name, path in [
            ("section", "/trouble/section.html"),
            ("gone", "/trouble/gone.html"),
            ("photo", "/trouble/photo.jpg"),
            ("huge", "/trouble/huge.html"),
            ("bomb", "/trouble/bomb.html"),
            ("slow", "/trouble/slow.html"),
            ("loop", "/trouble/loop.html"),
            ("moved", "/trouble/moved.html"),
            ("elsewhere", "/trouble/elsewhere.html"),
            ("robots", "/private/memo.html"),
        ]
    )
    site.static(
        "/trouble/feed.xml",
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Trouble Daily</title>"
        f"{items}</channel></rss>",
        "application/rss+xml",
    )


def test_bad_pages_are_each_a_line_and_good_ones_are_ingested(newsroom: Newsroom) -> None:
    _trouble_feed(newsroom)
    assert newsroom("follow", newsroom.url("/trouble/feed.xml"), "--name", "trouble").code == 0
    run = newsroom("sync")
    assert run.code == 1, run.text
    err = " ".join(run.err.split())
    for path, reason in [
        ("/trouble/section.html", "not an article"),
        ("/trouble/gone.html", "HTTP 404"),
        ("/trouble/photo.jpg", "content type 'image/jpeg'"),
        ("/trouble/huge.html", "the response is more than 10,000,000 bytes"),
        ("/trouble/bomb.html", "the response expands past 10,000,000 bytes (a decompression bomb"),
        ("/trouble/slow.html", "timed out"),
        ("/trouble/loop.html", "redirect loop"),
        ("/trouble/elsewhere.html", "file:///etc/passwd: only http and https"),
        ("/private/memo.html", "robots.txt disallows askbot"),
    ]:
        assert f"source trouble: {newsroom.url(path)}: {reason}" in err, (path, err)
    assert newsroom.site.hits["/private/memo.html"] == 0
    # The redirected entry became the page it moved to.
    titles = {a.title for a in newsroom.articles().values()}
    assert titles == {"Grain export deal signed in Kessel Bay"}
    # Pages that can never be articles are not fetched again; the slow one is retried.
    newsroom.site.hits.clear()
    newsroom.site.routes["/trouble/slow.html"] = newsroom.site.routes[
        "/harbour/2026/11/ports-reopen.html"
    ]
    newsroom.site.static(
        "/trouble/feed.xml",
        "<rss version='2.0'><channel><title>T</title>"
        f"<item><title>slow</title><link>{newsroom.url('/trouble/slow.html')}</link></item>"
        f"<item><title>gone</title><link>{newsroom.url('/trouble/gone.html')}</link></item>"
        "</channel></rss>",
        "application/rss+xml",
    )
    assert newsroom("sync").code == 0
    assert newsroom.site.hits["/trouble/slow.html"] == 1
    assert newsroom.site.hits["/trouble/gone.html"] == 0


def test_500_then_success_is_retried(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    good = newsroom.site.routes["/harbour/feed.xml"]
    newsroom.site.sequence("/harbour/feed.xml", status(500), status(503), good)
    run = newsroom("sync")
    assert run.code == 0, run.text
    assert newsroom.site.hits["/harbour/feed.xml"] == 1 + 3  # follow, then 2 failures + 1


def test_429_waits_as_long_as_retry_after_says(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    good = newsroom.site.routes["/harbour/feed.xml"]
    arrivals: list[float] = []

    def timed(handler: Handler) -> Handler:
        def handle(request: BaseHTTPRequestHandler) -> None:
            arrivals.append(time.monotonic())
            handler(request)

        return handle

    newsroom.site.sequence(
        "/harbour/feed.xml", timed(status(429, {"Retry-After": "1"})), timed(good)
    )
    run = newsroom("sync", "harbour")
    assert run.code == 0, run.text
    # The backoff alone would be 0.05 s: the second request waited for Retry-After.
    assert len(arrivals) == 2 and arrivals[1] - arrivals[0] >= 1.0, arrivals


def test_a_retry_after_beyond_the_cap_fails_at_once(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    newsroom.follow_outlets()
    monkeypatch.setenv("ASKBOT_MAX_RETRY_AFTER", "5")
    newsroom.site.routes["/harbour/feed.xml"] = status(429, {"Retry-After": "3600"})
    started = time.monotonic()
    run = newsroom("sync", "harbour")
    assert run.code == 1
    assert "asks to retry after 3600s" in " ".join(run.err.split())
    assert time.monotonic() - started < 3


def test_follow_fails_well_on_a_bad_url(newsroom: Newsroom) -> None:
    newsroom.site.routes["/nothing.xml"] = status(404)
    run = newsroom("follow", newsroom.url("/nothing.xml"))
    assert run.code == 6 and "HTTP 404" in run.err
    run = newsroom("follow", "ftp://example.org/feed.xml")
    assert run.code == 6 and "only http and https" in run.err
    assert "no sources yet" in newsroom("sources").out


def test_an_entry_with_a_broken_link_costs_only_that_entry(newsroom: Newsroom) -> None:
    story = newsroom.feeds.items["/valley/2026/11/dam-repairs.html"]
    atom = newsroom.feeds.atom(["/valley/2026/11/dam-repairs.html"])
    broken = atom.replace("<entry>", "<entry>", 1).replace(
        "</feed>",
        "<entry><title>Broken</title><link rel='alternate' href='http://[::1/x'/>"
        "<id>tag:broken</id><updated>2026-11-24T00:00:00Z</updated>"
        f"<content type='html'>{''.join(f'&lt;p&gt;{p}&lt;/p&gt;' for p in story.paragraphs)}"
        "</content></entry>"
        "<entry><title>Port</title><link rel='alternate' href='http://host:99999/x'/>"
        "<id>tag:port</id><updated>2026-11-24T00:00:00Z</updated></entry></feed>",
    )
    newsroom.site.static("/valley/atom.xml", broken, "application/atom+xml")
    assert newsroom("follow", newsroom.url("/valley/atom.xml"), "--name", "valley").code == 0
    run = newsroom("sync")
    assert run.code == 1, run.text
    err = " ".join(run.err.split())
    assert "source valley: http://host:99999/x: not a valid URL" in err, err
    assert len(newsroom.articles()) >= 1

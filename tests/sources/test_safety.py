"""Safe by default and a good citizen: private addresses refused, robots.txt honoured, a
real User-Agent, one request at a time per host."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from sources_harness import Newsroom
from webserver import Site, redirect

from askbot.errors import FetchError
from askbot.sources.fetch import Fetcher, check_url, user_agent
from askbot.sources.settings import FetchSettings


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/admin",
        "http://localhost:8080/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0/",
        "http://[fd00:ec2::254]/",
    ],
)
def test_private_addresses_are_refused_by_default(url: str) -> None:
    with pytest.raises(FetchError, match="non-public address"):
        check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://a/"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        check_url(url, allow_private=True)


def test_a_public_address_is_allowed() -> None:
    check_url("http://93.184.215.14/", allow_private=False)  # a literal: no DNS needed


def test_a_feed_entry_on_a_private_address_is_refused_without_a_request(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    newsroom.follow_outlets()
    newsroom.site.hits.clear()
    monkeypatch.delenv("ASKBOT_ALLOW_PRIVATE_URLS")
    run = newsroom("sync")
    assert run.code == 1
    err = " ".join(run.err.split())
    assert (
        f"source harbour: {newsroom.url('/harbour/feed.xml')}: 127.0.0.1 resolves to the "
        "non-public address 127.0.0.1" in err
    )
    assert "ASKBOT_ALLOW_PRIVATE_URLS=1" in err
    assert sum(newsroom.site.hits.values()) == 0
    assert newsroom.articles() == {}


def test_entries_pointing_to_private_addresses_are_refused(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed is on an allowed intranet host; its entries point at other internal
    addresses (the metadata service, localhost, the LAN), which are never contacted."""
    port = newsroom.site.server.server_address[1]
    targets = [
        "http://169.254.169.254/latest/meta-data/iam/",
        f"http://localhost:{port}/harbour/2026/11/grain-deal.html",
        "http://10.1.2.3/wiki/",
    ]
    items = "".join(
        f"<item><title>t{i}</title><link>{u}</link></item>" for i, u in enumerate(targets)
    )
    newsroom.site.static(
        "/intranet.xml",
        f"<rss version='2.0'><channel><title>Internal</title>{items}</channel></rss>",
        "application/rss+xml",
    )
    monkeypatch.delenv("ASKBOT_ALLOW_PRIVATE_URLS")
    monkeypatch.setenv("ASKBOT_ALLOWED_PRIVATE_HOSTS", "127.0.0.1")
    assert newsroom("follow", newsroom.url("/intranet.xml"), "--name", "internal").code == 0
    run = newsroom("sync")
    assert run.code == 1
    err = " ".join(run.err.split())
    for url in targets:
        assert f"source internal: {url}: " in err and "non-public address" in err, err
    assert newsroom.site.hits["/harbour/2026/11/grain-deal.html"] == 0
    assert newsroom.articles() == {}


def test_every_redirect_hop_is_checked(site: Site) -> None:
    site.routes["/go"] = redirect("file:///etc/passwd")
    site.routes["/robots.txt"] = redirect("/nowhere")
    with (
        Fetcher(FetchSettings(allow_private_urls=True, fetch_delay=0)) as fetcher,
        pytest.raises(FetchError, match="only http and https"),
    ):
        fetcher.get(site.base + "/go")


def test_user_agent_names_askbot_and_the_contact(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    agents = {headers.get("User-Agent") for _, headers in newsroom.site.log}
    assert agents == {user_agent("newsdesk@example.org")}
    agent = agents.pop() or ""
    assert agent.startswith("askbot/0.1.0 (") and "+newsdesk@example.org" in agent


def test_one_request_at_a_time_per_host_with_the_delay(site: Site) -> None:
    site.static("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    for n in range(4):
        site.html(f"/p{n}", "<html><body>x</body></html>")
    times: list[float] = []
    original = site.routes["/p0"]

    def stamp(request):  # type: ignore[no-untyped-def]
        times.append(time.monotonic())
        original(request)

    for n in range(4):
        site.routes[f"/p{n}"] = stamp
    settings = FetchSettings(allow_private_urls=True, fetch_delay=0.3)
    with Fetcher(settings) as fetcher:
        threads = [
            threading.Thread(target=fetcher.get, args=(f"{site.base}/p{n}",)) for n in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    times.sort()
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 4 and min(gaps) >= 0.29, gaps


def test_robots_crawl_delay_is_honoured(site: Site) -> None:
    site.static("/robots.txt", "User-agent: askbot\nCrawl-delay: 1\n", "text/plain")
    site.html("/a", "<html></html>")
    site.html("/b", "<html></html>")
    slept: list[float] = []
    with Fetcher(
        FetchSettings(allow_private_urls=True, fetch_delay=0), sleep=slept.append
    ) as fetcher:
        fetcher.get(site.base + "/a")
        fetcher.get(site.base + "/b")
    assert slept and max(slept) > 0.9


def test_an_unreachable_robots_txt_means_no_fetching(site: Site) -> None:
    from webserver import status

    site.routes["/robots.txt"] = status(503)
    site.html("/a", "<html></html>")
    with (
        Fetcher(FetchSettings(allow_private_urls=True, fetch_delay=0)) as fetcher,
        pytest.raises(FetchError, match=r"robots\.txt answered 503"),
    ):
        fetcher.get(site.base + "/a")
    assert site.hits["/a"] == 0


def test_the_connected_address_is_checked_too(site: Site) -> None:
    """DNS rebinding: whatever the name resolved to when checked, a connection whose peer
    is internal is closed before a byte is sent."""
    import httpcore2

    from askbot.sources.fetch import PublicOnly

    port = site.server.server_address[1]
    with pytest.raises(httpcore2.ConnectError, match=r"non-public address"):
        PublicOnly().connect_tcp("localhost", port)
    PublicOnly(frozenset({"localhost"})).connect_tcp("localhost", port).close()
    assert site.hits == {}


@pytest.mark.parametrize(
    "url", ["http://", "not a url", "http://host:99999/", "http://[::1", "javascript:alert(1)"]
)
def test_a_url_that_is_not_one_is_one_error(url: str) -> None:
    with (
        Fetcher(FetchSettings(allow_private_urls=True, fetch_delay=0, fetch_retries=0)) as f,
        pytest.raises(FetchError),
    ):
        f.get(url)

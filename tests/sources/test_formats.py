"""Every kind of source askbot follows: JSON Feed, RSS 1.0, sitemap index, a single page,
OPML import; and watch."""

from __future__ import annotations

import json

from sources_harness import Newsroom

from askbot.sources.entries import article_id_for, canonical_url

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{base}/rdf"><title>Coast Courier</title><link>{base}/</link>
<description>d</description></channel>
<item rdf:about="{base}/coast/2026/11/ferry-strike.html"><title>Ferry workers end strike</title>
<link>{base}/coast/2026/11/ferry-strike.html</link><dc:date>2026-11-23T16:45:00Z</dc:date>
</item></rdf:RDF>"""


def test_json_feed_with_full_text(newsroom: Newsroom) -> None:
    newsroom.site.static(
        "/valley/feed.json",
        newsroom.feeds.json_feed(["/valley/2026/11/rail-line.html"]),
        "application/feed+json",
    )
    assert newsroom("follow", newsroom.url("/valley/feed.json")).code == 0
    assert "json-feed" in newsroom("sources").out
    assert newsroom("sync").code == 0
    (article,) = newsroom.articles().values()
    assert article.title == "New rail line to connect valley towns"
    assert article.source == "Valley Ledger" and str(article.published) == "2026-11-22"
    assert newsroom.site.hits["/valley/2026/11/rail-line.html"] == 0


def test_rss_1_0(newsroom: Newsroom) -> None:
    newsroom.site.static("/rdf", RDF.format(base=newsroom.base), "application/rdf+xml")
    assert newsroom("follow", newsroom.url("/rdf"), "--name", "rdf").code == 0
    assert newsroom("sync").code == 0
    (article,) = newsroom.articles().values()
    assert article.title == "Ferry workers end three-day strike"  # the page's own headline
    assert article.source == "Coast Courier"


def test_sitemap_index_and_its_children(newsroom: Newsroom) -> None:
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{newsroom.url("/coast/news-sitemap.xml")}</loc><lastmod>2026-11-23</lastmod></sitemap>
</sitemapindex>"""
    newsroom.site.static("/coast/sitemap-index.xml", index, "application/xml")
    assert newsroom("follow", newsroom.url("/coast/sitemap-index.xml")).code == 0
    assert newsroom("sync").code == 0
    assert len(newsroom.articles()) == 2
    newsroom.site.hits.clear()
    assert newsroom("sync").code == 0
    assert dict(newsroom.site.hits) == {"/coast/sitemap-index.xml": 1}


def test_a_single_page(newsroom: Newsroom) -> None:
    url = newsroom.url("/harbour/2026/11/grain-deal.html")
    run = newsroom("follow", url)
    assert run.code == 0 and "(page" in run.out
    assert newsroom("sync").code == 0
    assert list(newsroom.articles()) == [article_id_for(url)]
    newsroom.site.hits.clear()
    assert newsroom("sync").code == 0
    assert dict(newsroom.site.hits) == {"/harbour/2026/11/grain-deal.html": 1}  # a 304


def test_opml_import(newsroom: Newsroom) -> None:
    opml = newsroom.root / "feeds.opml"
    opml.write_text(
        f"""<?xml version="1.0"?><opml version="2.0"><head><title>My feeds</title></head>
<body><outline text="News"><outline text="Harbour Times" type="rss"
 xmlUrl="{newsroom.url("/harbour/feed.xml")}"/></outline>
<outline text="Valley Ledger" type="rss" xmlUrl="{newsroom.url("/valley/atom.xml")}"/>
</body></opml>"""
    )
    run = newsroom("follow", "--opml", str(opml))
    assert run.code == 0, run.text
    names = [s["name"] for s in json.loads(newsroom("sources", "--json").out)]
    assert names == ["harbour-times", "valley-ledger"]
    assert newsroom("sync").code == 0
    kinds = {s["name"]: s["kind"] for s in json.loads(newsroom("sources", "--json").out)}
    assert kinds == {"harbour-times": "rss", "valley-ledger": "atom"}
    bad = newsroom.root / "bad.opml"
    bad.write_text("<opml><body><outline")
    assert newsroom("follow", "--opml", str(bad)).code == 2


def test_watch_runs_a_sync(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    run = newsroom("watch", "--cycles", "1")
    assert run.code == 0, run.text
    assert "watching 3 sources" in run.out and len(newsroom.articles()) == 5


def test_canonical_urls() -> None:
    assert (
        canonical_url("HTTPS://News.Example:443/a?utm_source=x&id=3#top")
        == "https://news.example/a?id=3"
    )


def test_add_one_page(newsroom: Newsroom) -> None:
    run = newsroom("add", newsroom.url("/harbour/2026/11/grain-deal.html"))
    assert run.code == 0, run.text
    assert "added: Grain export deal signed in Kessel Bay (Harbour Times · 2026-11-21)" in run.out
    again = newsroom("add", newsroom.url("/harbour/2026/11/grain-deal.html"))
    assert "already in the index" in again.out
    feed = newsroom("add", newsroom.url("/harbour/feed.xml"))
    assert feed.code == 6 and "is a rss, not an article page" in feed.err
    assert len(newsroom.articles()) == 1


def test_background_sync_while_questions_are_answered(newsroom: Newsroom) -> None:
    """ASKBOT_SYNC=on: the Slack bot's background loop syncs; questions keep answering."""
    import time

    from askbot.service import AskBot
    from askbot.settings import Settings
    from askbot.sources.background import BackgroundSync
    from askbot.sources.settings import FetchSettings

    newsroom.follow_outlets()
    settings = Settings(index=newsroom.index, min_confidence=0.0)  # type: ignore[call-arg]
    with AskBot.open(settings) as bot:
        fetching = FetchSettings(allow_private_urls=True, fetch_delay=0)
        background = BackgroundSync(bot, fetching).start()
        answered = 0
        deadline = time.monotonic() + 30
        try:
            while background.syncs == 0 and time.monotonic() < deadline:
                bot.ask("Which ports reopened?")  # never blocked by the sync's commit
                answered += 1
        finally:
            background.stop()
        assert background.syncs == 1 and answered > 0
        with bot.index.snapshot() as snap:
            assert len(snap.article_ids()) == 5


def test_following_a_front_page_follows_the_feed_it_names(newsroom: Newsroom) -> None:
    links = "".join(
        f'<li><a href="/harbour/{i}.html">Story {i} of the day</a></li>' for i in range(40)
    )
    newsroom.site.html(
        "/harbour/",
        '<html><head><title>Harbour Times</title><link rel="alternate" '
        'type="application/rss+xml" title="RSS" href="/harbour/feed.xml"></head>'
        f"<body><ul>{links}</ul></body></html>",
    )
    run = newsroom("follow", newsroom.url("/harbour/"))
    assert run.code == 0, run.text
    assert "it names the feed" in run.out
    (source,) = json.loads(newsroom("sources", "--json").out)
    assert source["url"] == newsroom.url("/harbour/feed.xml") and source["kind"] == "rss"
    newsroom.site.html("/nothing/", "<html><body><p>Hello</p></body></html>")
    bad = newsroom("follow", newsroom.url("/nothing/"))
    assert bad.code == 6 and "neither an article nor names a feed" in bad.err


def test_a_damaged_sources_file_is_one_line(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    (newsroom.index / "sources.json").write_text("{not json")
    run = newsroom("sources")
    assert run.code == 6 and "sources.json is damaged" in run.err
    assert newsroom("sync").code == 6

"""follow, sync and sources against a local newsroom: first sync, nothing new, new and
changed entries."""

from __future__ import annotations

import json

from sources_harness import Newsroom

from askbot.sources.entries import article_id_for


def test_first_sync_reads_every_outlet(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    run = newsroom("sync")
    assert run.code == 0, run.text
    articles = newsroom.articles()
    ports = articles[article_id_for(newsroom.url("/harbour/2026/11/ports-reopen.html"))]
    assert ports.title == "Northern ports reopen after storm closure"
    assert ports.source == "Harbour Times"
    assert str(ports.published) == "2026-11-20"
    assert ports.authors == ("Mara Lindqvist",)
    assert ports.text.startswith("The reopening of the northern ports in Kessel Bay")
    assert "All rights reserved" not in ports.text and "Home" not in ports.text.split()[:3]
    # Five stories: the Coast Courier's wire copy names the Harbour Times as canonical.
    assert len(articles) == 5, sorted(a.title or "" for a in articles.values())
    # The Valley Ledger's Atom feed carries full text: its pages are never fetched.
    assert newsroom.site.hits["/valley/2026/11/dam-repairs.html"] == 0
    dam = articles[article_id_for(newsroom.url("/valley/2026/11/dam-repairs.html"))]
    assert dam.source == "Valley Ledger" and dam.authors == ("Ines Carvalho",)
    assert str(dam.published) == "2026-11-19"
    assert newsroom.site.hits["/harbour/2026/11/grain-deal.html"] == 1
    listed = json.loads(newsroom("sources", "--json").out)
    assert [(s["name"], s["kind"], s["articles"]) for s in listed] == [
        ("harbour", "rss", 2),
        ("valley", "atom", 2),
        ("coast", "news-sitemap", 2),
    ]
    assert all(s["last_sync"] and s["last_error"] is None for s in listed)


def test_second_sync_sends_one_conditional_request_per_source(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    assert newsroom("sync").code == 0
    newsroom.site.hits.clear()
    newsroom.site.log.clear()
    run = newsroom("sync")
    assert run.code == 0, run.text
    assert dict(newsroom.site.hits) == {
        "/harbour/feed.xml": 1,
        "/valley/atom.xml": 1,
        "/coast/news-sitemap.xml": 1,
    }
    assert all("If-None-Match" in headers for _, headers in newsroom.site.log)
    assert "not modified" in run.out and "3 requests" in run.out


def test_a_new_entry_is_the_only_page_fetched(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    assert newsroom("sync").code == 0
    newsroom.site.hits.clear()
    newsroom.harbour_rss(
        [
            "/harbour/2026/11/ports-reopen.html",
            "/harbour/2026/11/grain-deal.html",
            "/coast/2026/11/ferry-strike.html",  # the harbour's feed links to a new story
        ]
    )
    run = newsroom("sync", "harbour")
    assert run.code == 0, run.text
    assert dict(newsroom.site.hits) == {
        "/harbour/feed.xml": 1,
        "/coast/2026/11/ferry-strike.html": 1,
    }
    assert "1 new or changed" in run.out


def test_a_corrected_article_replaces_the_old_one_keeping_both_dates(
    newsroom: Newsroom,
) -> None:
    newsroom.follow_outlets()
    assert newsroom("sync").code == 0
    story = newsroom.feeds.items["/valley/2026/11/dam-repairs.html"]
    story.paragraphs[0] = story.paragraphs[0].replace(
        "12 million euros", "15 million euros (corrected: an earlier version said 12)"
    )
    story.modified = "2026-11-24T10:00:00Z"
    newsroom.valley_atom(["/valley/2026/11/dam-repairs.html", "/valley/2026/11/rail-line.html"])
    run = newsroom("sync", "valley")
    assert run.code == 0, run.text
    assert "0 added, 1 updated, 0 unchanged" in run.out
    dam = newsroom.articles()[article_id_for(newsroom.url("/valley/2026/11/dam-repairs.html"))]
    assert "15 million euros (corrected" in dam.text
    assert str(dam.published) == "2026-11-19" and str(dam.updated) == "2026-11-24"
    answer = json.loads(newsroom("ask", "How much will the dam repairs cost?", "--json").out)
    quoted = " ".join(e["text"] for e in answer["excerpts"])
    assert "12 million euros" not in quoted


def test_sources_unfollow_and_errors(newsroom: Newsroom) -> None:
    newsroom.follow_outlets()
    again = newsroom("follow", newsroom.url("/harbour/feed.xml"))
    assert again.code == 2 and "already followed as 'harbour'" in again.err
    table = newsroom("sources")
    assert "harbour" in table.out and "news-sitemap" in table.out
    assert newsroom("unfollow", "coast").code == 0
    assert "coast" not in newsroom("sources").out
    missing = newsroom("unfollow", "coast")
    assert missing.code == 6 and "no source named 'coast'" in missing.err
    assert newsroom("sync", "nope").code == 6
    bad_every = newsroom("follow", newsroom.url("/valley/atom.xml"), "--every", "soon")
    assert bad_every.code == 2 and "not a duration" in bad_every.err


def test_an_entry_seen_before_is_known_by_its_guid_when_its_link_moves(
    newsroom: Newsroom,
) -> None:
    newsroom.follow_outlets()
    assert newsroom("sync", "harbour").code == 0
    feed = newsroom.feeds.rss(
        ["/harbour/2026/11/ports-reopen.html", "/harbour/2026/11/grain-deal.html"]
    )
    # Same GUIDs, links moved (and tagged for tracking): nothing to fetch.
    moved = feed.replace("/harbour/2026/11/", "/harbour/archive/").replace(
        ".html</link>", ".html?utm_source=rss</link>"
    )
    newsroom.site.static("/harbour/feed.xml", moved, "application/rss+xml")
    newsroom.site.hits.clear()
    run = newsroom("sync", "harbour")
    assert run.code == 0, run.text
    assert dict(newsroom.site.hits) == {"/harbour/feed.xml": 1}

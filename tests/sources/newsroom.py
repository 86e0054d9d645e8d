"""Realistic outlets for the sources tests: pages, RSS, Atom, JSON Feed, a news sitemap.

Three outlets on one local server: the Harbour Times (an RSS 2.0 feed of summaries, so
each page is fetched), the Valley Ledger (an Atom feed that carries full text), the Coast
Courier (a Google News sitemap, one of its URLs a syndicated copy of a Harbour Times story
that names the original as canonical).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape


@dataclass
class Story:
    path: str
    title: str
    outlet: str
    published: str  # ISO date-time
    author: str
    paragraphs: list[str]
    canonical: str | None = None  # a path on the same server, for a syndicated copy
    modified: str | None = None

    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def html(self, base: str) -> str:
        canonical = base + (self.canonical or self.path)
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title,
            "datePublished": self.published,
            "author": [{"@type": "Person", "name": self.author}],
            "publisher": {"@type": "Organization", "name": self.outlet},
        }
        if self.modified:
            ld["dateModified"] = self.modified
        body = "\n".join(f"<p>{escape(p)}</p>" for p in self.paragraphs)
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(self.title)} | {escape(self.outlet)}</title>
<link rel="canonical" href="{escape(canonical)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(self.title)}">
<meta property="og:site_name" content="{escape(self.outlet)}">
<meta property="article:published_time" content="{self.published}">
<script type="application/ld+json">{json.dumps(ld)}</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<article><h1>{escape(self.title)}</h1>
<p class="byline">By {escape(self.author)}</p>
{body}
</article>
<footer><p>© {escape(self.outlet)}. All rights reserved.</p></footer>
</body></html>"""


def _story_words(topic: str, place: str, figure: str) -> list[str]:
    return [
        f"The {topic} in {place} moved forward on Tuesday after weeks of negotiation, "
        f"officials said, with {figure} now expected to follow before the end of the month.",
        f"Local leaders in {place} described the {topic} as a turning point for the region, "
        "saying that businesses had waited a long time for a clear decision and that families "
        "who depend on the work would finally be able to plan for the coming season.",
        f"Critics warned that the {topic} left important questions unanswered. They said the "
        "timetable was ambitious and that the money promised so far would not cover the "
        "repairs that engineers had identified in their latest report to the council.",
        f"A spokesperson for the regional authority said the first phase of the {topic} would "
        f"begin immediately and that {figure} was a conservative estimate that could rise if "
        "demand stayed as strong as it had been throughout the autumn.",
    ]


def stories() -> dict[str, Story]:
    harbour, valley, coast = "Harbour Times", "Valley Ledger", "Coast Courier"
    items = [
        Story(
            "/harbour/2026/11/ports-reopen.html",
            "Northern ports reopen after storm closure",
            harbour,
            "2026-11-20T08:00:00Z",
            "Mara Lindqvist",
            _story_words("reopening of the northern ports", "Kessel Bay", "40 ships a day"),
        ),
        Story(
            "/harbour/2026/11/grain-deal.html",
            "Grain export deal signed in Kessel Bay",
            harbour,
            "2026-11-21T09:30:00Z",
            "Tomas Okafor",
            _story_words("grain export agreement", "Kessel Bay", "2 million tonnes"),
        ),
        Story(
            "/valley/2026/11/dam-repairs.html",
            "Dam repairs approved by valley council",
            valley,
            "2026-11-19T12:00:00Z",
            "Ines Carvalho",
            _story_words("repair of the old river dam", "Alder Valley", "12 million euros"),
        ),
        Story(
            "/valley/2026/11/rail-line.html",
            "New rail line to connect valley towns",
            valley,
            "2026-11-22T07:15:00Z",
            "Ines Carvalho",
            _story_words("construction of the valley rail line", "Alder Valley", "6 stations"),
        ),
        Story(
            "/valley/2026/11/school-opens.html",
            "Valley school opens its doors after rebuild",
            valley,
            "2026-11-24T08:00:00Z",
            "Ines Carvalho",
            _story_words("rebuilding of the valley school", "Alder Valley", "300 pupils"),
        ),
        Story(
            "/coast/2026/11/lighthouse.html",
            "Old lighthouse to become a museum",
            coast,
            "2026-11-24T11:00:00Z",
            "Jonas Weber",
            _story_words("conversion of the old lighthouse", "Saltmarsh", "20,000 visitors"),
        ),
        Story(
            "/coast/2026/11/ferry-strike.html",
            "Ferry workers end three-day strike",
            coast,
            "2026-11-23T16:45:00Z",
            "Jonas Weber",
            _story_words("settlement of the ferry strike", "Saltmarsh", "a 6 percent raise"),
        ),
        Story(
            "/coast/2026/11/wire-ports.html",
            "Northern ports reopen after storm closure",
            coast,
            "2026-11-20T08:00:00Z",
            "Mara Lindqvist",
            _story_words("reopening of the northern ports", "Kessel Bay", "40 ships a day"),
            canonical="/harbour/2026/11/ports-reopen.html",
        ),
    ]
    return {s.path: s for s in items}


def rfc822(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC))


@dataclass
class Feeds:
    base: str
    items: dict[str, Story] = field(default_factory=stories)

    def rss(self, paths: list[str], extra: str = "") -> str:
        entries = "".join(
            f"""<item><title>{escape(s.title)}</title><link>{self.base}{s.path}</link>
<guid isPermaLink="false">harbour-{s.path.rsplit("/", 1)[-1]}</guid>
<pubDate>{rfc822(s.published)}</pubDate>
<description>{escape(s.paragraphs[0])}</description></item>"""
            for s in (self.items[p] for p in paths)
        )
        return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>{self.base}/harbour/</link>
<description>News from the harbour</description>{entries}{extra}</channel></rss>"""

    def atom(self, paths: list[str]) -> str:
        entries = "".join(
            f"""<entry><title>{escape(s.title)}</title>
<link rel="alternate" href="{self.base}{s.path}"/>
<id>tag:valley.example,2026:{s.path}</id>
<published>{s.published}</published><updated>{s.modified or s.published}</updated>
<author><name>{escape(s.author)}</name></author>
<summary>{escape(s.paragraphs[0])}</summary>
<content type="html">{escape("".join(f"<p>{p}</p>" for p in s.paragraphs))}</content>
</entry>"""
            for s in (self.items[p] for p in paths)
        )
        return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Ledger</title>
<id>tag:valley.example,2026:feed</id><updated>2026-11-22T07:15:00Z</updated>{entries}</feed>"""

    def news_sitemap(self, paths: list[str]) -> str:
        urls = "".join(
            f"""<url><loc>{self.base}{s.path}</loc><news:news><news:publication>
<news:name>{escape(s.outlet)}</news:name><news:language>en</news:language></news:publication>
<news:publication_date>{s.published}</news:publication_date>
<news:title>{escape(s.title)}</news:title></news:news></url>"""
            for s in (self.items[p] for p in paths)
        )
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>"""

    def json_feed(self, paths: list[str]) -> str:
        return json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "Valley Ledger",
                "items": [
                    {
                        "id": s.path,
                        "url": self.base + s.path,
                        "title": s.title,
                        "content_text": s.text(),
                        "date_published": s.published,
                        "authors": [{"name": s.author}],
                    }
                    for s in (self.items[p] for p in paths)
                ],
            }
        )

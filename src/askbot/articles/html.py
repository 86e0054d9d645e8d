"""Web pages as articles: main text and metadata with trafilatura, checked to be articles.

trafilatura extracts the main text, headline, date, authors and site name. The page's
own structured data (JSON-LD ``NewsArticle``, ``og:`` and ``article:`` meta tags) fills in
and corrects them. A page that is not an article (a section front of links, a cookie
wall, a search page) is refused with the reason rather than quoted. The headline that
trafilatura leaves as the first line of the text, and bylines or timestamps under it, are
metadata, not the article's first sentence.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from askbot.articles.boilerplate import strip_boilerplate
from askbot.articles.header import take_header
from askbot.articles.records import RecordError, article_from_record
from askbot.models import Article, Notice

ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "ReviewNewsArticle",
    "Report",
}
LISTING_TYPES = {"CollectionPage", "WebSite", "ItemList", "SearchResultsPage", "ProfilePage"}
# A page that says it is an article (JSON-LD, og:type, an <article> element) needs this
# much text; one that says nothing needs more, and at most this share of its words in links.
MIN_WORDS_TYPED = 25
MIN_WORDS = 80
MAX_LINK_DENSITY = 0.5


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (n for n in graph if isinstance(n, dict))


def _names(value: Any) -> list[str]:
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append(item["name"].strip())
        elif isinstance(item, str) and item.strip():
            out.append(item.strip())
    return [n for n in out if n]


class PageFacts:
    """What a page says about itself in its markup: structured data and meta tags."""

    def __init__(self, raw: str) -> None:
        import lxml.etree
        import lxml.html

        self.types: set[str] = set()
        self.values: dict[str, Any] = {}
        self.link_words = self.words = 0
        self.has_article_element = False
        try:
            doc = lxml.html.fromstring(raw)
        except (ValueError, lxml.etree.ParserError):
            return
        meta = {
            (m.get("property") or m.get("name") or "").lower(): m.get("content")
            for m in doc.xpath("//meta[@content]")
        }
        canonical = doc.xpath('//link[@rel="canonical"]/@href')
        self.values = {
            "title": meta.get("og:title"),
            "source": meta.get("og:site_name"),
            "published": meta.get("article:published_time"),
            "modified": meta.get("article:modified_time"),
            "url": canonical[0] if canonical else meta.get("og:url"),
            "authors": _names(meta.get("author")) or None,
            "og_type": meta.get("og:type"),
        }
        for raw_json in doc.xpath('//script[@type="application/ld+json"]/text()'):
            try:
                data = json.loads(raw_json)
            except (ValueError, RecursionError):
                continue
            for node in _nodes(data):
                kinds = node.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                self.types |= {k for k in kinds if isinstance(k, str)}
                if ARTICLE_TYPES & set(kinds):
                    for key, field in (
                        ("headline", "title"),
                        ("datePublished", "published"),
                        ("dateModified", "modified"),
                    ):
                        if isinstance(node.get(key), str):
                            self.values[field] = node[key]
                    self.values["authors"] = _names(node.get("author")) or self.values["authors"]
                    publisher = _names(node.get("publisher"))
                    if publisher:
                        self.values["source"] = publisher[0]
        self.has_article_element = bool(doc.xpath("//article"))
        body = doc.find("body")
        if body is not None:
            self.words = len(body.text_content().split())
            self.link_words = sum(len(a.text_content().split()) for a in body.iter("a"))

    def not_an_article(self, words: int) -> str | None:
        """Why the page is not an article, or None when it is one."""
        kind = self.values.get("og_type")
        kind = kind.lower() if isinstance(kind, str) else None
        if self.types & LISTING_TYPES and not self.types & ARTICLE_TYPES:
            return f"the page says it is a {sorted(self.types & LISTING_TYPES)[0]}, not an article"
        if kind and kind not in ("article", "news", "newsarticle"):
            return f"the page says it is og:type {kind!r}, not an article"
        if self.types & ARTICLE_TYPES or kind or self.has_article_element:
            return None if words >= MIN_WORDS_TYPED else f"only {words} words of article text"
        if words < MIN_WORDS:
            return f"only {words} words of article text (a page of links, a banner?)"
        if self.words and self.link_words / self.words > MAX_LINK_DENSITY:
            share = self.link_words / self.words
            return f"{share:.0%} of its words are links: a list of links, not an article"
        return None


def article_from_html(
    raw: str,
    article_id: str,
    where: str,
    notices: list[Notice] | None = None,
    *,
    url: str | None = None,
) -> Article:
    """A web page's article; RecordError says why the page is not one."""
    import trafilatura  # imported late: heavy, and only HTML needs it

    extracted = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    data: dict[str, Any] = {}
    if extracted is not None:
        data = extracted if isinstance(extracted, dict) else extracted.as_dict()
    facts = PageFacts(raw)
    title = facts.values.get("title") or data.get("title")
    lines = strip_boilerplate((data.get("text") or "").splitlines())
    if (
        lines
        and title
        and " ".join(lines[0].split()).casefold() == " ".join(title.split()).casefold()
    ):
        lines = lines[1:]  # trafilatura keeps the <h1> as the first line
    header, rest = take_header(lines, title_known=bool(title))
    text = "\n".join(rest).strip()
    reason = facts.not_an_article(len(text.split()))
    if reason:
        raise RecordError(f"not an article: {reason}")
    author = data.get("author")
    record: dict[str, Any] = {
        "id": article_id,
        "text": text,
        "title": title or header.title,
        "url": facts.values.get("url") or url or data.get("url"),
        "source": facts.values.get("source") or data.get("sitename") or data.get("hostname"),
        "published": facts.values.get("published") or data.get("date") or header.published,
        "authors": facts.values.get("authors")
        or ([a.strip() for a in author.split(";")] if author else header.authors or None),
    }
    if facts.values.get("modified"):
        record["modified"] = facts.values["modified"]
    return article_from_record({k: v for k, v in record.items() if v}, where, notices)

"""What ``askbot follow URL`` follows: the URL itself, or the feed a front page names.

A site's front page is not an article, but it usually says where its feed is
(``<link rel="alternate" type="application/rss+xml" href=...>``); following the page would
only ever fail, so the feed is followed instead. An article page is followed as itself.
"""

from __future__ import annotations

from urllib.parse import urljoin

from askbot.errors import SourceError
from askbot.sources.documents import Document, read_document
from askbot.sources.entries import Entry
from askbot.sources.fetch import Fetched, Fetcher
from askbot.sources.pages import article_from_page

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)


def feed_links(page: Fetched) -> list[str]:
    """The feeds a page advertises, in its order."""
    import lxml.etree
    import lxml.html

    try:
        doc = lxml.html.fromstring(page.text())
    except (ValueError, lxml.etree.ParserError):
        return []
    links = []
    for link in doc.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES:
            links.append(urljoin(page.url, link.get("href")))
    return list(dict.fromkeys(links))


def _is_article(page: Fetched) -> bool:
    try:
        article_from_page(Entry(url=page.url), page, [])
    except SourceError:
        return False
    return True


def discover(fetcher: Fetcher, url: str) -> tuple[str, Document]:
    """The URL to follow and what it is; SourceError/FetchError when it is nothing."""
    page = fetcher.get(url)
    document = read_document(page)
    if document.kind != "page" or _is_article(page):
        return url, document
    feeds = feed_links(page)
    if not feeds:
        raise SourceError(
            f"{url} is a web page that is neither an article nor names a feed",
            "follow the site's RSS/Atom feed or sitemap instead",
        )
    found = fetcher.get(feeds[0])
    return feeds[0], read_document(found)

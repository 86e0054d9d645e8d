"""What a fetched URL is (feed, sitemap, sitemap index or page) and what it lists."""

from __future__ import annotations

from dataclasses import dataclass, field

from askbot.errors import SourceError
from askbot.sources.entries import Entry
from askbot.sources.feeds import parse_feed, parse_json_feed
from askbot.sources.fetch import Fetched
from askbot.sources.registry import Kind
from askbot.sources.safexml import local, parse_xml
from askbot.sources.sitemaps import sitemap_children, sitemap_entries

FEED_ROOTS: dict[str, Kind] = {"rss": "rss", "RDF": "rdf", "feed": "atom"}


@dataclass
class Document:
    kind: Kind
    title: str | None = None
    entries: list[Entry] = field(default_factory=list)
    sitemaps: list[tuple[str, str | None]] = field(default_factory=list)


def _looks_like_html(head: bytes, content_type: str) -> bool:
    if "html" in content_type:
        return True
    head = head.lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


def read_document(fetched: Fetched) -> Document:
    """The document at ``fetched.url``; SourceError when it is none askbot follows."""
    where = fetched.url
    content_type = fetched.content_type.split(";", 1)[0].strip().lower()
    head = fetched.body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise SourceError(f"{where}: the response is empty")
    if "json" in content_type or head.startswith((b"{", b"[")):
        title, entries = parse_json_feed(fetched.body, where)
        return Document("json-feed", title, entries)
    if _looks_like_html(head, content_type) and not head.startswith(b"<?xml"):
        return Document("page")
    try:
        root = parse_xml(fetched.body, where)
    except SourceError as exc:
        # A feed with a stray "&" or unclosed tag is common; feedparser's loose parser
        # reads it (entity declarations were refused above, whatever the rest looks like).
        if "malformed" not in exc.problem or not (b"<rss" in head or b"<feed" in head):
            raise
        if b"<!entity" in fetched.body.lower():
            raise SourceError(f"{where}: the XML declares entities; askbot refuses them") from None
        title, entries = parse_feed(fetched.body, fetched.content_type, where)
        return Document("atom" if b"<feed" in head else "rss", title, entries)
    tag = local(root.tag)
    if tag in FEED_ROOTS:
        title, entries = parse_feed(fetched.body, fetched.content_type, where)
        return Document(FEED_ROOTS[tag], title, entries)
    if tag == "urlset":
        news, entries = sitemap_entries(root)
        return Document("news-sitemap" if news else "sitemap", None, entries)
    if tag == "sitemapindex":
        return Document("sitemap-index", None, [], sitemap_children(root))
    if tag == "opml":
        raise SourceError(f"{where}: an OPML list of feeds", "import it: askbot follow --opml FILE")
    raise SourceError(f"{where}: XML with root <{tag}> is not a feed or a sitemap")

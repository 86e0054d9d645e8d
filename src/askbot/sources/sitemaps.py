"""Sitemaps: ``urlset`` (with Google News ``news:news``) and ``sitemapindex``.

The XML has passed ``safexml`` already; this reads the element tree defusedxml built.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from askbot.sources.entries import Entry
from askbot.sources.safexml import local

MAX_URLS = 50_000  # the sitemap protocol's own limit per file


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if local(child.tag) == name:
            return child
    return None


def _value(element: Element | None, name: str) -> str | None:
    found = _child(element, name) if element is not None else None
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def sitemap_children(root: Element) -> list[tuple[str, str | None]]:
    """A sitemap index's sitemaps: (URL, lastmod)."""
    out = []
    for item in root:
        if local(item.tag) == "sitemap":
            loc = _value(item, "loc")
            if loc:
                out.append((loc, _value(item, "lastmod")))
    return out[:MAX_URLS]


def sitemap_entries(root: Element) -> tuple[bool, list[Entry]]:
    """(whether it is a Google News sitemap, its URLs as entries), newest first."""
    entries = []
    news = False
    for item in root:
        if local(item.tag) != "url":
            continue
        loc = _value(item, "loc")
        if not loc:
            continue
        story = _child(item, "news")
        publication = _child(story, "publication") if story is not None else None
        news = news or story is not None
        entries.append(
            Entry(
                url=loc,
                title=_value(story, "title"),
                published=_value(story, "publication_date"),
                updated=_value(item, "lastmod"),
                outlet=_value(publication, "name"),
            )
        )
        if len(entries) >= MAX_URLS:
            break
    entries.sort(key=lambda e: e.published or e.updated or "", reverse=True)
    return news, entries

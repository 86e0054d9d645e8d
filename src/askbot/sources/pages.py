"""An entry as an article: its page read with askbot's HTML reader, or the feed's own
full text; the feed's metadata fills in what the page does not say."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from askbot.articles.html import article_from_html
from askbot.articles.records import RecordError, article_from_record
from askbot.errors import SourceError
from askbot.models import Article, Notice
from askbot.sources.entries import Entry, article_id_for, canonical_url
from askbot.sources.fetch import Fetched
from askbot.sources.htmltext import html_text

if TYPE_CHECKING:
    from askbot.service import AskBot


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _filled(article: Article, entry: Entry, where: str, notices: list[Notice]) -> Article:
    """The page's own metadata first; the entry's where the page is silent."""
    host = _host(where) or ""
    updates: dict[str, Any] = {}
    if not article.title and entry.title:
        updates["title"] = entry.title
    if entry.outlet and (not article.source or article.source.lower() in (host, f"www.{host}")):
        updates["source"] = entry.outlet
    if not article.authors and entry.authors:
        updates["authors"] = entry.authors
    # Dates the page lacks, read from the entry the same strict way as any record's.
    if article.published is None or (article.updated is None and entry.updated):
        record = {"text": "x", "published": entry.published, "updated": entry.updated}
        dated = article_from_record({k: v for k, v in record.items() if v}, where, notices)
        if article.published is None and dated.published:
            updates["published"] = dated.published
        if (
            article.updated is None
            and dated.updated
            and dated.updated != (updates.get("published") or article.published)
        ):
            updates["updated"] = dated.updated
    return article.model_copy(update=updates) if updates else article


def article_from_page(entry: Entry, page: Fetched, notices: list[Notice]) -> Article:
    """The article on a fetched page; SourceError says why the page is not one."""
    where = page.url
    try:
        article = article_from_html(page.text(), "pending", where, notices, url=page.url)
    except (RecordError, ValueError) as exc:
        raise SourceError(f"{where}: {str(exc).splitlines()[0]}") from None
    # A syndicated copy names its original as canonical: both become one article.
    identity = article.url if article.url and article.url.startswith("http") else page.url
    article = article.model_copy(
        update={"id": article_id_for(identity), "origin": canonical_url(entry.url)}
    )
    return _filled(article, entry, where, notices)


def article_from_entry(entry: Entry, notices: list[Notice]) -> Article:
    """The article a full-text feed entry carries, without fetching its page."""
    text = html_text(entry.content or "")
    record: dict[str, Any] = {
        "id": article_id_for(entry.url),
        "text": text,
        "title": entry.title,
        "url": entry.url,
        "source": entry.outlet or _host(entry.url),
        "published": entry.published,
        "updated": entry.updated if entry.updated != entry.published else None,
        "authors": list(entry.authors) or None,
    }
    try:
        article = article_from_record({k: v for k, v in record.items() if v}, entry.url, notices)
    except (RecordError, ValueError) as exc:
        raise SourceError(f"{entry.url}: {str(exc).splitlines()[0]}") from None
    return article.model_copy(update={"origin": canonical_url(entry.url)})


def keep_dates(bot: AskBot, article: Article) -> Article:
    """A changed article keeps the date it was first published and says when it changed
    (the page's or feed's own date, else the day askbot saw the change)."""
    old = bot.article(article.id)
    if old is None:
        return article
    updates: dict[str, object] = {}
    if article.published is None and old.published is not None:
        updates["published"] = old.published
    probe = article.model_copy(update=updates)
    if probe.content_hash != old.content_hash and probe.updated is None:
        updates["updated"] = datetime.now(UTC).date()
    return article.model_copy(update=updates) if updates else article

"""One shared link into the index now (``askbot add URL``, Slack's ``@askbot add``)."""

from __future__ import annotations

from dataclasses import dataclass

from askbot.errors import SourceError
from askbot.models import Article, IngestReport, Notice
from askbot.service import AskBot
from askbot.sources.documents import read_document
from askbot.sources.entries import Entry
from askbot.sources.fetch import Fetcher
from askbot.sources.pages import article_from_page, keep_dates


@dataclass(frozen=True)
class Added:
    article: Article
    report: IngestReport
    notices: tuple[Notice, ...]

    @property
    def state(self) -> str:
        if self.report.added:
            return "added"
        return "updated" if self.report.updated else "already in the index"


def add_page(bot: AskBot, fetcher: Fetcher, url: str) -> Added:
    """Fetches the article at ``url`` and ingests it (one commit); SourceError (or
    FetchError) says why not."""
    page = fetcher.get(url)
    document = read_document(page)
    if document.kind != "page":
        raise SourceError(
            f"{url} is a {document.kind}, not an article page", f"follow it: askbot follow {url}"
        )
    notices: list[Notice] = []
    article = keep_dates(bot, article_from_page(Entry(url=url), page, notices))
    report = bot.ingest_articles([article])
    return Added(article, report, tuple(notices))

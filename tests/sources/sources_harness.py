"""The sources tests' harness: the local newsroom server's content, and askbot's CLI
against one index on the fake embedder."""

from __future__ import annotations

from pathlib import Path

from newsroom import Feeds
from typer.testing import CliRunner
from webserver import Site

import fakes  # noqa: F401 - registers the test-hashing backend
from askbot.models import Article
from askbot.service import AskBot
from askbot.settings import Settings
from cli_runs import Run, run_cli

ROBOTS = "User-agent: *\nDisallow: /private/\n"


class Newsroom:
    """The server, the outlets' content on it, and askbot's CLI against one index."""

    def __init__(self, site: Site, root: Path, index: Path | str | None = None) -> None:
        self.site = site
        self.base = site.base
        self.feeds = Feeds(site.base)
        self.index = root / "idx" if index is None else index
        self.root = root
        self.runner = CliRunner()
        site.static("/robots.txt", ROBOTS, "text/plain")
        for path, story in self.feeds.items.items():
            site.html(path, story.html(site.base))
        self.harbour_rss(["/harbour/2026/11/ports-reopen.html", "/harbour/2026/11/grain-deal.html"])
        self.valley_atom(["/valley/2026/11/dam-repairs.html", "/valley/2026/11/rail-line.html"])
        site.static(
            "/coast/news-sitemap.xml",
            self.feeds.news_sitemap(
                ["/coast/2026/11/ferry-strike.html", "/coast/2026/11/wire-ports.html"]
            ),
            "application/xml",
        )

    def url(self, path: str) -> str:
        return self.base + path

    def harbour_rss(self, paths: list[str], extra: str = "") -> None:
        self.site.static("/harbour/feed.xml", self.feeds.rss(paths, extra), "application/rss+xml")

    def valley_atom(self, paths: list[str]) -> None:
        self.site.static("/valley/atom.xml", self.feeds.atom(paths), "application/atom+xml")

    def __call__(self, *args: str) -> Run:
        return run_cli(self.runner, [*args, "--index", str(self.index)])

    def follow_outlets(self) -> None:
        for name, path in (
            ("harbour", "/harbour/feed.xml"),
            ("valley", "/valley/atom.xml"),
            ("coast", "/coast/news-sitemap.xml"),
        ):
            run = self("follow", self.url(path), "--name", name, "--every", "1m")
            assert run.code == 0, run.text

    def articles(self) -> dict[str, Article]:
        settings = Settings(index=self.index)  # type: ignore[call-arg]
        with AskBot.open(settings) as bot, bot.index.snapshot() as snap:
            return {a: snap.article(a) for a in snap.article_ids()}  # type: ignore[misc]

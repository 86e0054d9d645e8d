"""Following sources, measured against a local newsroom server (127.0.0.1 only).

    python benchmarks/bench_sync.py [--articles 60] [--watch]

Articles are SQuAD v1.1 dev paragraphs grouped by their Wikipedia title (real prose),
published as HTML pages listed by a summary-only RSS feed. The same pages are written to
files and ingested with ``askbot ingest``'s reader into another index in the same run, so
the two rates differ only by fetching. Reported:

* articles per second of ``sync`` end to end (fetch, extract, embed, commit) and of the
  file ingest of the same pages, with the real model;
* requests sent by a second sync with nothing new (target: one per source);
* with ``--watch``: seconds from a new feed entry to the article being in the index while
  the background sync (the same loop as ``askbot watch``) runs a 1-minute schedule.

The fetch delay is 0 here: against a real site, ``ASKBOT_FETCH_DELAY`` (1 s by default)
bounds a sync to about one page per second per host.
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import threading
import time
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from askbot import AskBot, Settings
from askbot.sources.entries import article_id_for
from askbot.sources.fetch import Fetcher
from askbot.sources.registry import Source, SourceStore, store_for
from askbot.sources.settings import FetchSettings
from askbot.sources.sync import sync
from common import SQUAD


def squad_articles(count: int) -> list[tuple[str, str]]:
    with gzip.open(SQUAD, "rt", encoding="utf-8") as handle:
        data = json.load(handle)["data"]
    out = []
    for item in data[:count]:
        paragraphs = [p["context"] for p in item["paragraphs"][:4]]
        out.append((item["title"].replace("_", " "), "\n\n".join(paragraphs)))
    return out


def page(title: str, text: str, day: int) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title>"
        '<meta property="og:type" content="article">'
        '<meta property="og:site_name" content="Bench Gazette">'
        f'<meta property="article:published_time" content="2026-11-{day:02d}T08:00:00Z">'
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>"
        f"{body}</article></body></html>"
    )


class Newsroom:
    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, str]] = {}
        self.requests = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.requests += 1
                found = site.routes.get(self.path)
                data, kind = found or (b"not found", "text/plain")
                etag = f'"{hash(data) & 0xFFFFFFFF:x}"'
                if found and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", kind)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, articles: list[tuple[str, str]]) -> None:
        items = []
        for number, (title, text) in enumerate(articles):
            path = f"/news/{number}.html"
            self.routes[path] = (page(title, text, 1 + number % 28).encode(), "text/html")
            items.append(
                f"<item><title>{escape(title)}</title><link>{self.base}{path}</link>"
                f"<pubDate>{formatdate(1_790_000_000 + number * 3600, usegmt=True)}</pubDate>"
                f"<description>{escape(text[:200])}</description></item>"
            )
        feed = (
            "<?xml version='1.0'?><rss version='2.0'><channel><title>Bench Gazette</title>"
            + "".join(items)
            + "</channel></rss>"
        )
        self.routes["/feed.xml"] = (feed.encode(), "application/rss+xml")
        self.routes["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain")


def follow(bot: AskBot, url: str, every: int) -> SourceStore:
    from datetime import UTC, datetime

    from askbot.sources.registry import Registry

    store = store_for(bot.index, bot.settings)
    registry = Registry()
    registry.sources.append(
        Source(name="bench", kind="rss", url=url, every=every, added=datetime.now(UTC))
    )
    store.save(registry)
    return store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--watch", action="store_true", help="also time a 1-minute watch")
    args = parser.parse_args()
    articles = squad_articles(args.articles)
    newsroom = Newsroom()
    newsroom.publish(articles)
    fetching = FetchSettings(allow_private_urls=True, fetch_delay=0)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        off = {"embedding_cache": "off"}
        files = root / "pages"
        files.mkdir()
        for path, (data, _) in newsroom.routes.items():
            if path.startswith("/news/"):
                (files / path.rsplit("/", 1)[-1]).write_bytes(data)
        bot = AskBot.open(Settings(index=root / "sync", **off), create=True)  # type: ignore[arg-type]
        bot.warm_up()
        store = follow(bot, newsroom.base + "/feed.xml", 60)
        with Fetcher(fetching) as fetcher, store.syncing(10):
            started = time.perf_counter()
            first = sync(bot, store, fetcher, max_entries=10_000)
            sync_seconds = time.perf_counter() - started
            newsroom.requests = 0
            second = sync(bot, store, fetcher)
        assert first.ingest is not None
        synced = first.ingest.added
        with AskBot.open(Settings(index=root / "files", **off), create=True) as other:  # type: ignore[arg-type]
            other.warm_up()
            started = time.perf_counter()
            report = other.ingest_paths([files])
            file_seconds = time.perf_counter() - started
        results = {
            "articles": len(articles),
            "synced": synced,
            "sync_articles_per_s": round(synced / sync_seconds, 1),
            "file_ingest_articles_per_s": round(report.added / file_seconds, 1),
            "sync_requests_first": first.requests,
            "no_change_sync_requests": second.requests,
            "no_change_server_hits": newsroom.requests,
        }
        if args.watch:
            results["new_entry_to_answerable_s"] = round(
                time_to_answerable(bot, newsroom, fetching, articles), 1
            )
        bot.close()
    print(json.dumps(results, indent=1))


def time_to_answerable(
    bot: AskBot, newsroom: Newsroom, fetching: FetchSettings, articles: list[tuple[str, str]]
) -> float:
    """A new entry appears mid-schedule; seconds until its article is in the index."""
    from askbot.sources.background import BackgroundSync

    background = BackgroundSync(bot, fetching).start()
    time.sleep(5)  # the watch has synced (nothing new) and sleeps until its next turn
    extra = [*articles, ("A late story", articles[0][1].replace("the", "a"))]
    newsroom.publish(extra)
    new_id = article_id_for(f"{newsroom.base}/news/{len(articles)}.html")
    started = time.perf_counter()
    while bot.article(new_id) is None:
        time.sleep(0.2)
        if time.perf_counter() - started > 180:
            break
    background.stop()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

"""``askbot follow``, ``sources``, ``unfollow``, ``sync`` and ``watch``: keeping the index
current from feeds, sitemaps and pages."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer
from rich.markup import escape

from askbot.cli.app import IndexOption, JsonOption, app, handled, settings_for
from askbot.console import console, err_console, ingest_progress, printable, safe_json, warn
from askbot.errors import InputError, SourceError
from askbot.service import AskBot
from askbot.sources.durations import parse_every, show_every
from askbot.sources.registry import Registry, Source, SourceStore, open_store, store_for
from askbot.sources.settings import load_fetch_settings

if TYPE_CHECKING:
    from rich.progress import Progress

    # HTTP, XML and feed parsers are imported by the commands that fetch, not by every
    # start of the CLI (askbot ask never needs them).
    from askbot.sources.fetch import Fetcher
    from askbot.sources.sync import SyncReport

EveryOption = Annotated[
    str, typer.Option("--every", help="How often watch syncs it: 90s, 15m, 2h, 1d.")
]


def _show(text: str) -> str:
    return escape(printable(text))


def _register(
    registry: Registry, url: str, kind: str, title: str | None, name: str | None, every: int
) -> Source:
    if registry.by_url(url):
        raise InputError(
            f"{url} is already followed as {registry.by_url(url).name!r}",  # type: ignore[union-attr]
            "see it with: askbot sources",
        )
    if name and registry.find(name):
        raise InputError(f"a source is already named {name!r}", "choose another --name")
    source = Source.model_validate(
        {
            "name": name or registry.free_name(title or urlsplit(url).hostname or "source"),
            "kind": kind,
            "url": url,
            "every": every,
            "added": datetime.now(UTC),
        }
    )
    registry.sources.append(source)
    return source


@app.command()
@handled
def follow(
    url: Annotated[str | None, typer.Argument(help="A feed, sitemap or article URL.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="What to call it.")] = None,
    every: EveryOption = "30m",
    opml: Annotated[
        Path | None, typer.Option("--opml", help="Follow every feed of an OPML file.")
    ] = None,
    index: IndexOption = None,
) -> None:
    """Follow a feed (RSS, Atom, JSON Feed), a sitemap or a page; `askbot sync` reads it."""
    if (url is None) == (opml is None):
        raise InputError("give a URL or --opml FILE (one of them)", "askbot follow URL")
    from askbot.sources.discovery import discover
    from askbot.sources.fetch import Fetcher
    from askbot.sources.opml import read_opml

    seconds = parse_every(every)
    settings = settings_for(index)
    feeds = read_opml(opml) if opml else []
    if opml and not feeds:
        raise InputError(f"{opml}: no outline with an xmlUrl (no feeds)")
    detected: tuple[str, str | None] = ("rss", None)
    if url is not None:
        # Fetched now, so a mistyped URL or a page of no use fails here, not at sync.
        with Fetcher(load_fetch_settings()) as fetcher:
            found, document = discover(fetcher, url)
        if found != url:
            console.print(_show(f"{url} is a front page; it names the feed {found}"))
            url = found
        detected = (document.kind, document.title)
    with AskBot.open(settings, create=True) as bot:
        store = store_for(bot.index, settings)
        with store.locked(settings.lock_timeout):
            registry = store.load()
            if url is not None:
                added = [_register(registry, url, *detected, name, seconds)]
            else:
                added = []
                for title, feed in feeds:
                    if registry.by_url(feed):
                        warn(f"already followed: {feed}")
                        continue
                    added.append(_register(registry, feed, "rss", title, None, seconds))
            store.save(registry)
    for source in added:
        console.print(
            _show(f"following {source.name} ({source.kind}, every {show_every(source.every)})")
            + f": {_show(source.url)}"
        )
    console.print("fetch it now with: askbot sync")


@app.command()
@handled
def unfollow(
    name: Annotated[str, typer.Argument(help="The source's name (askbot sources).")],
    index: IndexOption = None,
) -> None:
    """Stop following a source (its articles stay in the index)."""
    settings = settings_for(index)
    with open_store(settings) as store, store.locked(settings.lock_timeout):
        registry = store.load()
        if registry.find(name) is None:
            raise SourceError(f"no source named {name!r}", "see the names with: askbot sources")
        registry.sources = [s for s in registry.sources if s.name != name]
        store.save(registry)
    console.print(_show(f"unfollowed {name}; its articles stay in the index"))


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


@app.command("sources")
@handled
def list_sources(index: IndexOption = None, as_json: JsonOption = False) -> None:
    """List the followed sources: name, kind, URL, last sync, articles, last error."""
    with open_store(settings_for(index)) as store:
        registry = store.load()
    if as_json:
        rows = [
            {
                "name": s.name,
                "kind": s.kind,
                "url": s.url,
                "every": s.every,
                "last_sync": s.last_sync.isoformat() if s.last_sync else None,
                "articles": s.articles,
                "last_error": s.last_error,
            }
            for s in registry.sources
        ]
        console.print(safe_json(json.dumps(rows, ensure_ascii=False)), soft_wrap=True)
        return
    if not registry.sources:
        console.print("no sources yet: askbot follow URL")
        return
    from rich.table import Table

    table = Table(box=None)
    for column in ("name", "kind", "url", "every", "last sync", "articles", "last error"):
        table.add_column(column)
    for s in registry.sources:
        table.add_row(
            _show(s.name),
            s.kind,
            _show(s.url),
            show_every(s.every),
            _when(s.last_sync),
            str(s.articles),
            _show(s.last_error or ""),
        )
    console.print(table)


@contextmanager
def _fetch_progress() -> Iterator[Progress]:
    # Imported here, as in askbot.console: rich.progress costs every command ~30 ms.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )
    with bar:
        yield bar


def _run_sync(
    bot: AskBot, store: SourceStore, fetcher: Fetcher, names: Sequence[str]
) -> SyncReport:
    from askbot.sources.sync import MAX_ENTRIES, sync

    with _fetch_progress() as bar:
        tasks: dict[str, object] = {}

        def moved(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"fetching {printable(name)}", total=total)
            bar.update(tasks[name], completed=done, total=total)  # type: ignore[arg-type]

        with ingest_progress() as ingesting:
            return sync(
                bot,
                store,
                fetcher,
                names,
                max_entries=MAX_ENTRIES,
                progress=moved,
                ingest_progress=ingesting,
            )


def _summary(report: SyncReport) -> None:
    for result in report.results:
        if result.error:
            state = "failed"
        elif result.not_modified:
            state = "not modified"
        else:
            state = f"{len(result.articles)} new or changed, {result.fetched_pages} pages fetched"
            if result.deferred:
                state += f", {result.deferred} left for the next sync"
        console.print(_show(f"{result.name}: {state}"))
        for notice in result.notices:
            warn(f"note: {notice}")
        for line in result.lines():
            warn(line)
    ingest = report.ingest
    counts = (
        f"{ingest.added} added, {ingest.updated} updated, {ingest.unchanged} unchanged"
        if ingest
        else "nothing to ingest"
    )
    failed = sum(r.failed for r in report.results)
    console.print(
        _show(
            f"{counts} · {len(report.results)} sources, {failed} with problems · "
            f"{report.requests} requests in {report.seconds:.1f}s"
        )
    )
    if ingest:
        for skipped in ingest.skipped:
            warn(f"skipped {skipped}")


@app.command("sync")
@handled
def sync_command(
    names: Annotated[
        list[str] | None, typer.Argument(help="Sources to sync (all when none is named).")
    ] = None,
    index: IndexOption = None,
) -> None:
    """Fetch what is new in the followed sources and ingest it (one commit)."""
    from askbot.sources.fetch import Fetcher

    settings = settings_for(index)
    with AskBot.open(settings) as bot:
        store = store_for(bot.index, settings)
        with store.syncing(settings.lock_timeout), Fetcher(load_fetch_settings()) as fetcher:
            if not store.load().sources:
                raise SourceError("no sources to sync", "follow one first: askbot follow URL")
            report = _run_sync(bot, store, fetcher, names or [])
    _summary(report)
    if report.failed:
        raise typer.Exit(1)


@app.command()
@handled
def watch(
    index: IndexOption = None,
    cycles: Annotated[
        int | None, typer.Option("--cycles", min=1, help="Stop after this many syncs.", hidden=True)
    ] = None,
) -> None:
    """Sync each source on its schedule (its --every) until stopped (Ctrl-C)."""
    from askbot.sources.fetch import Fetcher
    from askbot.sources.watch import watch as watch_loop

    settings = settings_for(index)
    stop = threading.Event()
    with AskBot.open(settings) as bot, Fetcher(load_fetch_settings()) as fetcher:
        store = store_for(bot.index, settings)
        if not store.load().sources:
            raise SourceError("no sources to watch", "follow one first: askbot follow URL")

        def run(names: Sequence[str]) -> None:
            with store.syncing(settings.lock_timeout):
                report = _run_sync(bot, store, fetcher, names)
            _summary(report)

        console.print(f"watching {len(store.load().sources)} sources (Ctrl-C stops)")
        try:
            watch_loop(store.load, run, stop, cycles=cycles)
        except KeyboardInterrupt:
            # The sync under way (if any) never committed: the index is at its last commit.
            err_console.print("stopped: the index is at its last commit")


@app.command()
@handled
def add(
    url: Annotated[str, typer.Argument(help="An article's URL.")],
    index: IndexOption = None,
) -> None:
    """Fetch one article page into the index now (it is not followed)."""
    from askbot.sources.adding import add_page
    from askbot.sources.fetch import Fetcher

    settings = settings_for(index)
    with AskBot.open(settings, create=True) as bot, Fetcher(load_fetch_settings()) as fetcher:
        added = add_page(bot, fetcher, url)
    for notice in added.notices:
        warn(f"note: {notice}")
    article = added.article
    facts = " · ".join(x for x in (article.source, str(article.published or "") or None) if x)
    console.print(_show(f"{added.state}: {article.title or article.id} ({facts}) → {article.id}"))

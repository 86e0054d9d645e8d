"""``sync``: what is new in each followed source, fetched, read and ingested at once.

For each source: one conditional request (ETag / Last-Modified; a 304 ends it); the
entries not yet seen (by canonical URL, else GUID) or changed since (their fingerprint:
headline, summary, content, updated date); each one's page fetched and read, unless the
feed carries the full text. Every article of every source is then ingested through the
``AskBot`` facade in one transaction, and only after that commit is ``sources.json``
updated. One failing source (or page) is a line in the report, never the end of the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from askbot.errors import AskbotError, SourceError, TransientFetchError
from askbot.models import Article, IngestReport, Notice
from askbot.service import AskBot
from askbot.sources.documents import Document, read_document
from askbot.sources.entries import Entry
from askbot.sources.fetch import Fetched, Fetcher
from askbot.sources.pages import article_from_entry, article_from_page, keep_dates
from askbot.sources.registry import Registry, Seen, Source, SourceStore, Validators

# Pages fetched per source per sync; the rest wait for the next sync (a new sitemap of
# 50,000 URLs is read over many syncs, newest first, not in one that never ends).
MAX_ENTRIES = 200
MAX_CHILD_SITEMAPS = 50

SourceProgress = Callable[[str, int, int], None]
"""Called as progress(source name, entries done, entries to do)."""


@dataclass
class Problem:
    url: str
    reason: str

    def line(self, source: str) -> str:
        return f"source {source}: {self.url}: {self.reason}"


@dataclass
class SourceResult:
    """What one sync did for one source."""

    name: str
    url: str
    error: str | None = None  # the source itself could not be read
    not_modified: bool = False
    fetched_pages: int = 0
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    deferred: int = 0
    # Applied to the registry only once the index has committed.
    validators: Validators | None = None
    children: dict[str, Validators] = field(default_factory=dict)
    seen: dict[str, Seen] = field(default_factory=dict)
    kind: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or bool(self.problems)

    def lines(self) -> list[str]:
        out = [Problem(self.url, self.error).line(self.name)] if self.error else []
        return out + [p.line(self.name) for p in self.problems]


@dataclass
class SyncReport:
    results: list[SourceResult]
    ingest: IngestReport | None
    requests: int
    seconds: float

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.results) or bool(self.ingest and self.ingest.skipped)


def _reason(error: AskbotError, url: str) -> str:
    problem = error.problem.removeprefix(f"{url}: ")
    return f"{problem} — {error.fix}" if error.fix else problem


class _SourceSync:
    def __init__(
        self,
        bot: AskBot,
        fetcher: Fetcher,
        source: Source,
        max_entries: int,
        progress: SourceProgress | None,
    ) -> None:
        self.bot = bot
        self.fetcher = fetcher
        self.source = source
        self.max_entries = max_entries
        self.progress = progress
        self.result = SourceResult(source.name, source.url)

    def run(self) -> SourceResult:
        source = self.source
        try:
            got = self.fetcher.get(
                source.url,
                etag=source.validators.etag,
                last_modified=source.validators.last_modified,
            )
        except AskbotError as exc:
            self.result.error = _reason(exc, source.url)
            return self.result
        if got.not_modified:
            self.result.not_modified = True
            return self.result
        validators = Validators(etag=got.etag, last_modified=got.last_modified)
        try:
            document = read_document(got)
            entries = self._entries(document, got)
        except AskbotError as exc:
            self.result.error = _reason(exc, source.url)
            return self.result
        except (ValueError, RecursionError) as exc:  # a parser's own failure
            self.result.error = f"could not be read ({type(exc).__name__}: {exc})"
            return self.result
        self.result.kind = document.kind
        self._read(entries, got if document.kind == "page" else None)
        self.result.validators = validators
        return self.result

    def _entries(self, document: Document, got: Fetched) -> list[Entry]:
        if document.kind == "page":
            return [Entry(url=self.source.url)]
        if document.kind != "sitemap-index":
            return document.entries
        entries: list[Entry] = []
        for url, lastmod in document.sitemaps[:MAX_CHILD_SITEMAPS]:
            before = self.source.children.get(url, Validators())
            if lastmod and before.lastmod == lastmod:
                continue  # the index says this sitemap has not changed: not even a request
            try:
                child = self.fetcher.get(url, etag=before.etag, last_modified=before.last_modified)
                if child.not_modified:
                    continue
                part = read_document(child)
            except AskbotError as exc:
                self.result.problems.append(Problem(url, _reason(exc, url)))
                continue
            self.result.children[url] = Validators(
                etag=child.etag, last_modified=child.last_modified, lastmod=lastmod
            )
            entries.extend(part.entries)
        return entries

    def _todo(self, entries: list[Entry]) -> list[Entry]:
        todo: dict[str, Entry] = {}
        by_guid = self.source.guids()
        for entry in entries:
            seen = self.source.seen_entry(entry.key, entry.guid, by_guid)
            if seen is not None and seen.fingerprint == entry.fingerprint:
                continue
            todo.setdefault(entry.key, entry)
        out = list(todo.values())
        self.result.deferred = max(0, len(out) - self.max_entries)
        return out[: self.max_entries]

    def _read(self, entries: list[Entry], page: Fetched | None) -> None:
        todo = self._todo(entries) if page is None else entries
        for done, entry in enumerate(todo):
            if self.progress:
                self.progress(self.source.name, done, len(todo))
            notices: list[Notice] = []
            try:
                article = self._article(entry, page, notices)
            except (ValueError, RecursionError) as exc:
                # A parser's own failure on one hostile entry costs that entry only.
                reason = f"could not be read ({type(exc).__name__}: {exc})"
                self.result.problems.append(Problem(entry.url, reason))
                continue
            except TransientFetchError as exc:
                # Not recorded as seen: the next sync tries again.
                self.result.problems.append(Problem(entry.url, _reason(exc, entry.url)))
                continue
            except AskbotError as exc:
                reason = _reason(exc, entry.url)
                self.result.problems.append(Problem(entry.url, reason))
                # Recorded: a page that is not an article is not fetched again until
                # its entry changes.
                self.result.seen[entry.key] = Seen(
                    guid=entry.guid, fingerprint=entry.fingerprint, problem=reason
                )
                continue
            self.result.notices.extend(notices)
            self.result.articles.append(article)
            self.result.seen[entry.key] = Seen(
                guid=entry.guid, fingerprint=self._fingerprint(entry, page), article_id=article.id
            )
        if self.progress:
            self.progress(self.source.name, len(todo), len(todo))

    @staticmethod
    def _fingerprint(entry: Entry, page: Fetched | None) -> str:
        if page is None:
            return entry.fingerprint
        import hashlib

        return hashlib.sha256(page.body).hexdigest()[:24]

    def _article(self, entry: Entry, page: Fetched | None, notices: list[Notice]) -> Article:
        if page is None and entry.content:
            article = article_from_entry(entry, notices)
        else:
            if page is None:
                page = self.fetcher.get(entry.url)
                self.result.fetched_pages += 1
            if page.not_modified:
                raise SourceError(f"{entry.url}: the server answered 304 to a plain request")
            article = article_from_page(entry, page, notices)
        return keep_dates(self.bot, article)


def _unique(results: Sequence[SourceResult]) -> list[Article]:
    """One article per id: a syndicated copy that names the same original is read once."""
    out: dict[str, Article] = {}
    for result in results:
        for article in result.articles:
            out.setdefault(article.id, article)
    return list(out.values())


def _apply(registry: Registry, result: SourceResult, now: datetime) -> None:
    source = registry.find(result.name)
    if source is None:
        return  # unfollowed meanwhile
    update: dict[str, object] = {"last_attempt": now}
    if result.error is None:
        update["last_sync"] = now
        seen = {**source.seen, **result.seen}
        update["seen"] = seen
        update["children"] = {**source.children, **result.children}
        if result.validators is not None:
            update["validators"] = result.validators
        if result.kind and result.kind != source.kind:
            update["kind"] = result.kind
    lines = result.lines()
    update["last_error"] = lines[0].split(": ", 1)[1] if lines else None
    registry.replace(source.model_copy(update=update))


def sync(
    bot: AskBot,
    store: SourceStore,
    fetcher: Fetcher,
    names: Sequence[str] = (),
    *,
    max_entries: int = MAX_ENTRIES,
    progress: SourceProgress | None = None,
    ingest_progress: Callable[[int, int, int], None] | None = None,
) -> SyncReport:
    """Syncs the named sources (all when none is named); the caller holds
    ``store.syncing``. ``sources.json`` is locked only to record the result, so sources
    can be followed and unfollowed meanwhile."""
    started = time.perf_counter()
    requests_before = fetcher.requests
    registry = store.load()
    fetcher.robots.update(registry.robots)
    unknown = [n for n in names if registry.find(n) is None]
    if unknown:
        raise SourceError(
            f"no source named {', '.join(map(repr, unknown))}",
            "see the names with: askbot sources",
        )
    chosen = [s for s in registry.sources if not names or s.name in names]
    results = [_SourceSync(bot, fetcher, s, max_entries, progress).run() for s in chosen]
    articles = _unique(results)
    report = bot.ingest_articles(articles, ingest_progress) if articles else None
    # The index has committed: only now record what was seen (see registry.py).
    with store.locked(bot.settings.lock_timeout):
        registry = store.load()  # as it is now: followed or unfollowed meanwhile
        now = datetime.now(UTC)
        for result in results:
            _apply(registry, result, now)
        registry.robots.update(fetcher.robots)
        store.save(registry)
    return SyncReport(
        results=results,
        ingest=report,
        requests=fetcher.requests - requests_before,
        seconds=round(time.perf_counter() - started, 3),
    )

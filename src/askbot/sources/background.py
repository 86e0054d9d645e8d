"""Syncing in the background of a long-running askbot (the Slack bot, ``ASKBOT_SYNC=on``).

A daemon thread runs the same schedule as ``askbot watch``. Writes take the index's one
writer lock as every ingest does; questions keep answering from their snapshots while a
sync commits. A failing sync is logged and the schedule goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from askbot.errors import AskbotError
from askbot.sources.registry import Registry, store_for
from askbot.sources.watch import watch

if TYPE_CHECKING:
    from askbot.service import AskBot
    from askbot.sources.fetch import Fetcher
    from askbot.sources.settings import FetchSettings

log = logging.getLogger("askbot.sources")


class BackgroundSync:
    def __init__(self, bot: AskBot, settings: FetchSettings) -> None:
        self.bot = bot
        self.settings = settings
        self.store = store_for(bot.index, bot.settings)
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="askbot-sync", daemon=True)
        self.syncs = 0

    def start(self) -> BackgroundSync:
        self.thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join(timeout)

    def _loop(self) -> None:
        from askbot.sources.fetch import Fetcher

        with Fetcher(self.settings) as fetcher:

            def run(names: Sequence[str]) -> None:
                self._run(fetcher, names)

            watch(self._load, run, self.stop_event)

    def _load(self) -> Registry:
        try:
            return self.store.load()
        except AskbotError as error:
            log.error("sources: %s", error)
            return Registry()

    def _run(self, fetcher: Fetcher, names: Sequence[str]) -> None:
        from askbot.sources.sync import sync

        try:
            with self.store.syncing(self.bot.settings.lock_timeout):
                report = sync(self.bot, self.store, fetcher, names)
        except AskbotError as error:
            log.error("background sync failed: %s", error)
            return
        except Exception:
            # The bot keeps answering whatever a sync runs into; the traceback is logged.
            log.exception("background sync failed")
            return
        finally:
            self.syncs += 1
        ingest = report.ingest
        log.info(
            "synced %d sources: %s added, %s updated, %d requests",
            len(report.results),
            ingest.added if ingest else 0,
            ingest.updated if ingest else 0,
            report.requests,
        )
        for result in report.results:
            for line in result.lines():
                log.warning("%s", line)

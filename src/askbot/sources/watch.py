"""``watch``: each source synced on its own schedule until stopped."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from askbot.sources.registry import Registry, Source

# The longest watch sleeps before looking at the sources again (a source followed from
# another shell meanwhile is picked up within this).
IDLE_SECONDS = 30.0


def due_at(source: Source) -> datetime:
    """When ``source`` is next due: ``every`` after its last attempt (now if never)."""
    if source.last_attempt is None:
        return datetime.min.replace(tzinfo=UTC)
    return source.last_attempt + timedelta(seconds=source.every)


def due(registry: Registry, now: datetime) -> list[str]:
    return [s.name for s in registry.sources if due_at(s) <= now]


def seconds_to_next(registry: Registry, now: datetime) -> float:
    if not registry.sources:
        return IDLE_SECONDS
    soonest = min(due_at(s) for s in registry.sources)
    return max(0.0, min(IDLE_SECONDS, (soonest - now).total_seconds()))


def watch(
    load: Callable[[], Registry],
    run: Callable[[Sequence[str]], object],
    stop: threading.Event,
    *,
    cycles: int | None = None,
) -> int:
    """Runs ``run(names)`` for the sources due, then sleeps until the next one is, until
    ``stop`` is set (or ``cycles`` syncs ran); returns the number of syncs run."""
    runs = 0
    while not stop.is_set():
        now = datetime.now(UTC)
        registry = load()
        names = due(registry, now)
        if names:
            run(names)
            runs += 1
            if cycles is not None and runs >= cycles:
                break
            continue
        stop.wait(seconds_to_next(registry, datetime.now(UTC)))
    return runs

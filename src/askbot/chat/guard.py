"""What keeps the bot from answering twice or too often: bounded memories with a clock.

Slack re-delivers an event when it thinks the first delivery timed out, so every event id
is answered once. A person may ask only so many questions a minute. Both memories are
bounded and shared by Bolt's worker threads.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable

Clock = Callable[[], float]


class RecentKeys:
    """Keys seen in the last ``ttl`` seconds, at most ``size`` of them (oldest forgotten)."""

    def __init__(self, size: int = 10_000, ttl: float = 3600.0, clock: Clock = time.monotonic):
        self._size = size
        self._ttl = ttl
        self._clock = clock
        self._seen: OrderedDict[Hashable, float] = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self._ttl and len(self._seen) <= self._size:
                break
            del self._seen[key]

    def first(self, key: Hashable) -> bool:
        """Records ``key``; True only the first time it is seen within the ttl."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            if key in self._seen:
                return False
            self._seen[key] = now
            self._expire(now)
            return True

    def add(self, key: Hashable) -> None:
        """Records ``key`` (again), as seen now."""
        with self._lock:
            now = self._clock()
            self._seen.pop(key, None)
            self._seen[key] = now
            self._expire(now)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            self._expire(self._clock())
            return key in self._seen


class RateLimiter:
    """At most ``per_minute`` questions per user in any 60 seconds (0 means no limit)."""

    WINDOW = 60.0

    def __init__(self, per_minute: int, users: int = 10_000, clock: Clock = time.monotonic):
        self.per_minute = per_minute
        self._clock = clock
        self._users = users
        self._asked: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, user: str) -> float:
        """Seconds until ``user`` may ask again; 0 means now, and the question is counted."""
        if self.per_minute <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            times = self._asked.pop(user, None) or deque()
            while times and now - times[0] >= self.WINDOW:
                times.popleft()
            self._asked[user] = times
            while len(self._asked) > self._users:
                self._asked.popitem(last=False)
            if len(times) >= self.per_minute:
                return max(0.0, self.WINDOW - (now - times[0]))
            times.append(now)
            return 0.0

"""The one way askbot waits for another process: a file lock, or a one-line busy error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from askbot.errors import IndexBusyError


@contextmanager
def exclusive(path: Path, timeout: float, busy: str) -> Iterator[None]:
    """Holds the lock file at ``path``; ``busy`` says who holds it when another process
    keeps it longer than ``timeout`` seconds."""
    import filelock  # only writers lock: a question never imports it (~10 ms)

    lock = filelock.FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise IndexBusyError(
            busy, "wait for it to finish, or raise ASKBOT_LOCK_TIMEOUT to wait longer"
        ) from None
    try:
        yield
    finally:
        lock.release()

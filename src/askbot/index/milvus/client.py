"""The one ``pymilvus.MilvusClient`` of an index: imported lazily, errors made one line.

pymilvus is an optional extra: the embedded default never imports this module's client,
and a Milvus location without it installed is a one-line error naming the extra. Every
call to Milvus goes through ``Connection.call`` so a dropped server or a refused request
becomes an ``IndexError_`` naming the fix, with the token scrubbed from the message.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from askbot.errors import BackendMissingError, IndexError_
from askbot.index.milvus.location import MilvusLocation

if TYPE_CHECKING:
    from pymilvus import MilvusClient

T = TypeVar("T")
CONNECT_TIMEOUT = 10.0
# Several clients flushing one collection at once can be refused ("flush in progress"):
# a flush is idempotent, so it is simply tried again.
FLUSH_ATTEMPTS = 6


def import_pymilvus() -> Any:
    try:
        import pymilvus
    except ImportError:
        raise BackendMissingError(
            "this index location is a Milvus index, and the Milvus client is not installed",
            "pip install askbot[milvus]",
        ) from None
    return pymilvus


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", "") or exc) or type(exc).__name__
    return text.strip().splitlines()[0][:300]


class Connection:
    def __init__(self, where: MilvusLocation) -> None:
        self.where = where
        pymilvus = import_pymilvus()
        self._errors: tuple[type[BaseException], ...] = (pymilvus.MilvusException, OSError)
        try:
            kwargs: dict[str, Any] = {"uri": where.uri, "timeout": CONNECT_TIMEOUT}
            if where.token:
                kwargs["token"] = where.token
            if where.db_name:
                kwargs["db_name"] = where.db_name
            self.client: MilvusClient = pymilvus.MilvusClient(**kwargs)
        except Exception as exc:  # noqa: BLE001 - any failure to connect is reported the same way
            raise self.unreachable(exc) from None

    def unreachable(self, exc: BaseException) -> IndexError_:
        reason = self.where.scrub(_first_line(exc))
        lowered = reason.lower()
        if any(w in lowered for w in ("auth", "credential", "permission", "token", "denied")):
            return IndexError_(
                f"Milvus at {self.where.display} refused the credentials ({reason})",
                "set ASKBOT_MILVUS_TOKEN to a valid token or USER:PASSWORD",
            )
        if self.where.lite:
            return IndexError_(
                f"cannot open the Milvus Lite file {self.where.display} ({reason})",
                "check the path, or stop the other process using that file",
            )
        return IndexError_(
            f"cannot reach Milvus at {self.where.display} ({reason})",
            "start the Milvus server, or fix the host and port in --index / ASKBOT_INDEX",
        )

    def call(self, what: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Runs one request; any Milvus or network failure is a one-line IndexError_."""
        try:
            return what(*args, **kwargs)
        except IndexError_:
            raise
        except self._errors as exc:
            raise self.failed(exc) from None

    def failed(self, exc: BaseException) -> IndexError_:
        reason = self.where.scrub(_first_line(exc))
        lowered = reason.lower()
        if any(w in lowered for w in ("unavailable", "connect", "deadline", "timeout", "closed")):
            return self.unreachable(exc)
        return IndexError_(
            f"Milvus at {self.where.display} refused a request ({reason})",
            "check the server's logs; askbot ingest can be run again, it resumes",
        )

    def flush(self, collection: str) -> None:
        for attempt in range(FLUSH_ATTEMPTS):
            try:
                self.client.flush(collection)
                return
            except self._errors as exc:
                if attempt == FLUSH_ATTEMPTS - 1:
                    raise self.failed(exc) from None
                time.sleep(0.2 * (attempt + 1))

    def close(self) -> None:
        # Closing a dropped connection: nothing is left to release.
        with contextlib.suppress(Exception):
            self.client.close()

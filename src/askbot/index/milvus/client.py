"""The one ``pymilvus.MilvusClient`` of an index: imported lazily, errors made one line.

pymilvus is an optional extra: the embedded default never imports this module's client,
and a Milvus location without it installed is a one-line error naming the extra. Every
call to Milvus goes through ``Connection.call`` so a dropped server or a refused request
becomes an ``IndexError_`` naming the fix, with the token scrubbed from the message.
"""

from __future__ import annotations

import contextlib
import logging
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
    _quiet(pymilvus.__name__)
    return pymilvus


def _quiet(name: str) -> None:
    """pymilvus installs its own stderr handlers at import: a server dropping mid-ingest
    printed its reconnection traceback before askbot's one-line error. Its records now go
    only where the application sends its own logs (the Slack bot's log), nowhere in a CLI
    run, which reports every failure itself."""
    for logger_name in (name, f"{name}.milvus_client", f"{name}.bulk_writer"):
        logger = logging.getLogger(logger_name)
        logger.handlers = [logging.NullHandler()]
        logger.propagate = True


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", "") or exc) or type(exc).__name__
    return text.strip().splitlines()[0][:300]


def _grpc_status(exc: BaseException) -> tuple[str, str] | None:
    """The gRPC status name and details behind ``exc``, if a gRPC call failed: pymilvus
    reports a refused connection and refused credentials alike ("Fail connecting to
    server ... illegal connection params or server unavailable") and keeps the real
    status only as the exception's cause."""
    seen: BaseException | None = exc
    visited: set[int] = set()
    while seen is not None and id(seen) not in visited:  # pymilvus raises ``e from e``
        visited.add(id(seen))
        code = getattr(seen, "code", None)
        details = getattr(seen, "details", None)
        if callable(code) and callable(details):
            try:
                return str(getattr(code(), "name", code())), str(details() or "")
            except Exception:  # noqa: BLE001 - a cause that is not a finished RPC
                return None
        seen = seen.__cause__ or seen.__context__
    return None


REFUSED = ("UNAUTHENTICATED", "PERMISSION_DENIED")
AUTH_WORDS = ("auth", "credential", "permission", "token", "denied", "password")


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
            version = str(self.client.get_server_version())
        except Exception as exc:  # noqa: BLE001 - any failure to connect is reported the same way
            raise self.unreachable(exc) from None
        # Milvus Lite (a file or ``milvus-lite server``) evaluates expressions in Python:
        # what is cheap on a Milvus server (TEXT_MATCH on its inverted index) is a scan here.
        self.engine_is_lite = version.startswith("milvus_lite")

    def unreachable(self, exc: BaseException) -> IndexError_:
        status = _grpc_status(exc)
        reason = _first_line(exc)
        if status is not None and status[0] in REFUSED:
            reason = f"{status[0]}: {status[1]}".strip().splitlines()[0][:300]
        reason = self.where.scrub(reason)
        lowered = reason.lower()
        if any(w in lowered for w in AUTH_WORDS):
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
        status = _grpc_status(exc)
        if (status is not None and status[0] in REFUSED) or any(w in lowered for w in AUTH_WORDS):
            return self.unreachable(exc)  # credentials refused (or revoked) mid-session
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

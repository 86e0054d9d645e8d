"""Where a Milvus index is: a ``milvus://`` URL (a server or cluster) or a ``.db`` file.

``milvus://host:port/db?collection=NAME`` names a database and a collection prefix on a
Milvus server; ``PATH.db`` is a Milvus Lite file, embedded in this process. The token (or
``user:password``) never goes in the URL: it comes from ``ASKBOT_MILVUS_TOKEN`` and is kept
out of everything askbot prints (``display`` is what messages and ``askbot info`` show).
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from askbot.errors import ConfigError

SCHEME = "milvus://"
DEFAULT_COLLECTION = "askbot"
DEFAULT_PORT = 19530
TOKEN_VARIABLE = "ASKBOT_MILVUS_TOKEN"
# Milvus names: letters, digits and underscores, starting with a letter or underscore.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")


@dataclass(frozen=True)
class MilvusLocation:
    uri: str
    display: str
    collection: str
    db_name: str = ""
    token: str = field(default="", repr=False)
    lite: bool = False

    def scrub(self, text: str) -> str:
        """``text`` with the token taken out (a driver's message might echo it): whole,
        base64-encoded as pymilvus sends it, and the password of ``USER:PASSWORD`` alone
        (Milvus 2.2 refused credentials with "username: U, password: P" in the message)."""
        if not self.token:
            return text
        password = self.token.partition(":")[2]
        encoded = base64.b64encode(self.token.encode()).decode()
        for secret in (self.token, encoded, password):
            if secret:
                text = text.replace(secret, "***")
        return text


def _setting_token() -> str:
    from askbot.settings import load_settings

    return load_settings().milvus_token.get_secret_value()


def is_milvus(location: str | os.PathLike[str]) -> bool:
    text = os.fspath(location)
    return text.startswith(SCHEME) or text.endswith(".db")


def _checked_name(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise ConfigError(
            f"the Milvus {what} {name!r} is not a valid name",
            "use letters, digits and underscores, starting with a letter",
        )
    return name


def parse(location: str | os.PathLike[str], token: str | None = None) -> MilvusLocation:
    """The Milvus location ``location`` names (a ConfigError for a malformed one)."""
    text = os.fspath(location)
    secret = _setting_token() if token is None else token
    if not text.startswith(SCHEME):
        path = Path(text).expanduser().resolve()
        return MilvusLocation(
            uri=str(path), display=str(path), collection=DEFAULT_COLLECTION, lite=True
        )
    parts = urlsplit(text)
    if parts.username or parts.password:
        raise ConfigError(
            "a milvus:// index location must not hold credentials",
            f"put the token in {TOKEN_VARIABLE} and leave it out of the URL",
        )
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise ConfigError(
            f"{parts.hostname}: the port of the milvus:// location is not a number",
            "write it as milvus://HOST:PORT/DB?collection=NAME",
        ) from None
    host = parts.hostname or ""
    if not host:
        raise ConfigError(
            "the milvus:// location names no host",
            "write it as milvus://HOST:PORT/DB?collection=NAME",
        )
    db = parts.path.strip("/")
    query = parse_qs(parts.query)
    collection = (query.get("collection") or [DEFAULT_COLLECTION])[0]
    _checked_name(collection, "collection")
    if db:
        _checked_name(db, "database")
    suffix = f"/{db}" if db else ""
    return MilvusLocation(
        uri=f"http://{host}:{port}",
        display=f"{SCHEME}{host}:{port}{suffix}?collection={collection}",
        collection=collection,
        db_name=db,
        token=secret,
    )

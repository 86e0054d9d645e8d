"""What a feed or sitemap says about one article: ``Entry``, and URL canonicalisation."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict

# Query parameters that track a click and never change the page.
TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "cmpid", "ocid")


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, no fragment,
    no tracking parameters."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()  # not a valid URL: the fetch says so, the key stays as given
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING)
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def article_id_for(url: str) -> str:
    """An article followed from the web is named by its canonical URL."""
    return "web-" + hashlib.sha256(canonical_url(url).encode()).hexdigest()[:20]


class Entry(BaseModel):
    """One article as a feed or sitemap lists it; the page fills in the rest."""

    model_config = ConfigDict(frozen=True)

    url: str
    guid: str | None = None
    title: str | None = None
    summary: str | None = None
    content: str | None = None  # the article's full text, when the feed carries it
    published: str | None = None
    updated: str | None = None
    authors: tuple[str, ...] = ()
    outlet: str | None = None

    @property
    def key(self) -> str:
        return canonical_url(self.url)

    @property
    def fingerprint(self) -> str:
        """Changes when the feed says the article changed (a correction, an update)."""
        payload = "\x1f".join(
            v or "" for v in (self.title, self.summary, self.content, self.updated)
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:24]

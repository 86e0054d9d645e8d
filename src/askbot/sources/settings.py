"""Settings of following sources: how politely and how safely askbot fetches the web."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from askbot.settings import load_config


class FetchSettings(BaseSettings):
    """``ASKBOT_*`` variables read by ``follow``, ``sync`` and ``watch``."""

    model_config = SettingsConfigDict(
        env_prefix="ASKBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    sync: bool = Field(
        False,
        description="Sync the followed sources on their schedules in the background of "
        "the Slack bot (on/off).",
    )
    contact: str = Field(
        "",
        description="Who runs this askbot (a URL or an e-mail): sent in the User-Agent so a "
        "site can reach you instead of blocking you.",
    )
    allow_private_urls: bool = Field(
        False,
        description="Fetch URLs on loopback, private, link-local or metadata addresses "
        "(off: a shared link must not reach internal services).",
    )
    allowed_private_hosts: str = Field(
        "",
        description="Comma-separated hosts on private addresses that may be fetched all the "
        "same (an intranet feed), while every other private address stays refused.",
    )
    fetch_delay: float = Field(
        1.0, ge=0, le=3600, description="Seconds between two requests to the same host."
    )
    fetch_timeout: float = Field(
        15.0, gt=0, le=600, description="Seconds to connect, and to wait for each read."
    )
    fetch_total_timeout: float = Field(
        60.0, gt=0, le=3600, description="Seconds one response may take in all."
    )
    fetch_retries: int = Field(
        2, ge=0, le=10, description="Retries after a 429, a 5xx or a dropped connection."
    )
    fetch_backoff: float = Field(
        1.0, ge=0, le=600, description="Seconds before the first retry (doubled each time)."
    )
    max_retry_after: float = Field(
        120.0,
        ge=0,
        le=86_400,
        description="Longest Retry-After askbot waits for; a longer one fails the fetch.",
    )
    max_redirects: int = Field(5, ge=0, le=30, description="Redirects followed per fetch.")
    max_page_mb: float = Field(
        10.0, gt=0, le=1000, description="Largest response, before and after decompression."
    )

    def private_hosts(self) -> frozenset[str]:
        return frozenset(
            h.strip().lower() for h in self.allowed_private_hosts.split(",") if h.strip()
        )


def load_fetch_settings() -> FetchSettings:
    return load_config(FetchSettings)

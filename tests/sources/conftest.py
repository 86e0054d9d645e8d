"""Fixtures of the sources tests: a local newsroom server and askbot's CLI on the fake
embedder (the harness is in sources_harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sources_harness import Newsroom
from webserver import Site, serve


@pytest.fixture
def site() -> Iterator[Site]:
    yield from serve(Site())


@pytest.fixture
def newsroom(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASKBOT_BACKEND", "test-hashing")
    monkeypatch.setenv("ASKBOT_MODEL", "64")
    monkeypatch.setenv("ASKBOT_MIN_CONFIDENCE", "0")
    # The server is on 127.0.0.1, which askbot refuses by default.
    monkeypatch.setenv("ASKBOT_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("ASKBOT_FETCH_DELAY", "0")
    monkeypatch.setenv("ASKBOT_FETCH_BACKOFF", "0.05")
    monkeypatch.setenv("ASKBOT_FETCH_TIMEOUT", "1")
    monkeypatch.setenv("ASKBOT_CONTACT", "newsdesk@example.org")
    return Newsroom(site, tmp_path)

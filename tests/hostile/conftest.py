"""Fixtures of the hostile-input suite (the harness is in cli_harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_harness import Cli


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASKBOT_BACKEND", "test-hashing")
    monkeypatch.setenv("ASKBOT_MODEL", "64")
    # The fake embedder's cosines mean nothing: never abstain on them.
    monkeypatch.setenv("ASKBOT_MIN_CONFIDENCE", "0")
    runner = Cli(tmp_path)
    runner.build()
    yield runner

"""The sample corpus askbot ships with: two reports of the same event from two outlets."""

from __future__ import annotations

from pathlib import Path


def sample_dir() -> Path:
    return Path(__file__).parent

"""Run as a subprocess by the snapshot tests: commits versions of a fixed set of articles.

Usage: python race_worker.py INDEX COMMITS ARTICLES
Commit v (from 1) replaces every article with its version v (``race_text(v, i)``), whose
every sentence names the version, so a reader can tell which commit a quote came from.
"""

from __future__ import annotations

import sys
from pathlib import Path

from askbot.models import Article
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder

WORDS = ("troops", "border", "talks", "sanctions", "minister", "ports", "grain", "envoy")


def race_text(version: int, number: int) -> str:
    """Article ``number`` at ``version``: 10, 40 or 70 sentences (1 to 3 passages)."""
    count = 10 + 30 * (version % 3)
    return " ".join(
        f"Report {number} version v{version}: the minister said {WORDS[(j + number) % 8]} "
        f"near the border matter ({j})."
        for j in range(count)
    )


def race_articles(version: int, count: int) -> list[Article]:
    return [Article(id=f"race-{i}", text=race_text(version, i)) for i in range(count)]


def main() -> None:
    index, commits, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    with AskBot.open(Settings(index=index, lock_timeout=30), HashingEmbedder()) as bot:
        for version in range(1, commits + 1):
            bot.ingest_articles(race_articles(version, count))
            print(f"committed {version}", flush=True)


if __name__ == "__main__":
    main()

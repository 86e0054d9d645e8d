"""Run as a subprocess by the tests: ingests generated articles into an index, slowly.

Usage: python ingest_worker.py INDEX COUNT SLEEP_SECONDS
It prints one line per progress step so the parent can kill it mid-ingest.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from askbot.models import Article
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder


class SlowEmbedder(HashingEmbedder):
    def __init__(self, pause: float) -> None:
        super().__init__()
        self.pause = pause

    def embed(self, texts: Sequence[str], kind: str) -> NDArray[np.float32]:
        time.sleep(self.pause)
        return super().embed(texts, kind)


def main() -> None:
    index, count, pause = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    bot = AskBot.open(Settings(index=index, lock_timeout=0), SlowEmbedder(pause), create=True)
    articles = [
        Article(
            id=f"gen-{i}", text=" ".join(f"Generated sentence {i} number {j}." for j in range(40))
        )
        for i in range(count)
    ]

    def progress(done: int, passages: int, total: int) -> None:
        print(f"progress {done} {passages} {total}", flush=True)

    bot.ingest_articles(articles, progress)
    print("done", flush=True)


if __name__ == "__main__":
    main()

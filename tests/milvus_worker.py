"""Run as a subprocess by tests/test_milvus.py: one writer or reader of a shared Milvus index.

Usage:
    python milvus_worker.py write URL SHARD COUNT    ingest COUNT articles of one shard
    python milvus_worker.py rewrite URL ROUNDS       rewrite the changing articles ROUNDS times
    python milvus_worker.py read URL STOP_FILE       ask questions until STOP_FILE exists

A reader checks every answer: each excerpt is verbatim from its article's text, and every
hit of one changing article comes from one version. It prints "read N" at the end, and
"VIOLATION ..." (exit 1) at the first broken guarantee.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from askbot.models import Article, QueryFilters
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder

CHANGING = 4
SENTENCES = 30  # with 10-word passages: several passages an article
_VERSION = re.compile(r"version (\d+) of story")


def shard_article(shard: int, number: int) -> Article:
    words = " ".join(f"Shard {shard} item {number} reports troops line {j}." for j in range(12))
    return Article(id=f"s{shard}-{number}", text=words, title=f"Shard {shard} item {number}")


def changing_article(number: int, version: int) -> Article:
    text = " ".join(
        f"This is version {version} of story {number}, grain line {j}." for j in range(SENTENCES)
    )
    return Article(id=f"c-{number}", text=text, title=f"Story {number}")


def _bot(url: str) -> AskBot:
    settings = Settings(index=url, min_confidence=0.0, chunk_words=10)  # type: ignore[arg-type]
    return AskBot.open(settings, HashingEmbedder(), create=True)


def write(url: str, shard: int, count: int) -> None:
    bot = _bot(url)
    for start in range(0, count, 5):
        bot.ingest_articles([shard_article(shard, n) for n in range(start, start + 5)])
    print("wrote", flush=True)


def rewrite(url: str, rounds: int) -> None:
    bot = _bot(url)
    for version in range(1, rounds + 1):
        bot.ingest_articles([changing_article(n, version) for n in range(CHANGING)])
    print("rewrote", flush=True)


def fail(message: str) -> None:
    print(f"VIOLATION {message}", flush=True)
    sys.exit(1)


def read(url: str, stop: Path) -> None:
    bot = _bot(url)
    asked = 0
    while not stop.exists() or asked < 3:
        for question in ("grain story", "troops reports", "version of story grain line"):
            answer = bot.ask(question, k=5)
            asked += 1
            for e in answer.excerpts:
                match = _VERSION.search(e.text)
                if match:
                    number = int(e.article_id.split("-")[1])
                    expected = changing_article(number, int(match.group(1))).text
                else:
                    shard, number = e.article_id[1:].split("-")
                    expected = shard_article(int(shard), int(number)).text
                if expected[e.start : e.end] != e.text:
                    fail(f"excerpt of {e.article_id} is not verbatim: {e.text!r}")
        with bot.index.snapshot() as snap:
            hits = snap.keyword(["grain", "story"], 500, QueryFilters())
            versions: dict[str, set[str]] = {}
            for row in snap.passages([p for p, _ in hits]).values():
                found = _VERSION.search(row.text)
                versions.setdefault(row.article_id, set()).add(found.group(1) if found else "?")
            mixed = {a: v for a, v in versions.items() if len(v) > 1}
            if mixed:
                fail(f"one question saw several versions: {mixed}")
    print(f"read {asked}", flush=True)


def main() -> None:
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "write":
        write(url, int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "rewrite":
        rewrite(url, int(sys.argv[3]))
    else:
        read(url, Path(sys.argv[3]))


if __name__ == "__main__":
    main()

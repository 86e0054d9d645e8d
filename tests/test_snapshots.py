"""A question reads one committed state from start to end, whatever writers do meanwhile."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from askbot.models import Answer
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder
from race_worker import race_articles, race_text

TESTS = Path(__file__).parent
COMMITS = 50
ARTICLES = 12
QUESTIONS = 400
THREADS = 4
VERSION = re.compile(r"version v(\d+)")


def _check(answer: Answer) -> int:
    """The one version an answer's quotes come from; fails on a mix or a wrong offset."""
    assert answer.excerpts, answer.reason
    versions = {int(v) for e in answer.excerpts for v in VERSION.findall(e.text)}
    assert len(versions) == 1, f"one answer mixes versions {versions}"
    version = versions.pop()
    for excerpt in answer.excerpts:
        number = int(excerpt.article_id.removeprefix("race-"))
        assert race_text(version, number)[excerpt.start : excerpt.end] == excerpt.text
    return version


def _ask_while(bot: AskBot, writing: Callable[[], bool]) -> tuple[list[int], list[BaseException]]:
    """THREADS threads ask at least QUESTIONS questions in all, and on until writing stops."""
    seen: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    questions = ["What did the minister say about troops near the border?", "grain envoy talks"]

    def reader(number: int) -> None:
        asked = 0
        while asked < QUESTIONS // THREADS or writing():
            try:
                version = _check(bot.ask(questions[asked % 2], k=3))
            except BaseException as error:  # noqa: BLE001 - every failure is the finding
                with lock:
                    errors.append(error)
                return
            with lock:
                seen.append(version)
            asked += 1

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return seen, errors


def _reader_bot(path: Path) -> AskBot:
    # The fake embedder's cosines mean nothing: never abstain, so every answer is checked.
    bot = AskBot.open(Settings(index=path, min_confidence=0.0), HashingEmbedder(), create=True)
    bot.ingest_articles(race_articles(0, ARTICLES))
    return bot


def test_questions_never_mix_generations_while_another_process_commits(tmp_path: Path) -> None:
    path = tmp_path / "index"
    bot = _reader_bot(path)
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    writer = subprocess.Popen(
        [sys.executable, str(TESTS / "race_worker.py"), str(path), str(COMMITS), str(ARTICLES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().startswith("committed 1")  # writing has begun
    seen, errors = _ask_while(bot, lambda: writer.poll() is None)
    _, stderr = writer.communicate(timeout=300)
    assert writer.returncode == 0, stderr
    assert not errors, f"{len(errors)} questions failed; first: {errors[0]!r}"
    assert len(seen) >= QUESTIONS
    assert len(set(seen)) >= 5, "the readers should have seen many commits land"
    assert _check(bot.ask("grain envoy talks")) == COMMITS  # the next question sees the last
    bot.close()


@pytest.mark.parametrize("store", ["faiss-flat", "faiss-ivf"])
def test_a_writer_thread_never_shows_through_to_readers(tmp_path: Path, store: str) -> None:
    path = tmp_path / "index"
    bot = AskBot.open(
        Settings(index=path, min_confidence=0.0, vector_store=store), HashingEmbedder(), create=True
    )
    bot.ingest_articles(race_articles(0, ARTICLES))
    done = threading.Event()

    def write() -> None:
        try:
            for version in range(1, COMMITS // 2 + 1):
                bot.ingest_articles(race_articles(version, ARTICLES))
        finally:
            done.set()

    writer = threading.Thread(target=write)
    writer.start()
    seen, errors = _ask_while(bot, lambda: not done.is_set())
    writer.join()
    assert not errors, f"{len(errors)} questions failed; first: {errors[0]!r}"
    assert len(set(seen)) >= 3
    assert _check(bot.ask("grain envoy talks")) == COMMITS // 2
    bot.close()

"""The question path loads only what it needs, and a first question's load is its own figure."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
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

HEAVY = ("torch", "sentence_transformers", "slack_bolt", "slack_sdk", "trafilatura", "spacy")
HEAVY += ("pymilvus", "milvus_lite", "grpc")  # the Milvus backend is an optional extra
# What only ingest and writers use: a question reads sentences from the index and locks nothing.
HEAVY += ("blingfire", "filelock", "rich.progress", "datasketch")


class SlowToLoad(HashingEmbedder):
    """A model that takes a while to load, like a real one."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded = False

    def warm_up(self) -> None:
        if not self.loaded:
            time.sleep(0.3)
            self.loaded = True

    def embed(self, texts: Sequence[str], kind: str) -> NDArray[np.float32]:
        self.warm_up()
        return super().embed(texts, kind)


def test_keywords_alone_load_no_model(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    bot = AskBot.open(Settings(index=tmp_path / "i", min_confidence=0.0), embedder, create=True)
    bot.ingest_articles([Article(id="a", text="Troops massed near the border, officials said.")])
    calls = embedder.calls
    answer = bot.ask("troops border", retriever="bm25")
    assert answer.answered and embedder.calls == calls
    assert bot.retrieve("troops border", "bm25")[0].article_id == "a" and embedder.calls == calls
    bot.ask("troops border")  # hybrid warms the model and embeds the question
    assert embedder.calls > calls


def test_loading_the_model_is_not_question_time(tmp_path: Path) -> None:
    model = SlowToLoad()
    bot = AskBot.open(Settings(index=tmp_path / "i"), model, create=True)
    bot.ingest_articles([Article(id="a", text="Troops massed near the border.")])
    fresh = AskBot.open(Settings(index=tmp_path / "i"), SlowToLoad())
    first = fresh.ask("troops border").timings
    assert first.load_ms >= 300 and first.total_ms < 300
    second = fresh.ask("troops border").timings
    assert second.load_ms == 0.0
    assert fresh.warm_up() == 0.0  # already warm


def test_the_command_keeps_its_status_and_its_whole_output_through_a_pipe(
    tmp_path: Path,
) -> None:
    """``askbot`` ends without interpreter teardown: what it printed must all arrive."""
    bot = AskBot.open(Settings(index=tmp_path / "i"), HashingEmbedder(), create=True)
    bot.ingest_articles([Article(id="a", text="Troops massed near the border. " * 400)])
    bot.close()
    # Buffered, as a pipe is by default: what is not flushed at the end is lost.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(Path(__file__).parent)

    def askbot(*argv: str) -> subprocess.CompletedProcess[str]:
        script = (
            "import sys, fakes\nfrom askbot.cli import main\n"
            f"sys.argv = {['askbot', *argv]!r}\nmain()\n"
        )
        return subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
        )

    index = str(tmp_path / "i")
    ok = askbot(
        "ask", "troops border", "--json", "-k", "20", "--retriever", "bm25", "--index", index
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["excerpts"]  # the whole JSON document, not a prefix
    empty = askbot("ask", "  ", "--index", index)
    assert empty.returncode == 2 and empty.stderr.startswith("error: the question is empty")
    # Exit handlers still run: the REPL's history is written when the command ends.
    env["HOME"] = str(tmp_path)
    script = (
        "import sys, fakes\nfrom askbot.cli import main\n"
        f"sys.argv = ['askbot', 'repl', '--index', {index!r}]\nmain()\n"
    )
    repl = subprocess.run(
        [sys.executable, "-c", script],
        input="troops border\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert repl.returncode == 0, repl.stderr
    # Lines from a pipe do not enter readline's history, so it is written empty: that it
    # is written at all shows the exit handler ran.
    assert (tmp_path / ".askbot_history").is_file()


def test_a_one_shot_keyword_question_imports_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    bot = AskBot.open(Settings(index=tmp_path / "i"), HashingEmbedder(), create=True)
    bot.ingest_articles([Article(id="a", text="Troops massed near the border.")])
    bot.close()
    script = (
        "import sys, json, fakes\n"
        "from askbot.cli import app\n"
        f"sys.argv = ['askbot', 'ask', 'troops border', '--retriever', 'bm25', '--json', "
        f"'--index', {str(tmp_path / 'i')!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    *answer, loaded = run.stdout.strip().splitlines()
    assert json.loads("\n".join(answer))["excerpts"]
    assert json.loads(loaded) == []


def test_the_repl_loads_the_model_before_the_prompt_and_says_so(
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import io

    from rich.console import Console

    from askbot.repl import Repl

    bot = AskBot.open(Settings(index=tmp_path / "i"), HashingEmbedder(), create=True)
    bot.ingest_articles([Article(id="a", text="Troops massed near the border.")])
    fresh = AskBot.open(Settings(index=tmp_path / "i"), SlowToLoad())
    lines = iter(["troops border"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(lines))
    monkeypatch.setenv("HOME", str(tmp_path))
    out = io.StringIO()
    repl = Repl(fresh, Console(file=out, width=120, force_terminal=False))
    repl.json = True
    with contextlib.suppress(StopIteration):
        repl.run()
    text = out.getvalue()
    loading = text.index(f"loading {fresh.embedder.name}")
    assert loading < text.index("ready in") < text.index("ask about")
    assert json.loads(text[text.index("{") :])["timings"]["load_ms"] == 0.0

    keywords = AskBot.open(Settings(index=tmp_path / "i", retriever="bm25"), SlowToLoad())
    quiet = io.StringIO()
    Repl(keywords, Console(file=quiet, width=120)).warm_up()
    assert quiet.getvalue() == "" and not keywords.embedder.loaded  # type: ignore[attr-defined]

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from askbot.cli import app
from askbot.errors import (
    BackendMissingError,
    IndexBusyError,
    IndexCorruptError,
    IndexIncompatibleError,
    IndexMissingError,
)
from askbot.index import open_index
from askbot.models import Article
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder

TESTS = Path(__file__).parent


def open_bot(path: Path, **kw: object) -> AskBot:
    return AskBot.open(Settings(index=path, **kw), HashingEmbedder(), create=True)  # type: ignore[arg-type]


def test_reingest_unchanged_changes_nothing_and_changed_replaces(tmp_path: Path) -> None:
    # The fake embedder's cosines mean nothing, so abstention is off here.
    bot = open_bot(tmp_path / "i", min_confidence=0.0)
    first = bot.ingest_articles([Article(id="a", text="Troops gathered. Talks failed.")])
    assert (first.added, first.passages) == (1, 1)
    generation = bot.describe().generation
    again = bot.ingest_articles([Article(id="a", text="Troops gathered. Talks failed.")])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    assert bot.describe().generation == generation  # nothing was written
    changed = bot.ingest_articles([Article(id="a", text="Troops withdrew. Talks resumed.")])
    assert changed.updated == 1
    info = bot.describe()
    assert (info.passages, info.vector_store["vectors"], info.generation) == (1, 1, generation + 1)
    assert bot.article("a").text == "Troops withdrew. Talks resumed."  # type: ignore[union-attr]
    assert "withdrew" in bot.ask("Did troops withdraw?").excerpts[0].text


def test_remove_and_info(tmp_path: Path) -> None:
    bot = open_bot(tmp_path / "i")
    bot.ingest_articles([Article(id="a", text="One."), Article(id="b", text="Two.")])
    removed, missing = bot.remove(["a", "zzz"])
    assert (removed, missing) == (["a"], ["zzz"])
    info = bot.describe()
    assert (info.articles, info.passages, info.vector_store["vectors"]) == (1, 1, 1)
    reopened = open_index(tmp_path / "i").info()
    assert (reopened.articles, reopened.vector_store["vectors"]) == (1, 1)
    assert reopened.manifest.articles == 1  # the informational copy is kept up to date


def test_missing_index_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match=r"no index at .* — build one with: askbot ingest"):
        AskBot.open(Settings(index=tmp_path / "none"), HashingEmbedder())


def test_other_model_is_refused(tmp_path: Path) -> None:
    open_bot(tmp_path / "i").close()
    with pytest.raises(IndexIncompatibleError, match="built with embedder 'test-hashing:64'"):
        AskBot.open(Settings(index=tmp_path / "i"), HashingEmbedder(dimension=32))


def test_other_format_is_refused(tmp_path: Path) -> None:
    open_bot(tmp_path / "i").close()
    manifest = tmp_path / "i" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["format_version"] = 99
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexIncompatibleError, match="format 99"):
        open_index(tmp_path / "i")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: (p / "manifest.json").write_text("{not json"), "manifest.json is damaged"),
        (lambda p: (p / "passages.sqlite3").unlink(), "passages.sqlite3 is missing"),
        (
            lambda p: (p / "passages.sqlite3").write_bytes(b"garbage" * 100),
            "passages.sqlite3 is damaged",
        ),
        (lambda p: shutil.rmtree(next(p.glob("vectors-*"))), r"vectors-\d+ is missing"),
        (
            lambda p: (next(p.glob("vectors-*")) / "vectors.faiss").write_bytes(b"xx"),
            r"vectors-\d+ is damaged",
        ),
    ],
)
def test_damaged_index_is_one_clear_error(tmp_path: Path, damage, message: str) -> None:  # type: ignore[no-untyped-def]
    bot = open_bot(tmp_path / "i")
    bot.ingest_articles([Article(id="a", text="One.")])
    bot.close()
    for extra in (tmp_path / "i").glob("passages.sqlite3-*"):
        extra.unlink()
    damage(tmp_path / "i")
    with pytest.raises(IndexCorruptError, match=message) as caught:
        open_index(tmp_path / "i")
    assert "ingest your articles into a new index" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    bot = open_bot(tmp_path / "i", lock_timeout=0)
    other = AskBot.open(Settings(index=tmp_path / "i", lock_timeout=0), HashingEmbedder())
    with bot.index.writer(0), pytest.raises(IndexBusyError, match="another askbot process"):
        other.ingest_articles([Article(id="x", text="X.")])


def test_interrupted_ingest_rolls_back(tmp_path: Path) -> None:
    bot = open_bot(tmp_path / "i")
    bot.ingest_articles([Article(id="a", text="Old article.")])

    def explode(done: int, passages: int, total: int) -> None:
        if passages:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bot.ingest_articles([Article(id=f"n{i}", text=f"New {i}.") for i in range(3)], explode)
    info = bot.describe()
    assert (info.articles, info.passages, info.vector_store["vectors"]) == (1, 1, 1)
    reopened = open_index(tmp_path / "i").info()
    assert (reopened.articles, reopened.passages) == (1, 1)


def _worker(index: Path, count: int, pause: float) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    return subprocess.Popen(
        [sys.executable, str(TESTS / "ingest_worker.py"), str(index), str(count), str(pause)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_killed_ingest_leaves_previous_index_usable(tmp_path: Path) -> None:
    path = tmp_path / "i"
    bot = open_bot(path)
    bot.ingest_articles([Article(id="keep", text="Lavrov said there will be no war.")])
    bot.close()

    worker = _worker(path, count=200, pause=0.3)
    assert worker.stdout is not None
    for line in worker.stdout:
        if line.startswith("progress") and int(line.split()[2]) > 0:
            break  # passages are written inside the open transaction
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    survivor = AskBot.open(Settings(index=path), HashingEmbedder())
    assert (survivor.describe().articles, survivor.describe().passages) == (1, 1)
    answer = survivor.ask("What did Lavrov say about war?")
    assert answer.excerpts[0].article_id == "keep"
    # And the index still takes writes.
    survivor.ingest_articles([Article(id="new", text="Fresh text.")])
    assert (survivor.describe().articles, survivor.describe().passages) == (2, 2)


def test_concurrent_ingests_never_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "i"
    open_bot(path).close()
    first = _worker(path, count=30, pause=0.5)
    second = _worker(path, count=30, pause=0.0)
    outputs = [p.communicate(timeout=60) for p in (first, second)]
    codes = [first.returncode, second.returncode]
    assert 0 in codes
    for (_, err), code in zip(outputs, codes, strict=True):
        assert code == 0 or "another askbot process is writing" in err, err
    info = open_index(path).info()
    # Both runs write the same 30 articles: whoever committed, the index holds them once,
    # with exactly one vector per passage.
    assert info.articles == 30 and info.passages == info.vector_store["vectors"] > 0


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("embedder", "onnx-int9:all-MiniLM-L6-v2", "embedder 'onnx-int9:all-MiniLM-L6-v2'"),
        ("vector_store", {"name": "faiss-hnsw-x", "params": {}}, "vector store 'faiss-hnsw-x'"),
        ("keyword_index", {"name": "tantivy", "params": {}}, "keyword index 'tantivy'"),
    ],
)
def test_a_backend_this_install_lacks_is_named_with_the_fix(
    tmp_path: Path, field: str, value: object, named: str
) -> None:
    open_bot(tmp_path / "i").close()
    manifest = tmp_path / "i" / "manifest.json"
    data = json.loads(manifest.read_text())
    data[field] = value
    manifest.write_text(json.dumps(data))
    with pytest.raises(BackendMissingError, match=re.escape(named)) as caught:
        AskBot.open(Settings(index=tmp_path / "i"))
    message = str(caught.value)
    assert "which this install does not have" in message and "install the package" in message
    result = CliRunner().invoke(app, ["info", "--index", str(tmp_path / "i")])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and named in result.stderr


def test_a_publish_that_fails_leaves_the_previous_generation_answering(tmp_path: Path) -> None:
    bot = open_bot(tmp_path / "i", min_confidence=0.0)
    bot.ingest_articles([Article(id="old", text="Lavrov said there will be no war.")])
    generation = bot.describe().generation
    # The disk refuses the next generation's vectors (here: a file squats where they go).
    squatter = tmp_path / "i" / f"vectors-{generation + 1}"
    squatter.write_text("not a directory")
    with pytest.raises(OSError):
        bot.ingest_articles([Article(id="new", text="A story that never lands.")])
    for reader in (bot, AskBot.open(Settings(index=tmp_path / "i"), HashingEmbedder())):
        info = reader.describe()
        assert (info.generation, info.articles) == (generation, 1)
        assert reader.ask("What did Lavrov say about war?").excerpts[0].article_id == "old"
    squatter.unlink()  # the disk recovers: the next ingest works
    assert bot.ingest_articles([Article(id="new", text="A story that lands.")]).added == 1
    assert bot.describe().articles == 2


def test_keyword_search_matches_on_the_rarest_terms_within_its_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from askbot.keywords import fts5

    common = [Article(id=f"c{n}", text=f"The harbour report number {n}.") for n in range(12)]
    rare = Article(id="rare", text="The harbour report on the lighthouse keeper.")
    with AskBot.open(Settings(index=tmp_path / "i"), HashingEmbedder(), create=True) as bot:
        bot.ingest_articles([*common, rare])
        unbounded = bot.retrieve("harbour lighthouse", "bm25", depth=20)
        monkeypatch.setattr(fts5, "MATCH_POSTINGS", 5)
        bounded = bot.retrieve("harbour lighthouse", "bm25", depth=20)
        only_common = bot.retrieve("harbour report", "bm25", depth=20)
    assert len(unbounded) == 13 and unbounded[0].article_id == "rare"
    # 'harbour' (13 passages) would pass the budget: the search matches 'lighthouse' alone.
    assert [p.article_id for p in bounded] == ["rare"]
    assert len(only_common) == 13  # no term within the budget: the rarest is still matched

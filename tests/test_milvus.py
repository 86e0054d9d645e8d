"""The Milvus backend beyond the storage contract: the same answers as the embedded index,
the CLI on a milvus:// location, bad locations failing in one line, many writers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from askbot.cli import app
from askbot.errors import IndexError_, IndexIncompatibleError, IndexMissingError
from askbot.index import create_index, open_index
from askbot.index.milvus import MilvusIndex
from askbot.models import Article, QueryFilters
from askbot.sample import sample_dir
from askbot.service import AskBot
from askbot.settings import Settings
from fakes import HashingEmbedder
from milvus_server import free_port, milvus_server, milvus_url
from test_index_contract import article, spec, unit

__all__ = ["milvus_server"]

pytest.importorskip("pymilvus")

EXTRA = [
    Article(
        id="r",
        title="Troops mass at the border",
        text="Troops massed at the border on Thursday, officials said. Talks were planned.",
        source="Reuters",
        published=date(2022, 1, 20),
    ),
    Article(
        id="b",
        title="Border build-up continues",
        text="Troops massed at the border again. Grain exports fell as ports closed.",
        source="BBC News",
        published=date(2022, 2, 5),
    ),
    Article(id="u", text="An undated note on grain exports and the border.", source="Wire_50%"),
]
QUESTIONS = [
    "What did Lavrov say about war?",
    "Lavrov war",
    "troops border",
    "outlet:reuters troops border",
    "since:2022-02-01 troops border",
    "until:2021-01-01 troops border",
    "grain exports",
    "outlet:wire_50% grain",
    "quantum chromodynamics lattice gauge",
]


def _bot(location: str | Path) -> AskBot:
    settings = Settings(index=location, min_confidence=0.0)  # type: ignore[arg-type]
    bot = AskBot.open(settings, HashingEmbedder(), create=True)
    bot.ingest_paths([sample_dir()])
    bot.ingest_articles(EXTRA)
    return bot


def _answers(bot: AskBot, retriever: str) -> list[dict[str, object]]:
    return [
        json.loads(bot.ask(q, retriever=retriever).model_dump_json(exclude={"timings"}))
        for q in QUESTIONS
    ]


def _matches(bot: AskBot, words: list[str]) -> set[tuple[str, int]]:
    with bot.index.snapshot() as snap:
        hits = snap.keyword(words, 100, QueryFilters())
        return {(r.article_id, r.start) for r in snap.passages([p for p, _ in hits]).values()}


@pytest.fixture(params=["milvus-lite-file", "milvus-server"])
def milvus_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "milvus-lite-file":
        return str(tmp_path / "index.db")
    return milvus_url(request.getfixturevalue("milvus_server"))


def test_same_answers_as_the_embedded_index(tmp_path: Path, milvus_location: str) -> None:
    """Dense retrieval, filters, excerpts, abstention and news stages give the very same
    answer JSON. BM25 ranks the same passages in a different order: Milvus's BM25 has
    Lucene's IDF, log(1 + (N - n + 0.5) / (n + 0.5)), where FTS5 has log((N - n + 0.5) /
    (n + 0.5)) floored at 1e-6, so on a corpus this small (9 passages) where every term is
    in half the passages FTS5's scores are ties and Milvus's are not (README, "Milvus":
    the quality on real corpora is measured by benchmarks/bench_milvus.py)."""
    folder, milvus = _bot(tmp_path / "folder"), _bot(milvus_location)
    try:
        assert _answers(milvus, "dense") == _answers(folder, "dense")
        for want, have in zip(_answers(folder, "hybrid"), _answers(milvus, "hybrid"), strict=True):
            for part in ("answered", "reason", "filters", "warnings"):
                assert have[part] == want[part], (want["question"], part)
        for words in (["troops", "border"], ["Lavrov", "war"], ["grain"], ["nothing"]):
            assert _matches(milvus, words) == _matches(folder, words)
        assert milvus.index.info().articles == folder.index.info().articles == 5
    finally:
        folder.close()
        milvus.close()


def test_term_counts_are_the_embedded_index_counts(tmp_path: Path, milvus_location: str) -> None:
    """Document frequencies (the IDF weights of sentence scoring) equal FTS5's, however
    Milvus is asked: whole-word LIKE on Milvus Lite, TEXT_MATCH on a server."""
    from askbot.index.milvus import expressions as ex

    folder, milvus = _bot(tmp_path / "folder"), _bot(milvus_location)
    terms = ["troop", "border", "lavrov", "say", "grain", "export", "2022", "absent", "wire"]
    try:
        with folder.index.snapshot() as a, milvus.index.snapshot() as b:
            want = a.document_frequencies(terms)
            assert b.document_frequencies(terms) == want and len(want) >= 5
        assert isinstance(milvus.index, MilvusIndex)
        store = milvus.index._store
        for term in terms:
            counts = {
                store.count(store.names.passages, ex.has_term("terms", term, lite))
                for lite in (True, False)
            }
            assert counts == {want.get(term, 0)}, term
    finally:
        folder.close()
        milvus.close()


def test_filters_and_deletes_are_exact(milvus_location: str) -> None:
    index = create_index(milvus_location, spec())
    rng = np.random.default_rng(5)
    try:
        with index.writer(0) as writer:
            for n in range(30):
                a, pa = article(
                    f"wire-{n}", ["Troops moved near the border today."] * 4, source="Wire"
                )
                writer.upsert(a, pa, unit(rng, 4))
            for n in range(3):
                a, pa = article(
                    f"small-{n}",
                    [f"Troops moved near the border, local report {n}.{j}." for j in range(3)],
                    source='Small "Quoted" 100%',
                    published=date(2022, 2, n + 1),
                )
                writer.upsert(a, pa, unit(rng, 3))
        only = QueryFilters(outlets=('"quoted" 100%',))
        with index.snapshot() as snap:
            for hits in (
                snap.keyword(["troops"], 9, only),
                snap.dense(unit(rng, 1)[0], 9, only),
            ):
                assert len(hits) == 9
                assert {o.split("-")[0] for o in snap.owners([p for p, _ in hits]).values()} == {
                    "small"
                }
            assert snap.keyword(["troops"], 5, QueryFilters(outlets=("100_",))) == []
            dated = QueryFilters(since=date(2022, 2, 2), until=date(2022, 2, 3))
            owners = snap.owners([p for p, _ in snap.keyword(["troops"], 50, dated)])
            assert set(owners.values()) == {"small-1", "small-2"}
            report = snap.filter_report(QueryFilters(outlets=("small",), since=date(2022, 2, 2)))
            assert (report.articles, report.outlet_matches, report.kept) == (33, 3, 2)
        with index.writer(0) as writer:
            assert writer.remove("small-1")
        with index.snapshot() as snap:
            assert snap.counts() == (32, 126)
            hits = snap.keyword(["troops"], 50, QueryFilters(outlets=("small",)))
            assert set(snap.owners([p for p, _ in hits]).values()) == {"small-0", "small-2"}
    finally:
        index.close()


def test_a_changed_article_replaces_its_passages_whole(milvus_location: str) -> None:
    index = create_index(milvus_location, spec())
    rng = np.random.default_rng(6)
    try:
        old, p_old = article("a", ["Old one.", "Old two.", "Old three."])
        with index.writer(0) as writer:
            writer.upsert(old, p_old, unit(rng, 3))
        with index.snapshot() as before:
            # Before it reads anything, a second writer replaces the article.
            new, p_new = article("a", ["New one.", "New two."])
            with index.writer(0) as writer:
                writer.upsert(new, p_new, unit(rng, 2))
            hits = before.dense(unit(rng, 1)[0], 10, QueryFilters())
            assert len(hits) == 3 and len(before.keyword(["old", "new"], 10, QueryFilters())) == 3
            assert {r.text for r in before.passages([p for p, _ in hits]).values()} == {
                "Old one.",
                "Old two.",
                "Old three.",
            }
        with index.snapshot() as after:
            hits = after.dense(unit(rng, 1)[0], 10, QueryFilters())
            assert len(hits) == 2 and len(after.keyword(["old", "new"], 10, QueryFilters())) == 2
            texts = {r.text for r in after.passages([p for p, _ in hits]).values()}
            assert texts == {"New one.", "New two."}
            assert after.counts() == (1, 2)
    finally:
        index.close()


def test_info_counts_the_rows_of_every_collection(milvus_location: str) -> None:
    """``info`` shows what Milvus holds: rows per collection (a replaced article's old
    version stays 5 minutes, its passages too), and for a Lite file its bytes on disk."""
    index = create_index(milvus_location, spec())
    rng = np.random.default_rng(9)
    try:
        empty = index.info()
        a, pa = article("a", ["One.", "Two.", "Three."])
        b, pb = article("b", ["Four."])
        with index.writer(0) as writer:
            writer.upsert(a, pa, unit(rng, 3))
            writer.upsert(b, pb, unit(rng, 1))
        changed, p_changed = article("a", ["Five.", "Six."])
        with index.writer(0) as writer:
            writer.upsert(changed, p_changed, unit(rng, 2))
        info = index.info()
        rows = info.vector_store["rows"]
        assert isinstance(rows, dict)
        assert (info.articles, info.passages) == (2, 3)
        assert rows["articles"] == 3 and rows["passages"] == 6 and rows["commits"] == 2
        assert rows["meta"] == 1 and set(rows) == {
            "meta",
            "articles",
            "texts",
            "passages",
            "commits",
            "sketches",
            "links",
        }
        if milvus_location.endswith(".db"):
            assert info.size_bytes > empty.size_bytes > 0
        else:
            assert info.size_bytes == 0  # a server's disk is not the client's to measure
    finally:
        index.close()


def test_document_frequencies_are_counted_once_for_every_reader(milvus_location: str) -> None:
    """A term's passage count (a TEXT_MATCH scan on Milvus Lite, seconds at 50,000
    passages) is shared through the index: another process reads it instead of counting,
    until a commit clears it."""
    index = create_index(milvus_location, spec())
    rng = np.random.default_rng(10)
    try:
        a, pa = article("a", ["Troops at the border.", "Troops again.", "Grain."])
        with index.writer(0) as writer:
            writer.upsert(a, pa, unit(rng, 3))
        with index.snapshot() as snap:
            assert snap.document_frequencies(["troop", "grain", "absent"]) == {
                "troop": 2,
                "grain": 1,
            }
        assert isinstance(index, MilvusIndex)
        shared = index.meta_rows()
        assert {k: n for k, (n, _) in shared.numbers("df", ["troop", "absent"]).items()} == {
            "troop": 2,
            "absent": 0,
        }
        # Another reader takes the shared count as it is (here, one planted to tell).
        shared.set_numbers("df", {"troop": 999})
        other = open_index(milvus_location)
        try:
            with other.snapshot() as snap:
                assert snap.document_frequencies(["troop"]) == {"troop": 999}
            b, pb = article("b", ["Troops once more."])
            with index.writer(0) as writer:
                writer.upsert(b, pb, unit(rng, 1))
            with open_index(milvus_location) as third, third.snapshot() as snap:
                assert snap.document_frequencies(["troop"]) == {"troop": 3}
        finally:
            other.close()
    finally:
        index.close()


def test_two_writers_at_once_of_different_articles(milvus_location: str) -> None:
    index = create_index(milvus_location, spec())
    other = open_index(milvus_location)
    rng = np.random.default_rng(7)
    try:
        with index.writer(0) as first, other.writer(0) as second:
            a, pa = article("a", ["From the first writer."])
            b, pb = article("b", ["From the second writer."])
            first.upsert(a, pa, unit(rng, 1))
            second.upsert(b, pb, unit(rng, 1))
        with index.snapshot() as snap:
            assert snap.article_ids() == ["a", "b"] and snap.counts() == (2, 2)
    finally:
        other.close()
        index.close()


def test_another_model_or_schema_is_refused(tmp_path: Path) -> None:
    location = str(tmp_path / "index.db")
    create_index(location, spec()).close()
    bot_settings = Settings(index=location)  # type: ignore[arg-type]
    with pytest.raises(IndexIncompatibleError, match="was built with embedder"):
        AskBot.open(bot_settings, HashingEmbedder(32))
    from pymilvus import DataType, MilvusClient

    client = MilvusClient(str(tmp_path / "other.db"))
    schema = client.create_schema(auto_id=False)
    schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=8)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    params = client.prepare_index_params()
    params.add_index(field_name="v", index_type="FLAT", metric_type="L2")
    client.create_collection("askbot_meta", schema=schema, index_params=params)
    client.close()
    with pytest.raises(IndexIncompatibleError, match="has another schema") as caught:
        open_index(str(tmp_path / "other.db"))
    assert "\n" not in str(caught.value)


def test_unreachable_server_is_one_line_naming_the_fix() -> None:
    location = f"milvus://127.0.0.1:{free_port()}/default?collection=nowhere"
    with pytest.raises(IndexError_) as caught:
        open_index(location)
    message = str(caught.value)
    assert "cannot reach Milvus at" in message and "start the Milvus server" in message
    assert "\n" not in message


def test_a_missing_index_says_how_to_build_one(milvus_location: str) -> None:
    with pytest.raises(IndexMissingError, match="askbot ingest PATH --index"):
        open_index(milvus_location)


runner = CliRunner()
SECRET = "root:s3cret-token-value"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ASKBOT_BACKEND", "test-hashing")
    monkeypatch.setenv("ASKBOT_MODEL", "64")
    monkeypatch.setenv("ASKBOT_MILVUS_TOKEN", SECRET)
    yield


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert SECRET not in result.stdout + result.stderr and "s3cret" not in result.stdout
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("cli_env")
def test_cli_ingest_ask_info_remove(tmp_path: Path, milvus_server: str) -> None:
    index = milvus_url(milvus_server, "cli")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.jsonl").write_text(
        json.dumps(
            {
                "id": "r1",
                "title": "Ports reopen",
                "text": "The port of Odesa reopened on Monday "
                "after a two-week closure, officials said.",
                "source": "Reuters",
                "published": "2022-03-01",
                "url": "https://example.com/r1",
            }
        )
        + "\n"
    )
    code, out, err = _invoke("ingest", str(docs), str(sample_dir()), "--index", index)
    assert code == 0, err
    assert "3 added, 0 updated, 0 unchanged, 0 skipped" in out
    code, out, _ = _invoke("ingest", str(docs), "--index", index)
    assert "0 added, 0 updated, 1 unchanged" in out
    code, out, _ = _invoke("info", "--index", index, "--json")
    assert code == 0 and json.loads(out)["manifest"]["articles"] == 3
    assert json.loads(out)["location"] == index
    code, out, _ = _invoke("ask", "When did the port of Odesa reopen?", "--index", index, "-k", "1")
    assert code == 0 and "The port of Odesa reopened on Monday" in out
    assert "Ports reopen · Reuters · 2022-03-01 · https://example.com/r1" in out
    code, out, err = _invoke("remove", "r1", "ghost", "--index", index)
    assert code == 1 and "removed 1 article" in out and "not in the index: ghost" in err
    code, out, _ = _invoke("info", "--index", index, "--json")
    assert json.loads(out)["articles"] == 2
    code, out, _ = _invoke("info", "--index", index)
    assert code == 0 and "rows: meta 1, articles " in out, out


@pytest.mark.usefixtures("cli_env")
def test_cli_unreachable_server_exits_with_one_line() -> None:
    index = f"milvus://127.0.0.1:{free_port()}?collection=x"
    code, _, err = _invoke("ask", "anything", "--index", index)
    assert code == 3
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "start the Milvus server" in lines[0]


@pytest.mark.usefixtures("cli_env")
def test_cli_refuses_credentials_in_the_url() -> None:
    code, _, err = _invoke("info", "--index", "milvus://root:hunter2@127.0.0.1:1?collection=x")
    assert code == 5 and "ASKBOT_MILVUS_TOKEN" in err and "hunter2" not in err


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("echo", [False, True], ids=["milvus-2.4-message", "echoes-password"])
def test_wrong_credentials_are_one_line_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, echo: bool
) -> None:
    """Against Milvus Lite behind Milvus's own credential check (tests/milvus_auth_server.py:
    Milvus Lite has none): the right token works, a wrong or missing one is refused in
    one line naming ASKBOT_MILVUS_TOKEN, and a password the server echoes back (as Milvus
    2.2 did) is never printed."""
    from milvus_auth_server import running_auth_server

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Ports reopen\n\nThe port reopened on Monday, officials said.")
    with running_auth_server(tmp_path / "data", SECRET, echo=echo) as address:
        index = milvus_url(address, "auth")
        code, out, err = _invoke("ingest", str(docs), "--index", index)
        assert code == 0, err
        for wrong in ("root:hunter2-typo", ""):
            monkeypatch.setenv("ASKBOT_MILVUS_TOKEN", wrong)
            code, out, err = _invoke("ask", "When did the port reopen?", "--index", index)
            lines = [line for line in err.splitlines() if line.strip()]
            assert code == 3 and len(lines) == 1, err
            assert "refused the credentials" in lines[0] and "ASKBOT_MILVUS_TOKEN" in lines[0]
            assert "start the Milvus server" not in lines[0]
            if wrong:
                assert "hunter2-typo" not in out + err


def test_a_server_killed_mid_ingest_leaves_whole_versions(tmp_path: Path) -> None:
    """The Milvus server is killed (SIGKILL) while ``askbot ingest`` writes new versions of
    every article: the ingest stops with one line (no token), the restarted server shows
    every article whole and as it was, and the same ingest run again completes."""
    from milvus_server import running_server, serving

    def articles(version: int) -> list[Article]:
        return [
            Article(
                id=f"a{n}",
                title=f"Story {n}",
                text=" ".join(f"Version {version} of story {n}, line {j}." for j in range(40)),
            )
            for n in range(120)
        ]

    new = tmp_path / "new.jsonl"
    new.write_text("".join(a.model_dump_json() + "\n" for a in articles(2)))
    data = tmp_path / "data"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "ASKBOT_BACKEND": "test-hashing",
        "ASKBOT_MODEL": "64",
        "ASKBOT_MILVUS_TOKEN": SECRET,
        "ASKBOT_CHUNK_WORDS": "30",
    }
    run_cli = "import sys, fakes; from askbot.cli import main; sys.argv[0] = 'askbot'; main()"
    with serving(data) as (address, server):
        index = milvus_url(address, "dropped")
        settings = Settings(index=index, chunk_words=30)  # type: ignore[call-arg]
        with AskBot.open(settings, HashingEmbedder(), create=True) as bot:
            bot.ingest_articles(articles(1))
            old_counts = bot.index.info()
            child = subprocess.Popen(
                [sys.executable, "-c", run_cli, "ingest", str(new), "--index", index],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            # Killed once the new versions are being written, before they commit.
            deadline = time.monotonic() + 120
            while _rows(bot, "articles") < 130:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            server.send_signal(signal.SIGKILL)
            out, err = child.communicate(timeout=120)
    lines = [line for line in err.splitlines() if line.strip()]
    assert child.returncode == 3 and len(lines) == 1, err
    assert "Milvus at" in lines[0] and SECRET not in out + err
    with running_server(data) as address:
        index = milvus_url(address, "dropped")
        settings = Settings(index=index, chunk_words=30)  # type: ignore[call-arg]
        with AskBot.open(settings, HashingEmbedder()) as bot:
            with bot.index.snapshot() as snap:
                assert snap.counts() == (old_counts.articles, old_counts.passages)
                shown = {a.id: a.text for a in map(snap.article, snap.article_ids()) if a}
            assert shown == {a.id: a.text for a in articles(1)}
            report = bot.ingest_paths([new])
            assert report.updated == 120
            with bot.index.snapshot() as snap:
                shown = {a.id: a.text for a in map(snap.article, snap.article_ids()) if a}
                assert shown == {a.id: a.text for a in articles(2)}
                assert snap.counts() == (old_counts.articles, old_counts.passages)


def _rows(bot: AskBot, part: str) -> int:
    rows = bot.index.info().vector_store["rows"]
    assert isinstance(rows, dict)
    return int(rows[part])  # type: ignore[arg-type]


def test_many_writers_and_readers_at_once(tmp_path: Path, milvus_server: str) -> None:
    """3 shard writers and 1 rewriter of changing articles, while 2 readers ask: nothing
    lost, nothing duplicated, every excerpt verbatim, no reader sees two versions."""
    import milvus_worker as worker

    url = milvus_url(milvus_server, "many")
    bot = worker._bot(url)  # created once, so the workers only open it
    bot.ingest_articles([worker.changing_article(n, 0) for n in range(worker.CHANGING)])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*sys.path])}
    script = str(Path(__file__).with_name("milvus_worker.py"))
    stop = tmp_path / "stop"

    def start(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, script, *args], stdout=subprocess.PIPE, text=True, env=env
        )

    readers = [start("read", url, str(stop)) for _ in range(2)]
    writers = [start("write", url, str(s), "15") for s in range(3)]
    writers.append(start("rewrite", url, "4"))
    try:
        outputs = [w.communicate(timeout=600)[0] for w in writers]
        stop.touch()
        read_outputs = [r.communicate(timeout=600)[0] for r in readers]
    finally:
        for p in (*writers, *readers):
            if p.poll() is None:
                p.kill()
                p.wait()
    assert all(w.returncode == 0 for w in writers), outputs
    assert all(
        r.returncode == 0 and "read" in o for r, o in zip(readers, read_outputs, strict=True)
    ), read_outputs
    with bot.index.snapshot() as snap:
        expected = {f"s{s}-{n}" for s in range(3) for n in range(15)}
        expected |= {f"c-{n}" for n in range(worker.CHANGING)}
        ids = snap.article_ids()
        assert len(ids) == len(set(ids)) and set(ids) == expected
        for n in range(worker.CHANGING):
            got = snap.article(f"c-{n}")
            assert got is not None and got.text == worker.changing_article(n, 4).text
        articles, passages = snap.counts()
        assert articles == len(expected)
        hits = snap.keyword(["version", "shard"], 5000, QueryFilters())
        assert passages == len(hits)
        rows = snap.passages([p for p, _ in hits])
        for row in rows.values():
            assert snap.article(row.article_id).text[row.start : row.end] == row.text  # type: ignore[union-attr]
    bot.close()


def test_migrate_folder_to_milvus_and_back_resumes(
    tmp_path: Path, milvus_location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from askbot import migrate as migration

    monkeypatch.setattr(migration, "BATCH", 2)
    folder = _bot(tmp_path / "folder")
    folder.close()
    settings = Settings(min_confidence=0.0)

    def killed(done: int, total: int) -> None:
        raise KeyboardInterrupt  # as if killed after the first batch

    with pytest.raises(KeyboardInterrupt):
        migration.migrate(settings, str(tmp_path / "folder"), milvus_location, progress=killed)
    report = migration.migrate(settings, str(tmp_path / "folder"), milvus_location)
    assert (report.articles, report.unchanged, report.copied) == (5, 2, 3)
    assert report.questions_checked == 5
    back = migration.migrate(settings, milvus_location, str(tmp_path / "back"))
    assert (back.articles, back.passages, back.copied) == (5, 9, 5)


@pytest.mark.usefixtures("cli_env")
def test_cli_migrate(tmp_path: Path, milvus_server: str) -> None:
    folder = tmp_path / "folder"
    code, _, err = _invoke("ingest", str(sample_dir()), "--index", str(folder))
    assert code == 0, err
    code, out, err = _invoke("migrate", str(folder), milvus_url(milvus_server, "moved"))
    assert code == 0, err
    assert "2 articles" in out and "answered alike" in out


def test_a_lite_file_reopened_by_another_process_answers(tmp_path: Path) -> None:
    """A reopened Milvus Lite file starts with its collections released (not searchable)."""
    location = str(tmp_path / "index.db")
    script = (
        "import sys; sys.path[:0] = sys.argv[2:]\n"
        "from test_milvus import _bot\n"
        "_bot(sys.argv[1]).close()\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", script, location, *sys.path], check=True, env=env)
    with AskBot.open(Settings(index=location, min_confidence=0.0)) as bot:  # type: ignore[arg-type]
        answer = bot.ask("grain exports")
        assert answer.answered and answer.excerpts


def test_without_the_extra_a_milvus_location_names_it(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "sys.modules['pymilvus'] = None  # as if askbot[milvus] were not installed\n"
        "from askbot.index import open_index\n"
        "from askbot.errors import BackendMissingError\n"
        "try:\n"
        f"    open_index({str(tmp_path / 'x.db')!r})\n"
        "except BackendMissingError as e:\n"
        "    print(e)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "pip install askbot[milvus]" in run.stdout, run.stderr


def test_a_server_that_goes_away_mid_ingest_is_one_line(tmp_path: Path) -> None:
    from milvus_server import running_server

    rng = np.random.default_rng(8)
    with running_server(tmp_path / "data") as address:
        index = create_index(milvus_url(address, "gone"), spec())
        a, pa = article("a", ["Written before the server went away."])
        with index.writer(0) as writer:
            writer.upsert(a, pa, unit(rng, 1))
    b, pb = article("b", ["Never written."])
    with pytest.raises(IndexError_) as caught, index.writer(0) as writer:
        writer.upsert(b, pb, unit(rng, 1))
    message = str(caught.value)
    assert "\n" not in message and "Milvus at" in message and "start the Milvus server" in message
    index.close()


def test_speakers_and_stories_in_answers_as_on_the_embedded_index(
    tmp_path: Path, milvus_location: str
) -> None:
    """The seeds with a wire copy of one of them: every excerpt names the same speaker
    and the same story on Milvus as on the folder index."""
    from test_stories import COPY, ORIGINAL, OTHER, story_of

    def bot(location: str | Path) -> AskBot:
        settings = Settings(index=location, min_confidence=0.0)  # type: ignore[arg-type]
        made = AskBot.open(settings, HashingEmbedder(), create=True)
        made.ingest_articles([ORIGINAL, COPY, OTHER])
        return made

    def who(made: AskBot) -> list[list[tuple[str, object, str | None, list[str]]]]:
        found = []
        for question in ("What did Lavrov say about war?", "Zelensky panic", "Blinken"):
            answer = made.ask(question, retriever="dense")
            found.append(
                [
                    (
                        e.article_id,
                        None if e.speaker is None else e.speaker.model_dump(),
                        e.story,
                        [c.article_id for c in e.copies],
                    )
                    for e in answer.excerpts
                ]
            )
        return found

    folder, milvus = bot(tmp_path / "folder"), bot(milvus_location)
    try:
        want, have = who(folder), who(milvus)
        assert have == want
        assert any(s is not None for answer in want for _, s, _, _ in answer)
        assert any(story == ORIGINAL.id for answer in want for _, _, story, _ in answer)
        assert story_of(milvus, COPY.id) == story_of(folder, COPY.id)
    finally:
        folder.close()
        milvus.close()

"""Hostile inputs to ask, repl, remove, info and the settings: one line, the right exit
status, and the index as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_harness import KNOWN_QUESTION, Cli
from rich.console import Console

from askbot.repl import Repl
from askbot.service import AskBot
from askbot.settings import load_settings


@pytest.mark.parametrize(
    ("question", "code", "shown"),
    [
        pytest.param("", 2, "the question is empty", id="empty"),
        pytest.param("   \t ", 2, "the question is empty", id="whitespace"),
        pytest.param("\x00\x07\x1b[2J", 2, "the question is empty", id="control-only"),
        pytest.param("what is it?", 2, "has no words to search for", id="stop-words-only"),
        pytest.param("outlet:Reuters", 2, "the question is empty", id="only-a-filter"),
        pytest.param("since:yesterdayish troops", 2, "is not a date", id="bad-date-filter"),
    ],
)
def test_a_question_askbot_cannot_ask_is_one_line(
    cli: Cli, question: str, code: int, shown: str
) -> None:
    run = cli("ask", question)
    assert run.code == code and shown in run.err and run.err.count("\n") == 1, run.text
    cli.intact()


def test_a_huge_question_is_truncated_with_a_note(cli: Cli) -> None:
    data = cli.answer("troops border " * 20_000)
    assert data["warnings"] and len(str(data["question"])) <= 1000
    cli.intact()


@pytest.mark.parametrize(
    ("question", "said"),
    [
        pytest.param("outlet:Reutrs troops", "no outlet matches 'Reutrs'", id="unknown-outlet"),
        pytest.param(
            "outlet:Reuters since:2023-01-01 troops",
            "since:2023-01-01 leaves none",
            id="dates-leave-nothing",
        ),
        pytest.param("until:2000-01-01 troops", "until:2000-01-01 leaves none", id="too-early"),
    ],
)
def test_a_filter_that_leaves_nothing_says_which_and_how_many(
    cli: Cli, question: str, said: str
) -> None:
    data = cli.answer(question)
    reason = str(data["reason"])
    assert not data["answered"] and said in reason, reason
    assert "matches the question's words" not in reason  # the filter, not the corpus
    if "Reutrs" in question:
        assert "Reuters (1)" in reason and "Kyiv Post (1)" in reason  # the known outlets


def test_undated_articles_left_out_by_a_date_filter_are_counted(cli: Cli) -> None:
    data = cli.answer("since:2022-01-01 troops border")
    assert data["answered"] and "leaves out 1 undated article" in " ".join(data["warnings"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "question",
    [
        "outlet:“Kyiv Post” grain exports",
        "outlet:‘Kyiv Post’ grain exports",
        'outlet:"Kyiv Post" grain exports',
    ],
)
def test_curly_and_straight_quotes_around_an_outlet_work_alike(cli: Cli, question: str) -> None:
    data = cli.answer(question)
    assert [e["article_id"] for e in data["excerpts"]] == ["local-b"]  # type: ignore[union-attr]


def test_percent_and_underscore_in_an_outlet_are_literal(cli: Cli) -> None:
    for outlet in ("%", "_", "Reu%ers", "Reu_ers"):
        data = cli.answer(f"outlet:{outlet} troops border")
        assert not data["answered"] and "no outlet matches" in str(data["reason"]), outlet


def test_filters_are_shown_with_the_answer(cli: Cli) -> None:
    run = cli("ask", "outlet:reuters since:2022-01-01 troops border")
    assert "filtered by: outlet:reuters since:2022-01-01" in run.out


@pytest.mark.parametrize(
    ("args", "code", "shown"),
    [
        pytest.param(("ask", "troops", "-k", "0"), 2, "-k", id="k-zero"),
        pytest.param(("ask", "troops", "-k", "21"), 2, "-k", id="k-too-big"),
        pytest.param(
            ("ask", "troops", "--retriever", "magic"), 2, "--retriever", id="bad-retriever"
        ),
        pytest.param(("eval", "x.jsonl", "--format", "csv"), 2, "--format", id="bad-format"),
        pytest.param(("remove",), 2, "Missing argument", id="remove-nothing"),
    ],
)
def test_bad_options_are_refused_before_anything_runs(
    cli: Cli, args: tuple[str, ...], code: int, shown: str
) -> None:
    run = cli(*args)
    assert run.code == code and shown in run.text, run.text
    cli.intact()


def test_removing_unknown_ids_reports_them_and_keeps_the_rest(cli: Cli) -> None:
    run = cli("remove", "nope", "also-nope")
    assert run.code == 1 and "not in the index: nope" in run.err
    cli.intact()


def test_an_empty_index_says_what_to_do(cli: Cli) -> None:
    assert cli("remove", "wire-a", "local-b").code == 0
    data = cli.answer("troops border")
    assert not data["answered"] and "holds no articles yet" in str(data["reason"])


@pytest.mark.parametrize(
    ("damage", "shown"),
    [
        pytest.param(
            lambda p: (p / "manifest.json").write_text("{oops"),
            "manifest.json is damaged",
            id="manifest",
        ),
        pytest.param(
            lambda p: (p / "passages.sqlite3").write_bytes(b"x" * 4096),
            "passages.sqlite3 is damaged",
            id="database",
        ),
        pytest.param(
            lambda p: shutil.rmtree(next(p.glob("vectors-*"))), "is missing", id="vectors-missing"
        ),
        pytest.param(
            lambda p: (p / "manifest.json").write_text(
                json.dumps({**json.loads((p / "manifest.json").read_text()), "format_version": 1})
            ),
            "uses index format 1",
            id="old-format",
        ),
    ],
)
def test_a_damaged_index_is_one_line_for_every_command(cli: Cli, damage, shown: str) -> None:  # type: ignore[no-untyped-def]
    index = Path(cli.index)
    for extra in index.glob("passages.sqlite3-*"):
        extra.unlink()
    damage(index)
    for args in (
        ("ask", "troops"),
        ("info",),
        ("remove", "wire-a"),
        ("ingest", str(cli.root / "known")),
    ):
        run = cli(*args)
        assert run.code == 3 and shown in run.err and run.err.count("\n") == 1, run.text
        assert "delete" not in run.err.lower()  # never advice to throw an index away


def test_missing_index_is_named_with_the_fix(cli: Cli) -> None:
    run = (
        cli("ask", "troops", index=False)
        if False
        else cli.runner.invoke(
            __import__("askbot.cli", fromlist=["app"]).app, ["ask", "troops", "--index", "nowhere"]
        )
    )
    assert run.exit_code == 3 and "no index at nowhere" in run.stderr


@pytest.mark.parametrize(
    ("variable", "value", "shown"),
    [
        ("ASKBOT_TOP_K", "0", "ASKBOT_TOP_K='0'"),
        ("ASKBOT_TOP_K", "many", "ASKBOT_TOP_K='many'"),
        ("ASKBOT_MIN_CONFIDENCE", "1.5", "less than or equal to 1"),
        ("ASKBOT_MIN_CONFIDENCE", "-0.1", "greater than or equal to 0"),
        ("ASKBOT_CANDIDATES", "3", "ASKBOT_CANDIDATES"),
        ("ASKBOT_RETRIEVER", "fuzzy", "'hybrid', 'dense' or 'bm25'"),
        ("ASKBOT_FUSION", "average", "ASKBOT_FUSION"),
        ("ASKBOT_DENSE_WEIGHT", "2", "ASKBOT_DENSE_WEIGHT"),
        ("ASKBOT_TITLE_IN_EMBEDDING", "maybe", "ASKBOT_TITLE_IN_EMBEDDING"),
        ("ASKBOT_MAX_FILE_MB", "0", "ASKBOT_MAX_FILE_MB"),
    ],
)
def test_a_bad_setting_is_one_line_naming_variable_and_value(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, shown: str
) -> None:
    monkeypatch.setenv(variable, value)
    run = cli("ask", KNOWN_QUESTION)
    assert run.code == 5 and shown in run.err and run.err.count("\n") == 1, run.text
    assert "ValidationError" not in run.err and "pydantic" not in run.err
    monkeypatch.delenv(variable)
    cli.intact()


def test_a_bad_value_in_dot_env_is_named_too(cli: Cli) -> None:
    (cli.root / ".env").write_text("ASKBOT_TOP_K=zero\n")
    run = cli("ask", KNOWN_QUESTION)
    assert run.code == 5 and "ASKBOT_TOP_K='zero' from .env" in run.err, run.text
    (cli.root / ".env").unlink()
    cli.intact()


def test_a_misspelt_setting_is_pointed_out(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASKBOT_TOPK", "5")
    run = cli("info")
    assert run.code == 0 and "ASKBOT_TOPK is not an askbot setting" in run.err
    assert "did you mean ASKBOT_TOP_K?" in run.err


@pytest.mark.parametrize(
    ("variable", "value", "shown"),
    [
        ("ASKBOT_VECTOR_STORE", "hnsw", "unknown vector store 'hnsw'"),
        ("ASKBOT_BACKEND", "tensorflow", "unknown embedding backend 'tensorflow'"),
    ],
)
def test_an_unknown_part_for_a_new_index_is_one_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, shown: str
) -> None:
    monkeypatch.setenv(variable, value)
    run = cli.runner.invoke(
        __import__("askbot.cli", fromlist=["app"]).app,
        ["ingest", str(cli.root / "known"), "--index", str(cli.root / "new-index")],
    )
    assert run.exit_code == 5 and shown in run.stderr, run.output
    assert not (cli.root / "new-index").exists()


def _repl(cli: Cli, width: int = 40) -> tuple[Repl, Console]:
    console = Console(width=width, record=True, force_terminal=False, color_system=None)
    bot = AskBot.open(load_settings(index=cli.index))
    return Repl(bot, console), console


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        (".k abc", "usage: .k N"),
        (".k 0", "usage: .k N"),
        (".k 99", "usage: .k N"),
        (".frobnicate", "unknown command .frobnicate"),
        ("what is it?", "error: the question"),
        ("\x1b[2J\x00", "error: the question is empty"),
    ],
)
def test_the_repl_explains_and_goes_on(cli: Cli, line: str, shown: str) -> None:
    repl, console = _repl(cli)
    assert repl.handle(line) is True  # the loop goes on
    assert repl.handle(KNOWN_QUESTION) is True
    text = console.export_text()
    assert shown in text and "100,000" in text and "\x1b" not in text


def test_repl_json_is_valid_json_whatever_the_width(cli: Cli) -> None:
    for width in (20, 40, 200):
        repl, console = _repl(cli, width)
        repl.handle(".json")
        repl.handle(KNOWN_QUESTION)
        text = console.export_text()
        data = json.loads(text[text.index("{") :])
        assert data["excerpts"][0]["article_id"] == "wire-a"


def test_two_processes_creating_one_index_end_with_one_good_index(cli: Cli) -> None:
    import subprocess
    import sys

    target = cli.root / "shared-index"
    script = (
        "import sys, fakes; from askbot.cli import app; "
        "sys.argv=['askbot','ingest',sys.argv[1],'--index',sys.argv[2]]; app()"
    )
    env = {**__import__("os").environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(cli.root / "known"), str(target)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    added = sum("2 added" in out for out, _ in outputs)
    assert added == 1, outputs  # one created and filled it; the others found it done
    assert sorted(p.name for p in target.iterdir() if p.name.startswith("."))[:1] == [".lock"]
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".shared-index")]

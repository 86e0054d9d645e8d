"""The askbot command through Typer's runner, with the real model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from askbot.cli import app
from askbot.sample import sample_dir

pytestmark = pytest.mark.model
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_first_ask_builds_the_sample_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("ask", "What did Lavrov say about war?")
    assert code == 0, err
    assert "building it from the two sample articles" in err
    assert "If it depends on Russia, then there will be no war" in out
    assert (tmp_path / "embeddings" / "default" / "manifest.json").is_file()
    # Second time: no notice, same answer.
    code, out, err = invoke("ask", "What did Lavrov say about war?", "--json")
    assert code == 0 and "building" not in err
    data = json.loads(out)
    assert data["answered"] is True and data["excerpts"]


def test_ingest_info_ask_remove(tmp_path: Path) -> None:
    index = str(tmp_path / "idx")
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
    code, out, err = invoke("ingest", str(docs), str(sample_dir()), "--index", index)
    assert code == 0, err
    assert "3 added, 0 updated, 0 unchanged, 0 skipped" in out

    code, out, _ = invoke("ingest", str(docs), "--index", index)
    assert "0 added, 0 updated, 1 unchanged" in out

    code, out, _ = invoke("info", "--index", index)
    assert code == 0 and "all-MiniLM-L6-v2" in out and "384" in out
    code, out, _ = invoke("info", "--index", index, "--json")
    assert json.loads(out)["manifest"]["articles"] == 3

    code, out, _ = invoke("ask", "When did the port of Odesa reopen?", "--index", index, "-k", "1")
    assert code == 0
    assert "The port of Odesa reopened on Monday" in out
    assert "Ports reopen · Reuters · 2022-03-01 · https://example.com/r1" in out

    code, out, err = invoke("remove", "r1", "ghost", "--index", index)
    assert code == 1 and "removed 1 article" in out and "not in the index: ghost" in err


def test_ingest_with_bad_files_reports_them_and_exits_non_zero(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("Grain exports resumed.\nShips left Odesa on Monday.")
    (docs / "bad.jsonl").write_text('{"id": "x", "text": "Fine."}\nnot json\n')
    (docs / "empty.md").write_text("")
    code, out, err = invoke("ingest", str(docs), "--index", str(tmp_path / "idx"))
    assert code == 1
    assert "2 added" in out and "2 skipped" in out
    assert f"{docs / 'bad.jsonl'}:2: malformed JSON" in err
    assert f"{docs / 'empty.md'}: empty file" in err


def test_errors_are_one_line_with_status(tmp_path: Path) -> None:
    code, _, err = invoke("ask", "anything", "--index", str(tmp_path / "missing"))
    assert code == 3
    assert err.strip().count("\n") == 0
    assert "no index at" in err and "askbot ingest PATH --index" in err

    invoke("ingest", str(sample_dir()), "--index", str(tmp_path / "idx"))
    code, _, err = invoke("ask", "   ", "--index", str(tmp_path / "idx"))
    assert code == 2 and "the question is empty" in err and "Traceback" not in err

    code, _, err = invoke("ask", "\x00\x01", "--index", str(tmp_path / "idx"))
    assert code == 2 and "Traceback" not in err


def test_module_entry_point_and_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.startswith("askbot ")
    module = subprocess.run(
        [sys.executable, "-m", "askbot", "--version"], capture_output=True, text=True, check=False
    )
    assert module.returncode == 0 and module.stdout == out


def test_importing_askbot_does_not_import_torch() -> None:
    # The model loads when a question or an ingest needs it, so --help and info stay quick.
    probe = (
        "import sys, askbot, askbot.cli, askbot.service, askbot.slack.app; "
        "print(sorted(m for m in ('torch', 'sentence_transformers') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_eval_a_question_set_against_the_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seeds = ["000_82e5f7c5c58a7ce4", "003_37d6d66e19b10c03"]
    lines = [
        {
            "id": "war",
            "question": "What did Lavrov say about war?",
            "answers": ["no war"],
            "article_ids": seeds,
        },
        {"id": "off", "question": "Who won the 2018 FIFA World Cup?", "answerable": False},
        {"id": "bad", "question": ""},
    ]
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    code, out, err = invoke("eval", str(questions), "--json", "--report", "report")
    assert code == 0, err
    result = json.loads(out)
    assert result["n"] == 2 and result["counts"]["skipped"] == 1
    assert result["metrics"]["recall@5"] == 1.0
    assert result["metrics"]["answer_found@3"] == 1.0
    assert result["metrics"]["abstain_precision"] == 1.0
    assert result["metrics"]["abstain_recall"] == 1.0
    assert f"{questions}:3: question without text" in err
    assert (tmp_path / "report" / "summary.md").is_file()

    code, _, err = invoke("eval", str(tmp_path / "nope.jsonl"))
    assert code == 2 and err.strip().count("\n") == 0 and "no such file" in err

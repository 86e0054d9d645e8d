"""Hostile inputs to ``askbot eval``: a bad line is skipped and counted, a bad file is one
line, an engine error is recorded on its question and the run goes on."""

from __future__ import annotations

import gzip
import json

import pytest
from cli_harness import KNOWN_QUESTION, Cli


def test_bad_lines_are_skipped_counted_and_located(cli: Cli) -> None:
    path = cli.jsonl(
        "set.jsonl",
        {"id": "ok", "question": KNOWN_QUESTION, "answers": ["100,000"], "article_ids": ["wire-a"]},
        {"question": 42},
        {"question": ["a", "list"]},
        {"question": "Fine?", "relevance": {"wire-a": True}},
        {"question": "Fine?", "relevance": [1, 2]},
        {"question": "Fine?", "asked_at": "the day after tomorrowish"},
        {"question": "Fine?", "asked_at": {"y": 2022}},
        {"question": "Fine?", "answerable": "yes"},
        {"question": "Fine?", "answers": [1]},
        {"vote": "sideways", "question": "q"},
        "not an object",
        {"question": "   "},
    )
    run = cli("eval", str(path), "--json", index=True)
    assert run.code == 0, run.text
    report = json.loads(run.out)
    assert report["n"] == 1 and report["counts"]["skipped"] == 11
    assert report["metrics"]["answer_found@1"] == 1.0
    reasons = " | ".join(s["reason"] for s in report["skipped"])
    for expected in (
        "'question' must be text",
        "'relevance' must map",
        "is not a date",
        "'answerable' must be true or false",
        "must be a list of strings",
        "'vote' must be",
        "expected a JSON object",
        "question without text",
    ):
        assert expected in reasons, expected
    assert all(":" in s["location"] for s in report["skipped"])


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        pytest.param('{"data": 5}', "not SQuAD JSON", id="data-not-a-list"),
        pytest.param('{"version": "1.1"}', "not SQuAD JSON", id="no-data"),
        pytest.param("[1, 2, 3]", "not SQuAD JSON", id="a-list"),
        pytest.param("{oops", "not JSON", id="malformed"),
        pytest.param("[" * 100_000 + "]" * 100_000, "not JSON", id="deep"),
    ],
)
def test_a_file_that_is_not_squad_is_one_line(cli: Cli, content: str, shown: str) -> None:
    run = cli("eval", str(cli.write("set.json", content)), index=False)
    assert run.code == 2 and shown in run.err and run.err.count("\n") == 1, run.text


def test_squad_with_odd_documents_skips_them_and_goes_on(cli: Cli) -> None:
    data = {
        "data": [
            {
                "title": "Good",
                "paragraphs": [
                    {
                        "context": "The port of Odesa reopened on Monday after a closure.",
                        "qas": [
                            {
                                "id": "q1",
                                "question": "When did the port reopen?",
                                "answers": [{"text": "Monday", "answer_start": 31}],
                            },
                            {"id": "q2", "question": ["not", "text"]},
                            "not a qa",
                        ],
                    },
                    {"context": 17},
                    "not a paragraph",
                ],
            },
            {"title": ["odd"], "paragraphs": "nope"},
        ]
    }
    path = cli.write("squad.json.gz", gzip.compress(json.dumps(data).encode()))
    run = cli("eval", str(path), "--json", "--index", str(cli.root / "squad-index"), index=False)
    assert run.code == 0, run.text
    report = json.loads(run.out)
    assert report["n"] == 1 and report["counts"]["skipped"] >= 4
    cli.intact()


@pytest.mark.parametrize(
    ("make", "shown"),
    [
        pytest.param(lambda c: c.root / "missing.jsonl", "no such file", id="missing"),
        pytest.param(
            lambda c: (c.root / "beir").mkdir() or c.root / "beir",
            "not a BEIR folder",
            id="empty-folder",
        ),
        pytest.param(
            lambda c: c.write("set.csv", "a,b"),
            "cannot tell the question-set format",
            id="unknown-suffix",
        ),
        pytest.param(lambda c: c.write("set.jsonl", "\n\n"), "holds no questions", id="empty-set"),
        pytest.param(
            lambda c: c.jsonl("set.jsonl", {"nope": 1}),
            "holds no questions",
            id="no-question-fields",
        ),
    ],
)
def test_an_unusable_question_set_is_one_line(cli: Cli, make, shown: str) -> None:  # type: ignore[no-untyped-def]
    run = cli("eval", str(make(cli)))
    assert run.code == 2 and shown in run.err and run.err.count("\n") == 1, run.text
    cli.intact()


def test_an_engine_error_on_one_question_is_recorded_and_the_run_goes_on(cli: Cli) -> None:
    path = cli.jsonl(
        "set.jsonl",
        {"id": "bad", "question": "since:notadate troops", "answers": ["100,000"]},
        {"id": "ok", "question": KNOWN_QUESTION, "answers": ["100,000"]},
    )
    report = json.loads(cli("eval", str(path), "--json").out)
    assert report["n"] == 2 and report["counts"]["errors"] == 1
    assert report["metrics"]["answer_found@1"] == 0.5

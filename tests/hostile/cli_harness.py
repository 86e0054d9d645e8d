"""The hostile-input suite's harness: the real CLI, files the tests write, and a check
that nothing was lost. Every command runs in-process through Typer's runner on the fake
embedder (a registered backend), so the whole suite stays fast."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import fakes  # noqa: F401 - registers the test-hashing backend
from cli_runs import Run, run_cli

WIRE = {
    "id": "wire-a",
    "title": "Troops mass near the border",
    "source": "Reuters",
    "published": "2022-01-28",
    "url": "https://example.com/wire-a",
    "text": "Russia has deployed about 100,000 troops near the border, officials said on "
    "Friday. Talks in Geneva ended without agreement.",
}
LOCAL = {
    "id": "local-b",
    "source": "Kyiv Post",
    "text": "Grain exports through the port of Odesa resumed on Monday after a long pause.",
}
KNOWN_QUESTION = "How many troops were deployed near the border?"


class Cli:
    """askbot's command line in a scratch folder, with an index of two known articles."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.index = str(root / "idx")
        self.runner = CliRunner()

    def __call__(self, *args: str, index: bool = True) -> Run:
        argv = [*args, "--index", self.index] if index else list(args)
        run = run_cli(self.runner, argv)
        # And no raw escape sequence reached the user.
        assert "\x1b" not in run.text and "\x9b" not in run.text, repr(run.text)
        return run

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def jsonl(self, name: str, *records: object) -> Path:
        return self.write(name, "\n".join(json.dumps(r) for r in records) + "\n")

    def build(self) -> None:
        path = self.jsonl("known/known.jsonl", WIRE, LOCAL)
        assert self("ingest", str(path)).code == 0

    def answer(self, question: str, *extra: str) -> dict[str, object]:
        run = self("ask", question, "--json", *extra)
        assert run.code == 0, run.text
        data: dict[str, object] = json.loads(run.out)
        return data

    def info(self) -> dict[str, object]:
        run = self("info", "--json")
        assert run.code == 0, run.text
        data: dict[str, object] = json.loads(run.out)
        return data

    def intact(self, articles: int = 2) -> None:
        """The index as it was before still answers, with what it held."""
        assert self.info()["articles"] == articles
        answer = self.answer(KNOWN_QUESTION)
        excerpts = answer["excerpts"]
        assert isinstance(excerpts, list) and excerpts[0]["article_id"] == "wire-a"
        assert "100,000 troops" in excerpts[0]["text"]

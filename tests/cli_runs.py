"""askbot's real CLI run in-process, and the checks every harness makes of a run."""

from __future__ import annotations

from dataclasses import dataclass

from typer.testing import CliRunner

import fakes  # noqa: F401 - registers the test-hashing backend
from askbot.cli import app


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run_cli(runner: CliRunner, argv: list[str]) -> Run:
    """Runs ``askbot ARGV``; whatever went wrong, no traceback reached the user."""
    result = runner.invoke(app, argv)
    run = Run(result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in run.text, run.text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return run

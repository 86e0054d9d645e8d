from __future__ import annotations

import io

from rich.console import Console

from askbot.repl import Repl
from askbot.service import AskBot


def make(bot: AskBot) -> tuple[Repl, io.StringIO]:
    buffer = io.StringIO()
    return Repl(bot, Console(file=buffer, width=120, force_terminal=False)), buffer


def test_questions_commands_and_errors(fake_bot: AskBot) -> None:
    repl, out = make(fake_bot)
    assert repl.handle("Lavrov war")
    assert "1." in out.getvalue()
    assert repl.handle(".k 1") and repl.k == 1
    assert repl.handle(".k 99") and repl.k == 1 and "usage: .k N" in out.getvalue()
    assert repl.handle(".json") and repl.json
    assert repl.handle("Lavrov war")
    assert '"answered"' in out.getvalue()
    assert repl.handle("   ")
    assert repl.handle("\x00\x01")  # an error is printed and the loop goes on
    assert "error: the question is empty" in out.getvalue()
    assert repl.handle(".help") and ".quit" in out.getvalue()
    assert repl.handle(".nope") and "unknown command" in out.getvalue()
    assert not repl.handle(".quit")


def test_run_ends_on_eof(fake_bot: AskBot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    lines = iter(["Lavrov war", ".k 2"])

    def fake_input(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setenv("HOME", "/tmp")
    repl, out = make(fake_bot)
    repl.run()
    assert "showing 2 excerpts" in out.getvalue()

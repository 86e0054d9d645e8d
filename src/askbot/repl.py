"""The interactive loop: one question per line, a few dot-commands, errors never fatal."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from askbot.console import printable, safe_json
from askbot.dates import DateError, parse_date
from askbot.errors import AskbotError
from askbot.models import RetrievalMode
from askbot.service import AskBot
from askbot.terminal import render_answer

HELP = """\
Type a question and press Enter. Filters: outlet:NAME since:DATE until:DATE in:PERIOD
  .k N          show N excerpts per answer
  .json         toggle JSON output
  .timeline     toggle timelines (excerpts by publication date, one per article)
  .as-of DATE   ask as of a date (YYYY-MM-DD); .as-of alone goes back to today
  .help         this help
  .quit         leave (or Ctrl-D)"""
HISTORY = Path("~/.askbot_history").expanduser()


class Repl:
    def __init__(self, bot: AskBot, console: Console, as_of: date | None = None) -> None:
        self.bot = bot
        self.console = console
        self.k = bot.settings.top_k
        self.json = False
        self.timeline = False
        self.as_of = as_of

    def _setup_history(self) -> None:
        try:
            import readline  # line editing and history where the platform has it
        except ImportError:
            return
        with contextlib.suppress(OSError):
            readline.read_history_file(HISTORY)
        readline.set_history_length(1000)
        import atexit

        atexit.register(self._save_history, readline)

    @staticmethod
    def _save_history(readline: object) -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(HISTORY)  # type: ignore[attr-defined]

    def command(self, line: str) -> bool:
        """Runs a dot-command; returns False when the loop should end."""
        name, _, arg = line.partition(" ")
        if name in (".quit", ".exit", ".q"):
            return False
        if name == ".help":
            self.console.print(escape(HELP))
        elif name == ".json":
            self.json = not self.json
            self.console.print(f"JSON output {'on' if self.json else 'off'}")
        elif name == ".timeline":
            self.timeline = not self.timeline
            self.console.print(f"timelines {'on' if self.timeline else 'off'}")
        elif name == ".as-of":
            if not arg.strip():
                self.as_of = None
                self.console.print("asking as of today")
            else:
                try:
                    self.as_of = parse_date(arg.strip())
                    self.console.print(f"asking as of {self.as_of.isoformat()}")
                except DateError as error:
                    self.console.print(f"usage: .as-of YYYY-MM-DD ({escape(str(error))})")
        elif name == ".k":
            if arg.strip().isdigit() and 1 <= int(arg) <= 20:
                self.k = int(arg)
                self.console.print(f"showing {self.k} excerpts")
            else:
                self.console.print("usage: .k N   (N from 1 to 20)")
        else:
            self.console.print(f"unknown command {escape(name)}; try .help")
        return True

    def handle(self, line: str) -> bool:
        """Answers or runs one input line; returns False when the loop should end."""
        line = line.strip()
        if not line:
            return True
        if line.startswith("."):
            return self.command(line)
        try:
            answer = self.bot.ask(line, k=self.k, as_of=self.as_of, timeline=self.timeline)
        except AskbotError as error:
            self.console.print(f"[red]error:[/] {escape(printable(str(error)))}")
            return True
        if self.json:
            # Written as it is: rich would wrap long strings at the terminal's width.
            self.console.out(safe_json(answer.model_dump_json(indent=2)), highlight=False)
        else:
            self.console.print(render_answer(answer))
        return True

    def warm_up(self) -> None:
        """Loads the model before the prompt, saying so: the first answer is then as quick
        as the rest, and the wait is explained instead of hidden in it."""
        if self.bot.settings.retriever == RetrievalMode.bm25:
            return
        self.console.print(f"askbot: loading {escape(self.bot.embedder.name)} …")
        ms = self.bot.warm_up()
        self.console.print(f"askbot: ready in {ms / 1000:.1f} s")

    def run(self) -> None:
        self._setup_history()
        self.warm_up()
        self.console.print("askbot: ask about your articles (.help for commands, Ctrl-D to quit)")
        while True:
            try:
                line = input("askbot> ")
            except EOFError:
                self.console.print()
                return
            except KeyboardInterrupt:
                self.console.print("\n(Ctrl-D or .quit to leave)")
                continue
            if not self.handle(line):
                return

"""The ``askbot`` command: one module per command group, registered on one Typer app."""

from askbot.cli import ask, evaluate, follow, info, ingest, slack
from askbot.cli.app import app

__all__ = ["app", "ask", "evaluate", "follow", "info", "ingest", "main", "slack"]


def main() -> None:
    app()

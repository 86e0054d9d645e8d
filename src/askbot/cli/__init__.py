"""The ``askbot`` command: one module per command group, registered on one Typer app."""

from askbot.cli import ask, evaluate, follow, info, ingest, migrate, slack
from askbot.cli.app import app

__all__ = ["app", "ask", "evaluate", "follow", "info", "ingest", "main", "migrate", "slack"]


def main() -> None:
    app()

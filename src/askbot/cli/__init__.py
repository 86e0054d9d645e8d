"""The ``askbot`` command: one module per command group, registered on one Typer app."""

from askbot.cli import ask, evaluate, info, ingest, migrate, slack
from askbot.cli.app import app

__all__ = ["app", "ask", "evaluate", "info", "ingest", "main", "migrate", "slack"]


def main() -> None:
    app()

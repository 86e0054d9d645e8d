"""An intact index on a read-only folder or mount answers; writing says it is read-only."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_harness import KNOWN_QUESTION, Cli

SCRIPT = """
import sys, fakes
from askbot.cli import app
sys.argv = ["askbot", *sys.argv[1:]]
app()
"""


def _read_only(cli: Cli, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs askbot with the index on a read-only mount (a private bind mount when root,
    who ignores permissions; the folder's permissions otherwise)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    command = [sys.executable, "-c", SCRIPT, *args, "--index", cli.index]
    if os.geteuid() == 0:
        if shutil.which("unshare") is None:
            pytest.fail("unshare is needed to make a read-only mount as root")
        mount = f"mount --bind {cli.index} {cli.index} && mount -o remount,bind,ro {cli.index}"
        quoted = " ".join(f"'{part}'" for part in command)
        command = [
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
            f"{mount} && exec {quoted}",
        ]
    else:
        for path in [Path(cli.index), *Path(cli.index).rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_a_read_only_index_answers(cli: Cli) -> None:
    run = _read_only(cli, "ask", KNOWN_QUESTION)
    assert run.returncode == 0, run.stderr
    assert "100,000 troops" in run.stdout
    info = _read_only(cli, "info")
    assert info.returncode == 0 and "articles" in info.stdout, info.stderr


@pytest.mark.parametrize("command", [("ingest", "known"), ("remove", "wire-a")])
def test_writing_to_a_read_only_index_says_so(cli: Cli, command: tuple[str, str]) -> None:
    args = [command[0], str(cli.root / command[1]) if command[0] == "ingest" else command[1]]
    run = _read_only(cli, *args)
    assert run.returncode == 3, run.stderr
    assert "is read-only" in run.stderr and run.stderr.count("\n") == 1
    assert "damaged" not in run.stderr and "delete" not in run.stderr
    cli.intact()

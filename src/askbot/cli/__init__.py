"""The ``askbot`` command: one module per command group, registered on one Typer app."""

import atexit
import contextlib
import os
import sys

# Set before numpy loads. askbot's own numpy work is vector-sized; numpy's OpenBLAS
# threads cost every process ~130 ms to start and stop on two cores (a cold `ask` went
# from 1.14 to 1.01 s, median). FAISS and onnxruntime have their own threads. A value the
# user set wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from askbot.cli import ask, evaluate, follow, info, ingest, migrate, slack
from askbot.cli.app import app

__all__ = ["app", "ask", "evaluate", "follow", "info", "ingest", "main", "migrate", "slack"]


def main() -> None:
    try:
        app()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
    # Every command has closed its index and joined its threads by now. The exit
    # handlers still run (the REPL's history, Milvus Lite's server, logging), but not the
    # interpreter's teardown (module dicts, onnxruntime's session, thousands of schema
    # objects): it took ~0.2 s after a one-shot answer was printed.
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # A reader that went away (`| head`) or a closed stream has nothing left to get.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)

"""A Milvus Lite server for tests: on a free 127.0.0.1 port, data in a temporary folder,
always stopped. ``milvus-lite server`` binds every interface unless given ``--host``."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path

import pytest

HOST = "127.0.0.1"
START_TIMEOUT = 60.0
_names = count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(data_dir: Path) -> Iterator[str]:
    """``host:port`` of a Milvus Lite server serving ``data_dir``, until the block ends."""
    with serving(data_dir) as (address, _):
        yield address


@contextmanager
def serving(data_dir: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``running_server``, with the server's process (a test may kill it)."""
    port = free_port()
    log = (data_dir.parent / f"{data_dir.name}.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "milvus_lite",
            "server",
            "--data-dir",
            str(data_dir),
            "--host",
            HOST,
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"milvus-lite server exited with {process.returncode}")
            try:
                socket.create_connection((HOST, port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("milvus-lite server did not start") from None
                time.sleep(0.2)
        yield f"{HOST}:{port}", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def milvus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("pymilvus")
    pytest.importorskip("milvus_lite")
    with running_server(tmp_path_factory.mktemp("milvus") / "data") as address:
        yield address


def milvus_url(address: str, name: str | None = None) -> str:
    """A fresh index location on the server (each test its own collections)."""
    return f"milvus://{address}?collection={name or f't{next(_names)}'}"

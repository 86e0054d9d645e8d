"""A Milvus Lite server with authentication, for the wrong-credentials tests.

Milvus Lite has no authentication (its server accepts any token), so this serves Milvus
Lite's own gRPC servicer behind the check Milvus's proxy makes when
``common.security.authorizationEnabled`` is on: the ``authorization`` metadata (base64 of
the token or ``USER:PASSWORD``, as pymilvus sends it) must match, else the call fails with
gRPC ``UNAUTHENTICATED`` and Milvus's message. ``--message echo`` answers as Milvus 2.2
did, with the username and password in the message (``merr.WrapErrParameterInvalid``),
so a test can see that askbot never prints what a server echoes back.

    python tests/milvus_auth_server.py --data-dir D --port P --token USER:PASSWORD
"""

from __future__ import annotations

import argparse
import base64
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent import futures
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from milvus_server import HOST, START_TIMEOUT, free_port

CURRENT = "auth check failure, please check username and password are correct"


class _Refuse:
    """A gRPC server interceptor: every call with another token is refused."""

    def __init__(self, token: str, echo: bool) -> None:
        import grpc

        self.grpc = grpc
        self.expected = base64.b64encode(token.encode()).decode()
        self.echo = echo

    def intercept_service(self, continuation: Callable[[Any], Any], details: Any) -> Any:
        metadata = dict(details.invocation_metadata or ())
        sent = metadata.get("authorization", "")
        if sent == self.expected:
            return continuation(details)
        if self.echo:
            user, _, password = (
                base64.b64decode(sent or b"").decode(errors="replace").partition(":")
            )
            message = f"username: {user}, password: {password}: {CURRENT}"
        else:
            message = CURRENT
        grpc = self.grpc

        def refuse(request: Any, context: Any) -> Any:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, message)

        return grpc.unary_unary_rpc_method_handler(refuse)


def serve(data_dir: str, port: int, token: str, echo: bool) -> None:
    import grpc
    from milvus_lite.adapter.grpc.servicer import MilvusServicer
    from milvus_lite.db import MilvusLite
    from pymilvus.grpc_gen import milvus_pb2_grpc

    db = MilvusLite(data_dir)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=10), interceptors=[_Refuse(token, echo)]
    )
    milvus_pb2_grpc.add_MilvusServiceServicer_to_server(MilvusServicer(db), server)
    server.add_insecure_port(f"{HOST}:{port}")
    server.start()
    try:
        server.wait_for_termination()
    finally:
        server.stop(grace=2)
        db.close()


@contextmanager
def running_auth_server(data_dir: Path, token: str, echo: bool = False) -> Iterator[str]:
    """``host:port`` of a Milvus Lite server that accepts only ``token``."""
    port = free_port()
    argv = [sys.executable, __file__, "--data-dir", str(data_dir), "--port", str(port)]
    argv += ["--token", token] + (["--echo"] if echo else [])
    log = (data_dir.parent / f"{data_dir.name}.log").open("wb")
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the auth server exited with {process.returncode}")
            try:
                socket.create_connection((HOST, port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the auth server did not start") from None
                time.sleep(0.2)
        yield f"{HOST}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--echo", action="store_true")
    args = parser.parse_args()
    serve(args.data_dir, args.port, args.token, args.echo)

"""Real peers for the compatibility suite: a `bwconsole sandbox` process and an
application server on 127.0.0.1, so official clients run exactly as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

#: API time runs this many times faster than real time in the suite's sandbox.
TIME_SCALE = 20.0


@dataclass(frozen=True)
class SandboxProcess:
    """Where a running `bwconsole sandbox` listens and the credentials it printed."""

    base_url: str  # ends in /v1
    user_id: str
    token: str
    secret: str

    @property
    def endpoint(self) -> str:
        """The SDKs' `api_endpoint`: the base URL without the `/v1` they append."""
        return self.base_url.removesuffix("/v1")


def _banner_value(line: str) -> str:
    return line.split()[-1]


@dataclass
class Hit:
    """One callback the application server received."""

    method: str
    path: str
    headers: dict[str, str]
    payload: dict[str, Any]


class AppServer:
    """An application's callback URL on 127.0.0.1: records every request, answers 200
    (with the BXML in `replies` for its path, if any).

    Thread-based (the SDK is synchronous); `wait_for` is bounded.
    """

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        #: path -> BXML to answer with (as an application answers call events).
        self.replies: dict[str, str] = {}
        self._changed = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                payload = json.loads(raw) if raw else dict(parse_qsl(parts.query))
                hit = Hit(
                    self.command,
                    parts.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    payload,
                )
                reply = outer.replies.get(parts.path, "").encode()
                self.send_response(200)
                if reply:
                    self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                with outer._changed:
                    outer.hits.append(hit)
                    outer._changed.notify_all()

            do_GET = do_POST = _record

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                """Quiet: the suite reads the hits, not a log."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def events(self, path: str) -> list[dict[str, Any]]:
        with self._changed:
            return [hit.payload for hit in self.hits if hit.path == path]

    def wait_for(
        self, path: str, predicate: Callable[[list[dict[str, Any]]], bool], seconds: float = 10.0
    ) -> list[dict[str, Any]]:
        """The payloads received at `path` once `predicate` holds for them (bounded wait)."""
        deadline = time.monotonic() + seconds
        with self._changed:
            while True:
                found = [hit.payload for hit in self.hits if hit.path == path]
                if predicate(found):
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"callbacks at {path} so far: {found}")
                self._changed.wait(left)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running_sandbox(state_dir: Path, *extra_args: str) -> Iterator[SandboxProcess]:
    """`bwconsole sandbox --port 0` as a subprocess, read from its banner, stopped by SIGTERM.

    `state_dir` holds its config and data dirs, so a developer's own never leak in.
    """
    env = dict(os.environ)
    env["BWCONSOLE_CONFIG_DIR"] = str(state_dir / "config")
    env["BWCONSOLE_DATA_DIR"] = str(state_dir / "data")
    process = subprocess.Popen(
        [sys.executable, "-m", "bwconsole", "sandbox", "--port", "0"]
        + ["--time-scale", str(TIME_SCALE), *extra_args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        lines = [process.stdout.readline() for _ in range(5)]
        if not lines[1].strip():
            raise RuntimeError(f"bwconsole sandbox did not start: {process.stderr.read()}")
        yield SandboxProcess(
            base_url=_banner_value(lines[1]),
            user_id=_banner_value(lines[2]),
            token=_banner_value(lines[3]),
            secret=_banner_value(lines[4]),
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

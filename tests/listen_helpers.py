"""Helpers for the `bwconsole listen` tests: a local app that records raw requests, and `listen`
as a real child process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bwconsole.servers import BackgroundServer

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Hit:
    """One request exactly as the local app received it."""

    method: str
    path: str
    query: bytes
    headers: dict[str, str]
    body: bytes

    @property
    def seq(self) -> int:
        return int(self.headers["x-bwconsole-event-seq"])


@dataclass
class LocalApp:
    """The developer's app: records every request; answers `reply(hit)` (200 by default)."""

    hits: list[Hit] = field(default_factory=list)
    reply: Callable[[Hit], Response] | None = None
    delay: float = 0.0
    before_reply: Callable[[Hit], Awaitable[None]] | None = None
    """Awaited before a hit is recorded (a test holds a request open with it)."""
    server: BackgroundServer | None = None
    port: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def handle(self, request: Request) -> Response:
        hit = Hit(
            request.method,
            request.url.path,
            request.scope["query_string"],
            dict(request.headers),
            await request.body(),
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.before_reply is not None:
            await self.before_reply(hit)
        self.hits.append(hit)
        self._changed.set()
        return self.reply(hit) if self.reply is not None else Response("ok")

    async def start(self) -> None:
        app = Starlette(routes=[Route("/{path:path}", self.handle, methods=["GET", "POST"])])
        self.server = BackgroundServer(app, port=self.port)
        await self.server.start()
        self.port = self.server.port

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
            self.server = None

    async def wait_until(self, predicate: Callable[[list[Hit]], bool], within: float) -> None:
        """Wait (bounded) until `predicate(hits)` holds; fail the test otherwise."""
        async with asyncio.timeout(within):
            while not predicate(self.hits):
                self._changed.clear()
                await self._changed.wait()

    def seqs(self) -> list[int]:
        return [hit.seq for hit in self.hits]


@contextlib.asynccontextmanager
async def local_app(**options: object) -> AsyncIterator[LocalApp]:
    app = LocalApp(**options)  # type: ignore[arg-type]
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


def listen_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose config and data dirs are the test's own."""
    env = dict(os.environ)
    env["BWCONSOLE_CONFIG_DIR"] = str(tmp_path / "config")
    env["BWCONSOLE_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONUNBUFFERED"] = "1"
    return env


class ListenProcess:
    """`python -m bwconsole listen ...` as a child process; its output is collected."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.args = args
        self.env = env
        self.process: asyncio.subprocess.Process | None = None
        self.lines: list[str] = []
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bwconsole",
            "listen",
            *self.args,
            env=self.env,
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        async for raw in self.process.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    async def wait_for_line(self, text: str, within: float = 15.0) -> str:
        async with asyncio.timeout(within):
            while True:
                for line in self.lines:
                    if text in line:
                        return line
                await asyncio.sleep(0.02)

    async def stop(self, signum: int = signal.SIGTERM) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signum)
        async with asyncio.timeout(15):
            code = await self.process.wait()
        if self._reader is not None:
            await self._reader
        return code

    def output(self) -> str:
        return "\n".join(self.lines)


@contextlib.asynccontextmanager
async def listening(args: list[str], env: dict[str, str]) -> AsyncIterator[ListenProcess]:
    process = ListenProcess(args, env)
    await process.start()
    try:
        yield process
    finally:
        if process.process is not None and process.process.returncode is None:
            await process.stop(signal.SIGKILL)

"""Run an ASGI app on uvicorn inside the current event loop, on a free loopback port.

The console embeds the sandbox and the relay this way, and tests start real
servers the same way, so both exercise the exact code path a user runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import uvicorn


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signals (Ctrl+C) to the application hosting it."""

    def capture_signals(self) -> contextlib.AbstractContextManager[None]:  # type: ignore[override]
        return contextlib.nullcontext()


class BackgroundServer:
    """A uvicorn server running as a task in the current event loop.

    Args:
        app: the ASGI application.
        host: interface to bind; loopback unless the caller says otherwise.
        port: port to bind; 0 picks a free one, read back from `port` after `start`.
        **config: extra `uvicorn.Config` options (e.g. `ws_ping_interval`).
    """

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, **config: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.host = host
        self.port: int = self._sock.getsockname()[1]
        config.setdefault("log_level", "warning")
        config.setdefault("lifespan", "on")
        self._server = _EmbeddedServer(uvicorn.Config(app, **config))
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:54321`."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Start serving and return once the socket accepts connections."""
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        for _ in range(500):
            if self._server.started:
                return
            if self._task.done():
                self._task.result()  # re-raise the start-up failure
                raise RuntimeError("server exited during start-up")
            await asyncio.sleep(0.01)
        raise TimeoutError("server did not start within 5 s")

    async def stop(self) -> None:
        """Stop accepting, finish in-flight requests (bounded), and close."""
        if self._task is None:
            self._sock.close()
            return
        self._server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=5)
        except TimeoutError:
            self._server.force_exit = True
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._task = None
        self._sock.close()


@contextlib.asynccontextmanager
async def serving(app: Any, **kwargs: Any) -> AsyncIterator[BackgroundServer]:
    """`async with serving(app) as server:` — a started server, stopped on exit."""
    server = BackgroundServer(app, **kwargs)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()

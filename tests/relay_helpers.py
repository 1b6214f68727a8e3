"""Shared helpers for the relay tests: a real relay on uvicorn and websocket consoles."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from bwconsole.relay import create_app, server_options
from bwconsole.servers import BackgroundServer

TOKEN = "s3cret-token"
CALLBACK = {
    "eventType": "answer",
    "from": "+19195551212",
    "to": "+13865551212",
    "callId": "c-abc",
    "callUri": "https://api.catapult.inetwork.com/v1/users/u-1/calls/c-abc",
    "callState": "active",
    "time": "2026-11-26T23:00:00Z",
}


STORES = ["memory", "sqlite", "redis"]


@pytest.fixture(name="store", params=STORES)
def store_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The `--store` of each kind, empty: the shared suite runs once per store.

    A test module using it imports this function and `tests.redis_helpers`' fixtures.
    """
    if request.param == "memory":
        return "memory"
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'relay.db'}"
    return str(request.getfixturevalue("redis_url"))


@pytest.fixture(name="durable_store", params=["sqlite", "redis"])
def durable_store_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store that outlives the relay process."""
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'relay.db'}"
    return str(request.getfixturevalue("redis_url"))


@contextlib.asynccontextmanager
async def relay_server(**options: Any) -> AsyncIterator[BackgroundServer]:
    """A relay (memory store unless `store=` says otherwise) on a real uvicorn."""
    options.setdefault("tokens", [TOKEN])
    app = create_app(**options)
    server = BackgroundServer(app, **server_options(app))
    server.relay = app.state.relay  # type: ignore[attr-defined]
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def ws_url(server: BackgroundServer, channel: str, query: str = "") -> str:
    return (
        server.url.replace("http://", "ws://")
        + f"/events/{channel}"
        + (f"?{query}" if query else "")
    )


@contextlib.asynccontextmanager
async def console(
    server: BackgroundServer, channel: str, query: str = "", token: str = TOKEN, **kwargs: Any
) -> AsyncIterator[ClientConnection]:
    async with connect(
        ws_url(server, channel, query),
        additional_headers={"Authorization": f"Bearer {token}"},
        open_timeout=5,
        **kwargs,
    ) as ws:
        yield ws


async def next_frame(
    ws: ClientConnection, kind: str = "event", within: float = 5
) -> dict[str, Any]:
    """The next frame of type `kind`, skipping pings."""
    import asyncio

    async with asyncio.timeout(within):
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == kind:
                return frame  # type: ignore[no-any-return]


class RelayProxy:
    """A TCP proxy in front of a relay, to break the network path of a console on purpose.

    `freeze()` silently stops forwarding on the open connections (a dead path: nothing
    arrives, nothing fails); `close()` drops them and refuses new ones (a cut cable)
    until `is_open` is set again.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.is_open = True
        self._frozen: list[asyncio.Event] = []
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> RelayProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        self.close()

    def freeze(self) -> None:
        """Everything sent on the current connections is dropped from now on."""
        for frozen in self._frozen:
            frozen.set()

    def close(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.is_open = False
        for writer in self._writers:
            writer.close()
        self._writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.is_open:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        frozen = asyncio.Event()
        self._frozen.append(frozen)
        self._writers += [writer, up_writer]

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await source.read(65536):
                    if not frozen.is_set():
                        sink.write(data)
                        await sink.drain()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

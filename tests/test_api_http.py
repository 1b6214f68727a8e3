"""Real sockets: one kept-alive connection, Basic auth on the wire, dropped or refused connections."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from fixtures.api.harness import AUTH, FakeTime
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bwconsole.api import ApiConnectionError, Client
from bwconsole.servers import serving


async def account(request: Request) -> JSONResponse:
    port = request.client.port if request.client else 0
    auth = request.headers.get("authorization", "")
    return JSONResponse({"balance": "1.00", "clientPort": port, "auth": auth})


async def test_one_keep_alive_connection_serves_sequential_requests() -> None:
    app = Starlette(routes=[Route("/v1/users/u-test/account", account)])
    async with serving(app) as server:
        async with Client("u-test", "tok-123", "sec-456", base_url=server.url + "/v1") as client:
            seen = [(await client.account.get()).extra for _ in range(5)]
    assert len({s["clientPort"] for s in seen}) == 1
    assert {s["auth"] for s in seen} == {AUTH}


@pytest.fixture
async def slammer() -> AsyncIterator[tuple[int, list[int]]]:
    """A TCP server that accepts and closes every connection without answering."""
    accepted: list[int] = []

    async def slam(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        await reader.read(1)
        writer.close()

    server = await asyncio.start_server(slam, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port, accepted
    finally:
        server.close()
        await server.wait_closed()


async def test_dropped_connection_on_get_is_retried_then_reported(
    slammer: tuple[int, list[int]],
) -> None:
    port, accepted = slammer
    fake = FakeTime()
    async with Client(
        "u-test",
        "t",
        "s",
        base_url=f"http://127.0.0.1:{port}/v1",
        max_retries=2,
        sleep=fake.sleep,
        timeout=5.0,
    ) as client:
        with pytest.raises(ApiConnectionError):
            await client.account.get()
    assert len(accepted) == 3
    assert fake.sleeps == [0.5, 1.0]


async def test_dropped_connection_on_post_is_not_retried(slammer: tuple[int, list[int]]) -> None:
    port, accepted = slammer
    async with Client("u-test", "t", "s", base_url=f"http://127.0.0.1:{port}/v1") as client:
        with pytest.raises(ApiConnectionError):
            await client.messages.send(from_="+1", to="+2", text="x")
    assert len(accepted) == 1


async def test_refused_connection_names_the_problem() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake = FakeTime()
    async with Client(
        "u-test", "t", "s", base_url=f"http://127.0.0.1:{port}/v1", sleep=fake.sleep
    ) as client:
        with pytest.raises(ApiConnectionError) as info:
            await client.calls.get("c-1")
    assert "ConnectError" in str(info.value)
    assert AUTH not in str(info.value)

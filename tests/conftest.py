"""Shared fixtures: real servers on 127.0.0.1 for the sandbox (and friends)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bwconsole.sandbox.app import create_app
from bwconsole.sandbox.core import Sandbox
from bwconsole.servers import BackgroundServer


@pytest.fixture
async def sandbox_server() -> AsyncIterator[BackgroundServer]:
    """The sandbox on a real uvicorn on an ephemeral loopback port (time-scale 50).

    `server.app.state.sandbox` is not reachable through uvicorn, so the fixture
    also sets `server.sandbox`.
    """
    sandbox = Sandbox(time_scale=50, seed=1)
    server = BackgroundServer(create_app(sandbox))
    server.sandbox = sandbox  # type: ignore[attr-defined]
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def sandbox_http(sandbox_server: BackgroundServer) -> AsyncIterator[httpx.AsyncClient]:
    """A raw httpx client authenticated against the sandbox, rooted at `/v1`."""
    creds = sandbox_server.sandbox.credentials  # type: ignore[attr-defined]
    async with httpx.AsyncClient(
        base_url=sandbox_server.url + "/v1", auth=(creds.token, creds.secret)
    ) as client:
        yield client

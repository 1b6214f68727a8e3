"""Shared fixtures: real servers on 127.0.0.1 for the sandbox (and friends)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bwconsole.sandbox.app import create_app
from bwconsole.sandbox.core import Sandbox
from bwconsole.servers import BackgroundServer, serving


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own config and data dirs: a developer's real profiles,
    BXML scripts or sandbox state never leak in, and tests never write there."""
    monkeypatch.setenv("BWCONSOLE_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("BWCONSOLE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("BWCONSOLE_LOG_DIR", str(tmp_path_factory.mktemp("log")))
    for name in (
        "BANDWIDTH_USER_ID",
        "BANDWIDTH_API_TOKEN",
        "BANDWIDTH_API_SECRET",
        "BANDWIDTH_API_URL",
        "BWCONSOLE_RELAY_URL",
        "BWCONSOLE_RELAY_CHANNEL",
        "BWCONSOLE_RELAY_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


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


class CallbackReceiver:
    """An application server on 127.0.0.1 that records every callback it gets.

    `url` is its base; any path answers `status` (200 unless a test changes it).
    """

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.bodies: list[bytes] = []
        self.status = 200
        self._arrived = asyncio.Event()
        self.url = ""

    async def endpoint(self, request: Request) -> Response:
        self.bodies.append(await request.body())
        self.requests.append(request)
        self._arrived.set()
        return Response(b"", status_code=self.status)

    def events(self, path: str | None = None) -> list[dict[str, Any]]:
        """Payloads received so far (POST JSON bodies or GET query strings), optionally for one path."""
        found = []
        for request, body in zip(self.requests, self.bodies, strict=True):
            if path is not None and request.url.path != path:
                continue
            found.append(json.loads(body) if body else dict(request.query_params))
        return found

    async def wait_for(
        self, predicate: Callable[[list[dict[str, Any]]], bool], seconds: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait (bounded) until the events received satisfy `predicate`; return them."""
        async with asyncio.timeout(seconds):
            while not predicate(self.events()):
                self._arrived.clear()
                await self._arrived.wait()
        return self.events()


@pytest.fixture
async def callback_receiver() -> AsyncIterator[CallbackReceiver]:
    receiver = CallbackReceiver()
    app = Starlette(routes=[Route("/{path:path}", receiver.endpoint, methods=["GET", "POST"])])
    async with serving(app) as server:
        receiver.url = server.url
        yield receiver


@pytest.fixture
def user(sandbox_server: BackgroundServer) -> str:
    """`/users/{userId}` of the sandbox account, for paths under `sandbox_http`."""
    return f"/users/{sandbox_server.sandbox.user_id}"  # type: ignore[attr-defined]


@pytest.fixture
def order_number(
    sandbox_http: httpx.AsyncClient, user: str
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """`await order_number(areaCode="919", **fields)`: search one number, order it, return its record."""

    async def order(area_code: str = "919", **fields: Any) -> dict[str, Any]:
        found = await sandbox_http.get(
            "/availableNumbers/local", params={"areaCode": area_code, "quantity": 1}
        )
        number = found.json()[0]["number"]
        response = await sandbox_http.post(
            f"{user}/phoneNumbers", json={"number": number, **fields}
        )
        assert response.status_code == 201, response.text
        return (await sandbox_http.get(response.headers["location"])).json()

    return order

"""Helpers for the voice tests: a callback receiver on 127.0.0.1 and account seeding."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bwconsole.sandbox.core import DEFAULT_USER_ID, Sandbox
from bwconsole.servers import BackgroundServer

USER = DEFAULT_USER_ID
OUR_NUMBER = "+19195550100"
OTHER_NUMBER = "+19195550111"


@dataclass
class Received:
    """One callback as the application server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    payload: dict[str, Any]

    @property
    def event(self) -> str:
        return str(self.payload.get("eventType", ""))


@dataclass
class Reply:
    body: str = ""
    status: int = 200
    content_type: str = "application/xml"
    delay: float = 0.0


@dataclass
class Receiver:
    """An application server that records every callback and answers as told per path."""

    requests: list[Received] = field(default_factory=list)
    replies: dict[str, Reply] = field(default_factory=dict)
    handlers: dict[str, Callable[[Received], Awaitable[None]]] = field(default_factory=dict)
    """Event type -> what the app does before it answers that callback (as a real app's
    webhook handler makes its REST requests before replying)."""
    url: str = ""
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def reply(self, path: str, body: str = "", **kwargs: Any) -> None:
        self.replies[path] = Reply(body, **kwargs)

    def at(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]

    def events(self, path: str | None = None) -> list[str]:
        return [r.event for r in self.requests if path is None or r.path == path]

    async def wait_until(
        self, predicate: Callable[[list[Received]], bool], within: float = 5.0
    ) -> list[Received]:
        """Wait (bounded) until `predicate(requests)` holds; fail the test otherwise."""
        async with asyncio.timeout(within):
            while not predicate(self.requests):
                self._changed.clear()
                await self._changed.wait()
        return self.requests

    async def wait_for_event(self, event: str, path: str | None = None, count: int = 1) -> Received:
        found = await self.wait_until(
            lambda rs: (
                len([r for r in rs if r.event == event and (path is None or r.path == path)])
                >= count
            )
        )
        return [r for r in found if r.event == event and (path is None or r.path == path)][
            count - 1
        ]

    async def handle(self, request: Request) -> Response:
        if request.method == "GET":
            payload: dict[str, Any] = dict(request.query_params)
        else:
            raw = await request.body()
            payload = json.loads(raw) if raw else {}
        reply = self.replies.get(request.url.path, Reply())
        if reply.delay:
            await asyncio.sleep(reply.delay)
        received = Received(request.method, request.url.path, dict(request.headers), payload)
        handler = self.handlers.get(received.event)
        if handler is not None:
            await handler(received)
        self.requests.append(received)
        self._changed.set()
        return Response(reply.body, status_code=reply.status, media_type=reply.content_type)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A callback receiver on an ephemeral loopback port."""
    found = Receiver()
    app = Starlette(routes=[Route("/{path:path}", found.handle, methods=["GET", "POST"])])
    server = BackgroundServer(app)
    await server.start()
    found.url = server.url
    try:
        yield found
    finally:
        await server.stop()


def own_number(sandbox: Sandbox, number: str, application_id: str | None = None) -> None:
    """Give the account a number (as an order would), optionally linked to an application."""
    record = {
        "id": sandbox.ids.new("number"),
        "number": number,
        "numberState": "enabled",
        "createdTime": sandbox.clock.iso(),
    }
    if application_id:
        record["applicationId"] = application_id
    sandbox.collection("phoneNumbers").put(record["id"], record)


async def create_app(http: httpx.AsyncClient, **fields: Any) -> str:
    """Create an application through the API and return its id."""
    response = await http.post(f"/users/{USER}/applications", json={"name": "app", **fields})
    assert response.status_code == 201, response.text
    return response.headers["Location"].rsplit("/", 1)[-1]


async def dial(http: httpx.AsyncClient, **fields: Any) -> str:
    """POST /calls and return the new call's id."""
    response = await http.post(f"/users/{USER}/calls", json={"from": OUR_NUMBER, **fields})
    assert response.status_code == 201, response.text
    return response.headers["Location"].rsplit("/", 1)[-1]


async def call_state(http: httpx.AsyncClient, call_id: str) -> dict[str, Any]:
    response = await http.get(f"/users/{USER}/calls/{call_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def wait_state(
    http: httpx.AsyncClient, call_id: str, states: tuple[str, ...], within: float = 5.0
) -> dict[str, Any]:
    """Poll (bounded) until the call is in one of `states`."""
    async with asyncio.timeout(within):
        while True:
            call = await call_state(http, call_id)
            if call["state"] in states:
                return call
            await asyncio.sleep(0.02)

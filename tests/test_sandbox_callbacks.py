"""Callback delivery as the v1 API does it: methods, credentials, fallback, failures recorded."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bwconsole.sandbox.voice.engine import CallEngine
from bwconsole.servers import BackgroundServer
from tests.conftest import CallbackReceiver

OrderNumber = Callable[..., Awaitable[dict[str, Any]]]


async def test_credentials_in_the_url_become_basic_auth(
    sandbox_http: httpx.AsyncClient,
    user: str,
    order_number: OrderNumber,
    callback_receiver: CallbackReceiver,
) -> None:
    sender = (await order_number())["number"]
    url = callback_receiver.url.replace("http://", "http://me:s%40cret@") + "/cb"
    await sandbox_http.post(
        f"{user}/messages",
        json={"from": sender, "to": "+19195551212", "text": "x", "callbackUrl": url},
    )
    await callback_receiver.wait_for(lambda e: len(e) >= 1)
    request = callback_receiver.requests[0]
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"me:s@cret").decode()
    assert request.headers["content-type"].startswith("application/json")


async def test_get_method_sends_the_fields_as_a_query_string(
    sandbox_http: httpx.AsyncClient,
    user: str,
    order_number: OrderNumber,
    callback_receiver: CallbackReceiver,
) -> None:
    sender = (await order_number())["number"]
    await sandbox_http.post(
        f"{user}/messages",
        json={
            "from": sender,
            "to": "+19195551212",
            "text": "hi there",
            "callbackUrl": callback_receiver.url + "/get",
            "callbackHttpMethod": "get",
        },
    )
    events = await callback_receiver.wait_for(lambda e: len(e) >= 1)
    request = callback_receiver.requests[0]
    assert request.method == "GET"
    assert events[0]["text"] == "hi there" and events[0]["from"] == sender
    assert events[0]["segmentCount"] == "1"


async def test_fallback_url_gets_the_event_and_the_failure_is_recorded(
    sandbox_http: httpx.AsyncClient,
    user: str,
    order_number: OrderNumber,
    callback_receiver: CallbackReceiver,
) -> None:
    callback_receiver.status = 500
    sender = (await order_number())["number"]
    await sandbox_http.post(
        f"{user}/messages",
        json={
            "from": sender,
            "to": "+19195551212",
            "text": "x",
            "callbackUrl": callback_receiver.url + "/primary",
            "fallbackUrl": callback_receiver.url + "/fallback",
        },
    )
    await callback_receiver.wait_for(lambda e: len(e) >= 2)
    assert [r.url.path for r in callback_receiver.requests[:2]] == ["/primary", "/fallback"]
    errors = (await sandbox_http.get(f"{user}/errors")).json()
    assert errors and errors[0]["code"] == "callback-failed"


async def test_inbound_message_without_an_application_is_an_error(
    sandbox_http: httpx.AsyncClient, user: str, order_number: OrderNumber
) -> None:
    sender = (await order_number())["number"]
    lonely = (await order_number())["number"]
    location = (
        await sandbox_http.post(
            f"{user}/messages", json={"from": sender, "to": lonely, "text": "anyone?"}
        )
    ).headers["location"]
    assert location
    async with asyncio.timeout(5):
        while True:
            errors = (await sandbox_http.get(f"{user}/errors")).json()
            if errors:
                break
            await asyncio.sleep(0.02)
    assert (
        errors[0]["code"] == "no-application-for-number" and errors[0]["category"] == "unavailable"
    )


async def test_a_finished_call_keeps_its_events_but_no_live_state(
    sandbox_server: BackgroundServer,
    sandbox_http: httpx.AsyncClient,
    user: str,
    order_number: OrderNumber,
    callback_receiver: CallbackReceiver,
) -> None:
    sender = (await order_number())["number"]
    calls = []
    for _ in range(2):
        body = {"from": sender, "to": "+15554010000", "callbackUrl": callback_receiver.url}
        calls.append((await sandbox_http.post(f"{user}/calls", json=body)).headers["location"])
    await callback_receiver.wait_for(lambda e: sum(x["eventType"] == "hangup" for x in e) == 2)
    engine = sandbox_server.sandbox.service(CallEngine)  # type: ignore[attr-defined]
    for location in calls:
        call_id = location.rsplit("/", 1)[1]
        assert call_id not in engine._live  # memory does not grow with every call made
        events = (await sandbox_http.get(f"{user}/calls/{call_id}/events")).json()
        assert [e["name"] for e in events] == ["create", "answer", "hangup"]

"""Messages: send, deliver, receive, list, redact — against the real sandbox server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bwconsole.servers import BackgroundServer
from tests.conftest import CallbackReceiver

OrderNumber = Callable[..., Awaitable[dict[str, Any]]]


async def wait_state(
    client: httpx.AsyncClient, location: str, key: str, value: str
) -> dict[str, Any]:
    async with asyncio.timeout(5):
        while True:
            message = (await client.get(location)).json()
            if message.get(key) == value:
                return message
            await asyncio.sleep(0.01)


async def test_send_answers_201_and_the_message_progresses_to_sent(
    sandbox_http: httpx.AsyncClient,
    user: str,
    order_number: OrderNumber,
    callback_receiver: CallbackReceiver,
) -> None:
    sender = (await order_number())["number"]
    response = await sandbox_http.post(
        f"{user}/messages",
        json={
            "from": sender,
            "to": "+19195551212",
            "text": "Good morning, this is a test message",
            "callbackUrl": callback_receiver.url + "/status",
            "tag": "t-1",
        },
    )
    assert response.status_code == 201
    location = response.headers["location"]
    message_id = location.rsplit("/", 1)[1]
    assert message_id.startswith("m-")
    first = (await sandbox_http.get(location)).json()
    assert first["state"] in ("queued", "sending") and first["direction"] == "out"
    assert first["messageId"] == message_id and first["segmentCount"] == 1 and first["media"] == []
    assert "tag" not in first
    sent = await wait_state(sandbox_http, location, "state", "sent")
    assert sent["text"] == "Good morning, this is a test message"
    events = await callback_receiver.wait_for(lambda e: len(e) >= 1)
    event = events[0]
    assert event["eventType"] == "sms" and event["state"] == "sent" and event["direction"] == "out"
    assert event["messageId"] == message_id and event["tag"] == "t-1"
    assert event["messageUri"] == location
    assert callback_receiver.requests[0].headers["user-agent"].startswith("BandwidthAPI/v1")


async def test_receipts_and_segments_and_charges(
    sandbox_http: httpx.AsyncClient,
    user: str,
    order_number: OrderNumber,
    callback_receiver: CallbackReceiver,
) -> None:
    sender = (await order_number())["number"]
    base = {"from": sender, "callbackUrl": callback_receiver.url + "/r", "receiptRequested": "all"}
    ok_location = (
        await sandbox_http.post(
            f"{user}/messages", json={**base, "to": "+19195551212", "text": "x" * 161}
        )
    ).headers["location"]
    bad_location = (
        await sandbox_http.post(
            f"{user}/messages", json={**base, "to": "+19195550142", "text": "hi"}
        )
    ).headers["location"]
    delivered = await wait_state(sandbox_http, ok_location, "deliveryState", "delivered")
    assert delivered["segmentCount"] == 2 and delivered["deliveryCode"] == 0
    failed = await wait_state(sandbox_http, bad_location, "deliveryState", "not-delivered")
    assert failed["deliveryCode"] == 720
    events = await callback_receiver.wait_for(lambda e: len(e) >= 4)
    receipts = [e for e in events if "deliveryState" in e]
    assert {e["deliveryState"] for e in receipts} == {"delivered", "not-delivered"}
    charges = (
        await sandbox_http.get(
            f"{user}/account/transactions", params={"number": sender, "type": "charge"}
        )
    ).json()
    sms = [t for t in charges if t["productType"] == "sms-out"]
    assert sorted((t["units"], t["amount"]) for t in sms) == [(1, "0.00750"), (2, "0.01500")]


async def test_an_mms_ends_delivered_or_with_an_error_event(
    sandbox_http: httpx.AsyncClient,
    user: str,
    order_number: OrderNumber,
    callback_receiver: CallbackReceiver,
) -> None:
    sender = (await order_number())["number"]
    base = {"from": sender, "text": "pic", "media": ["http://example.com/a.jpg"]}
    base["callbackUrl"] = callback_receiver.url + "/mms"
    ok = await sandbox_http.post(f"{user}/messages", json={**base, "to": "+19195551212"})
    bad = await sandbox_http.post(f"{user}/messages", json={**base, "to": "+19195550142"})
    delivered = await wait_state(sandbox_http, ok.headers["location"], "deliveryState", "delivered")
    assert delivered["receiptRequested"] == "none" and delivered["deliveryCode"] == 0
    failed_location = bad.headers["location"]
    failed = await wait_state(sandbox_http, failed_location, "deliveryState", "not-delivered")
    assert failed["deliveryCode"] == 720
    events = await callback_receiver.wait_for(lambda e: len(e) >= 3)
    assert {e["state"] for e in events} == {"sent"} and {e["eventType"] for e in events} == {"mms"}
    (error,) = [e for e in events if "deliveryState" in e]
    assert error["messageUri"] == failed_location and error["deliveryState"] == "not-delivered"
    assert error["deliveryCode"] == 720


async def test_a_message_to_an_owned_number_arrives_on_its_application(
    sandbox_http: httpx.AsyncClient,
    user: str,
    order_number: OrderNumber,
    callback_receiver: CallbackReceiver,
) -> None:
    app = await sandbox_http.post(
        f"{user}/applications",
        json={
            "name": "in",
            "incomingMessageUrl": callback_receiver.url + "/in",
            "callbackHttpMethod": "GET",
        },
    )
    app_id = app.headers["location"].rsplit("/", 1)[1]
    sender = (await order_number())["number"]
    receiver = (await order_number(applicationId=app_id))["number"]
    await sandbox_http.post(
        f"{user}/messages",
        json={
            "from": sender,
            "to": receiver,
            "text": "hello me",
            "media": ["http://example.com/a.jpg"],
        },
    )
    events = await callback_receiver.wait_for(lambda e: len(e) >= 1)
    event = events[0]
    assert callback_receiver.requests[0].method == "GET"
    assert (
        event["eventType"] == "mms" and event["direction"] == "in" and event["state"] == "received"
    )
    assert event["applicationId"] == app_id and event["to"] == receiver and event["from"] == sender
    assert event["media"] == "[http://example.com/a.jpg]"
    inbound = (await sandbox_http.get(f"{user}/messages", params={"direction": "in"})).json()
    assert [m["id"] for m in inbound] == [event["messageId"]]


async def test_inject_control_route_delivers_an_inbound_message(
    sandbox_server: BackgroundServer,
    sandbox_http: httpx.AsyncClient,
    user: str,
    order_number: OrderNumber,
    callback_receiver: CallbackReceiver,
) -> None:
    app = await sandbox_http.post(
        f"{user}/applications",
        json={"name": "in", "incomingMessageUrl": callback_receiver.url + "/in"},
    )
    app_id = app.headers["location"].rsplit("/", 1)[1]
    mine = (await order_number(applicationId=app_id))["number"]
    control = sandbox_server.url + "/sandbox/inject/message"
    response = await sandbox_http.post(
        control, json={"from": "+13233326955", "to": mine, "text": "Example"}
    )
    assert response.status_code == 201
    assert response.json()["state"] == "received"
    events = await callback_receiver.wait_for(lambda e: len(e) >= 1)
    assert events[0]["text"] == "Example" and events[0]["applicationId"] == app_id
    assert (await sandbox_http.get(response.headers["location"])).json()["direction"] == "in"
    not_mine = await sandbox_http.post(
        control, json={"from": "+13233326955", "to": "+19195551212", "text": "x"}
    )
    assert not_mine.status_code == 404
    anonymous = await httpx.AsyncClient().post(
        control, json={"from": "+1", "to": mine, "text": "x"}
    )
    assert anonymous.status_code == 401


async def test_batch_answers_202_with_one_result_per_message(
    sandbox_http: httpx.AsyncClient, user: str, order_number: OrderNumber
) -> None:
    sender = (await order_number())["number"]
    batch = [
        {"from": sender, "to": "+19195551212", "text": "one"},
        {"from": sender, "to": "+19195551213", "text": "two"},
        {"from": sender, "to": "", "text": "three"},
    ]
    response = await sandbox_http.post(f"{user}/messages", json=batch)
    assert response.status_code == 202
    results = response.json()
    assert [r["result"] for r in results] == ["accepted", "accepted", "error"]
    assert results[2]["error"]["code"] == "blank-property"
    assert (await sandbox_http.get(results[0]["location"])).json()["text"] == "one"
    too_many = await sandbox_http.post(f"{user}/messages", json=batch[:1] * 51)
    assert too_many.status_code == 403 and too_many.json()["category"] == "limit"
    assert too_many.json()["code"] == "multi-message-limit"


async def test_send_validation(
    sandbox_http: httpx.AsyncClient, user: str, order_number: OrderNumber
) -> None:
    sender = (await order_number())["number"]
    cases = [
        ({"to": "+19195551212", "text": "x"}, 400, "missing-property"),
        ({"from": sender, "to": "919555", "text": "x"}, 400, "validation-error"),
        ({"from": sender, "to": "+19195551212", "text": "x" * 2049}, 400, "validation-error"),
        (
            {"from": sender, "to": "+19195551212", "text": "x", "receiptRequested": "maybe"},
            400,
            "validation-error",
        ),
        (
            {
                "from": sender,
                "to": "+19195551212",
                "text": "x",
                "media": "http://e.com/a.png",
                "receiptRequested": "all",
            },
            400,
            "validation-error",
        ),
        (
            {"from": sender, "to": "+19195551212", "text": "x", "media": ["ftp://x"]},
            403,
            "media-invalid-url",
        ),
        (
            {"from": sender, "to": "+19195551212", "text": "x", "callbackTimeout": 10001},
            400,
            "validation-error",
        ),
        ({"from": "+19195551299", "to": "+19195551212", "text": "x"}, 401, "number-access-denied"),
    ]
    for body, status, code in cases:
        response = await sandbox_http.post(f"{user}/messages", json=body)
        assert (response.status_code, response.json()["code"]) == (status, code), body


async def test_list_filters_and_redaction(
    sandbox_http: httpx.AsyncClient, user: str, order_number: OrderNumber
) -> None:
    sender = (await order_number())["number"]
    for to in ("+19195551212", "+19195551213", "+19195551212"):
        await sandbox_http.post(
            f"{user}/messages", json={"from": sender, "to": to, "text": f"to {to}"}
        )
    listed = (await sandbox_http.get(f"{user}/messages", params={"to": "+19195551212"})).json()
    assert len(listed) == 2 and all(m["to"] == "+19195551212" for m in listed)
    assert listed[0]["time"] >= listed[1]["time"]  # newest first
    ascending = (await sandbox_http.get(f"{user}/messages", params={"sortOrder": "asc"})).json()
    assert [m["id"] for m in ascending] == [
        m["id"] for m in reversed((await sandbox_http.get(f"{user}/messages")).json())
    ]
    dated = await sandbox_http.get(
        f"{user}/messages", params={"fromDateTime": "2000-01-01", "toDateTime": "2001-01-01"}
    )
    assert dated.json() == []
    assert (
        await sandbox_http.get(f"{user}/messages", params={"direction": "sideways"})
    ).status_code == 400
    message_id = listed[0]["id"]
    assert (
        await sandbox_http.patch(f"{user}/messages/{message_id}", json={"text": "no"})
    ).status_code == 400
    assert (
        await sandbox_http.patch(f"{user}/messages/{message_id}", json={"text": "", "x": 1})
    ).status_code == 400
    redacted = await sandbox_http.patch(f"{user}/messages/{message_id}", json={"text": ""})
    assert redacted.status_code == 200
    assert (await sandbox_http.get(f"{user}/messages/{message_id}")).json()["text"] == ""
    missing = await sandbox_http.get(f"{user}/messages/m-nothere")
    assert missing.status_code == 404 and missing.json()["code"] == "message-not-found"


async def test_text_is_kept_three_days_only(
    sandbox_server: BackgroundServer,
    sandbox_http: httpx.AsyncClient,
    user: str,
    order_number: OrderNumber,
) -> None:
    sender = (await order_number())["number"]
    location = (
        await sandbox_http.post(
            f"{user}/messages", json={"from": sender, "to": "+19195551212", "text": "old"}
        )
    ).headers["location"]
    messages = sandbox_server.sandbox.collection("messages")  # type: ignore[attr-defined]
    record = messages.get(location.rsplit("/", 1)[1])
    record["time"] = "2020-01-01T00:00:00.000Z"
    messages.save(record["id"])
    got = (await sandbox_http.get(location)).json()
    assert "text" not in got and got["from"] == sender

"""Bridges in the sandbox: real calls bridged, held, spoken to, re-wired and hung up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from bridge_helpers import active_call, hang_up
from conftest import CallbackReceiver

from bwconsole.servers import BackgroundServer


@pytest.fixture
async def caller(order_number: Callable[..., Awaitable[dict[str, Any]]]) -> str:
    """An owned number to call from."""
    return str((await order_number())["number"])


async def create_bridge(http: httpx.AsyncClient, user: str, body: dict[str, Any]) -> str:
    response = await http.post(f"{user}/bridges", json=body)
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


async def state_of(http: httpx.AsyncClient, user: str, bridge_id: str) -> str:
    return str((await http.get(f"{user}/bridges/{bridge_id}")).json()["state"])


async def test_bridge_of_two_calls_from_create_to_hangup(
    sandbox_server: BackgroundServer,
    sandbox_http: httpx.AsyncClient,
    user: str,
    caller: str,
    callback_receiver: CallbackReceiver,
) -> None:
    calls_url = callback_receiver.url + "/calls"
    first = await active_call(sandbox_http, user, caller, 1, calls_url)
    second = await active_call(sandbox_http, user, caller, 2, calls_url)

    response = await sandbox_http.post(
        f"{user}/bridges", json={"bridgeAudio": "true", "callIds": [first, second]}
    )
    assert response.status_code == 201
    location = response.headers["location"]
    assert location.startswith(f"{sandbox_server.url}/v1{user}/bridges/brg-")
    bridge_id = location.rsplit("/", 1)[-1]
    assert len(bridge_id) == len("brg-") + 23

    bridge = (await sandbox_http.get(f"{user}/bridges/{bridge_id}")).json()
    assert bridge["id"] == bridge_id
    assert bridge["state"] == "active"
    assert bridge["bridgeAudio"] is True
    assert bridge["callIds"] == [first, second]
    assert bridge["calls"] == f"{sandbox_server.url}/v1{user}/bridges/{bridge_id}/calls"
    assert bridge["createdTime"] <= bridge["activatedTime"]
    assert "completedTime" not in bridge

    calls = (await sandbox_http.get(f"{user}/bridges/{bridge_id}/calls")).json()
    assert [c["id"] for c in calls] == [first, second]
    assert all(c["bridgeId"] == bridge_id and c["state"] == "active" for c in calls)
    assert {c["bridge"] for c in calls} == {location}

    # Hold, then bridge the audio again.
    response = await sandbox_http.post(f"{user}/bridges/{bridge_id}", json={"bridgeAudio": False})
    assert response.status_code == 200
    held = (await sandbox_http.get(f"{user}/bridges/{bridge_id}")).json()
    assert (held["state"], held["bridgeAudio"]) == ("hold", False)
    await sandbox_http.post(f"{user}/bridges/{bridge_id}", json={"bridgeAudio": "true"})
    assert await state_of(sandbox_http, user, bridge_id) == "active"

    # Speaking into the bridge gives each call its own speak events.
    response = await sandbox_http.post(
        f"{user}/bridges/{bridge_id}/audio", json={"sentence": "Hello, bridged callers"}
    )
    assert response.status_code == 200

    def speak_events() -> list[dict[str, Any]]:
        return [e for e in callback_receiver.events("/calls") if e["eventType"] == "speak"]

    await callback_receiver.wait_for(lambda _: len(speak_events()) == 4)
    for call_id in (first, second):
        mine = [e for e in speak_events() if e["callId"] == call_id]
        assert [e["status"] for e in mine] == ["started", "done"]
        assert mine[0]["callUri"] == f"{sandbox_server.url}/v1{user}/calls/{call_id}"
        assert mine[0]["time"] <= mine[1]["time"]

    # Replacing the calls: the second call leaves (and stays up), a third joins.
    third = await active_call(sandbox_http, user, caller, 3, calls_url)
    response = await sandbox_http.post(
        f"{user}/bridges/{bridge_id}", json={"callIds": [first, third]}
    )
    assert response.status_code == 200
    bridge = (await sandbox_http.get(f"{user}/bridges/{bridge_id}")).json()
    assert (bridge["callIds"], bridge["state"]) == ([first, third], "active")
    left = (await sandbox_http.get(f"{user}/calls/{second}")).json()
    assert "bridgeId" not in left and left["state"] == "active"

    # The bridge completes once all its calls have hung up.
    await hang_up(sandbox_http, user, first)
    assert await state_of(sandbox_http, user, bridge_id) == "active"
    await hang_up(sandbox_http, user, third)
    bridge = (await sandbox_http.get(f"{user}/bridges/{bridge_id}")).json()
    assert bridge["state"] == "completed"
    assert bridge["completedTime"] >= bridge["activatedTime"]
    listed = (await sandbox_http.get(f"{user}/bridges")).json()
    assert [(b["id"], b["state"]) for b in listed] == [(bridge_id, "completed")]
    response = await sandbox_http.post(
        f"{user}/bridges/{bridge_id}/audio", json={"sentence": "too late"}
    )
    assert (response.status_code, response.json()["code"]) == (400, "bridge-invalid-state")


async def test_removing_all_calls_completes_the_bridge(
    sandbox_http: httpx.AsyncClient, user: str, caller: str, callback_receiver: CallbackReceiver
) -> None:
    first = await active_call(sandbox_http, user, caller, 1, callback_receiver.url + "/calls")
    bridge_id = await create_bridge(sandbox_http, user, {"callIds": [first], "bridgeAudio": False})
    bridge = (await sandbox_http.get(f"{user}/bridges/{bridge_id}")).json()
    assert bridge["state"] == "hold" and "activatedTime" not in bridge

    response = await sandbox_http.post(f"{user}/bridges/{bridge_id}", json={"callIds": []})
    assert response.status_code == 200
    bridge = (await sandbox_http.get(f"{user}/bridges/{bridge_id}")).json()
    assert (bridge["state"], bridge["callIds"]) == ("completed", [])
    assert (await sandbox_http.get(f"{user}/calls/{first}")).json()["state"] == "active"

    response = await sandbox_http.post(f"{user}/bridges/{bridge_id}", json={"callIds": [first]})
    assert (response.status_code, response.json()["code"]) == (400, "bridge-invalid-state")
    # The call left the completed bridge, so it can join another one.
    await create_bridge(sandbox_http, user, {"callIds": [first]})


async def test_calls_created_with_bridge_id_join_the_bridge(
    sandbox_http: httpx.AsyncClient, user: str, caller: str, callback_receiver: CallbackReceiver
) -> None:
    bridge_id = await create_bridge(sandbox_http, user, {})
    bridge = (await sandbox_http.get(f"{user}/bridges/{bridge_id}")).json()
    assert (bridge["state"], bridge["bridgeAudio"], bridge["callIds"]) == ("created", True, [])
    assert "activatedTime" not in bridge

    calls_url = callback_receiver.url + "/calls"
    first = await active_call(sandbox_http, user, caller, 1, calls_url, bridgeId=bridge_id)
    second = await active_call(sandbox_http, user, caller, 2, calls_url, bridgeId=bridge_id)
    bridge = (await sandbox_http.get(f"{user}/bridges/{bridge_id}")).json()
    assert (bridge["state"], bridge["callIds"]) == ("active", [first, second])
    filtered = (await sandbox_http.get(f"{user}/calls", params={"bridgeId": bridge_id})).json()
    assert sorted(c["id"] for c in filtered) == sorted([first, second])
    listed = (await sandbox_http.get(f"{user}/bridges/{bridge_id}/calls")).json()
    assert all(c["bridge"].endswith(f"/bridges/{bridge_id}") for c in listed)


async def test_bridge_errors_use_the_documented_codes(
    sandbox_http: httpx.AsyncClient, user: str, caller: str, callback_receiver: CallbackReceiver
) -> None:
    calls_url = callback_receiver.url + "/calls"
    ids = [await active_call(sandbox_http, user, caller, n, calls_url) for n in (1, 2, 3)]

    response = await sandbox_http.post(f"{user}/bridges", json={"callIds": ids})
    assert response.status_code == 403
    body = response.json()
    assert (body["code"], body["category"]) == ("bridge-callIds-overflow", "forbidden")
    assert {"name": "requestMethod", "value": "POST"} in body["details"]
    assert (await sandbox_http.get(f"{user}/bridges")).json() == []

    await create_bridge(sandbox_http, user, {"callIds": ids[:2]})
    response = await sandbox_http.post(f"{user}/bridges", json={"callIds": [ids[0]]})
    assert (response.status_code, response.json()["code"]) == (400, "bridge-bridged-callId")
    assert ids[0] in response.json()["message"]

    cases: list[tuple[object, int, str]] = [
        ({"callIds": ["c-doesnotexist00000000000000"]}, 403, "call-id-not-found"),
        ({"callIds": "not-a-list"}, 400, "validation-error"),
        ({"callIds": [ids[2], ids[2]]}, 400, "validation-error"),
        ({"bridgeAudio": "maybe"}, 400, "validation-error"),
        ([1, 2], 400, "validation-error"),
    ]
    for sent, status, code in cases:
        response = await sandbox_http.post(f"{user}/bridges", json=sent)
        assert (response.status_code, response.json()["code"]) == (status, code), sent
    response = await sandbox_http.post(
        f"{user}/bridges", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400

    response = await sandbox_http.get(f"{user}/bridges/brg-unknown")
    assert (response.status_code, response.json()["code"]) == (404, "bridge-not-found")

    await hang_up(sandbox_http, user, ids[2])
    response = await sandbox_http.post(f"{user}/bridges", json={"callIds": [ids[2]]})
    assert (response.status_code, response.json()["code"]) == (403, "call-invalid-state")

    empty = await create_bridge(sandbox_http, user, {})
    response = await sandbox_http.post(
        f"{user}/bridges/{empty}/audio", json={"sentence": "anyone?"}
    )
    assert (response.status_code, response.json()["code"]) == (400, "bridge-invalid-operation")
    response = await sandbox_http.post(
        f"{user}/bridges/{empty}/audio", json={"sentence": "hi", "gender": "robot"}
    )
    assert response.status_code == 400


async def test_bridges_list_pages(sandbox_http: httpx.AsyncClient, user: str) -> None:
    made = [await create_bridge(sandbox_http, user, {}) for _ in range(3)]
    response = await sandbox_http.get(f"{user}/bridges", params={"size": 2})
    assert [b["id"] for b in response.json()] == made[:2]
    assert "page=1" in response.headers["link"]
    response = await sandbox_http.get(f"{user}/bridges", params={"size": 2, "page": 1})
    assert [b["id"] for b in response.json()] == made[2:]
    assert "link" not in response.headers

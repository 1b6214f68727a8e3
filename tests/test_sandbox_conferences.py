"""Conferences in the sandbox: members join, are muted, held, spoken to, leave, and it completes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from bridge_helpers import NEVER_ANSWERS, active_call, events_at, hang_up
from conftest import CallbackReceiver

from bwconsole.sandbox.conferences import MAX_MEMBERS
from bwconsole.servers import BackgroundServer

HOST = "+19195550100"


@pytest.fixture
async def caller(order_number: Callable[..., Awaitable[dict[str, Any]]]) -> str:
    """An owned number to call from."""
    return str((await order_number())["number"])


async def create_conference(http: httpx.AsyncClient, user: str, **body: Any) -> str:
    response = await http.post(f"{user}/conferences", json={"from": HOST, **body})
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


async def add_member(http: httpx.AsyncClient, user: str, conf: str, call_id: str) -> str:
    response = await http.post(
        f"{user}/conferences/{conf}/members",
        json={"callId": call_id, "joinTone": "false", "leavingTone": "false"},
    )
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def member_view(event: dict[str, Any]) -> tuple[Any, ...]:
    return (event["memberId"], event["state"], event["activeMembers"], event["mute"], event["hold"])


async def test_conference_with_three_members(
    sandbox_server: BackgroundServer,
    sandbox_http: httpx.AsyncClient,
    user: str,
    caller: str,
    callback_receiver: CallbackReceiver,
) -> None:
    base = f"{sandbox_server.url}/v1{user}"
    response = await sandbox_http.post(
        f"{user}/conferences",
        json={
            "from": HOST,
            "callbackUrl": callback_receiver.url + "/conf",
            "callbackTimeout": "2000",
        },
    )
    assert response.status_code == 201
    conf = response.headers["location"].rsplit("/", 1)[-1]
    assert response.headers["location"] == f"{base}/conferences/{conf}"
    got = (await sandbox_http.get(f"{user}/conferences/{conf}")).json()
    assert got["state"] == "created" and got["activeMembers"] == 0
    assert got["from"] == HOST and got["profile"] == "interpret_digits"
    assert (got["hold"], got["mute"], got["callbackTimeout"]) == (False, False, 2000)
    assert got["callbackHttpMethod"] == "POST" and "completedTime" not in got

    calls = [
        await active_call(
            sandbox_http, user, caller, n, callback_receiver.url + "/calls", conferenceId=conf
        )
        for n in (1, 2, 3)
    ]
    members = [await add_member(sandbox_http, user, conf, call_id) for call_id in calls]
    assert all(m.startswith("cm-") for m in members)
    got = (await sandbox_http.get(f"{user}/conferences/{conf}")).json()
    assert (got["state"], got["activeMembers"]) == ("active", 3)
    member = (await sandbox_http.get(f"{user}/conferences/{conf}/members/{members[0]}")).json()
    assert member == {
        "id": members[0],
        "state": "active",
        "joinTone": False,
        "leavingTone": False,
        "mute": False,
        "hold": False,
        "addedTime": member["addedTime"],
        "call": f"{base}/calls/{calls[0]}",
    }

    one = f"{user}/conferences/{conf}/members/"
    assert (await sandbox_http.post(one + members[0], json={"mute": "true"})).status_code == 200
    assert (await sandbox_http.post(one + members[1], json={"hold": True})).status_code == 200
    # Changing only a tone sends no member event.
    assert (
        await sandbox_http.post(one + members[1], json={"leavingTone": True})
    ).status_code == 200

    response = await sandbox_http.post(
        f"{user}/conferences/{conf}/audio", json={"sentence": "Welcome everyone", "tag": "w"}
    )
    assert response.status_code == 200
    await events_at(callback_receiver, "/conf", 8)

    # Audio to one member is that call's own speak events, not the conference's.
    before = len(callback_receiver.events("/calls"))
    response = await sandbox_http.post(
        one + members[2] + "/audio", json={"sentence": "Only for you", "tag": "private"}
    )
    assert response.status_code == 200

    def speak_events() -> list[dict[str, Any]]:
        later = callback_receiver.events("/calls")[before:]
        return [e for e in later if e["eventType"] == "speak"]

    await callback_receiver.wait_for(lambda _: len(speak_events()) == 2)
    speak = speak_events()
    assert [(e["callId"], e["status"], e["tag"]) for e in speak] == [
        (calls[2], "started", "private"),
        (calls[2], "done", "private"),
    ]

    # Leaving: removed by the API, then by hanging up; the last one completes it.
    assert (
        await sandbox_http.post(one + members[2], json={"state": "completed"})
    ).status_code == 200
    await hang_up(sandbox_http, user, calls[0])
    await events_at(callback_receiver, "/conf", 10)
    await hang_up(sandbox_http, user, calls[1])
    events = await events_at(callback_receiver, "/conf", 12)

    assert [e["eventType"] for e in events] == [
        "conference",
        *["conference-member"] * 5,
        "conference-speak",
        "conference-speak",
        *["conference-member"] * 3,
        "conference",
    ]
    created, completed = events[0], events[-1]
    assert created == {
        "eventType": "conference",
        "conferenceId": conf,
        "conferenceUri": f"{base}/conferences/{conf}",
        "status": "created",
        "createdTime": got["createdTime"],
    }
    assert completed["status"] == "completed"
    assert completed["createdTime"] <= completed["completedTime"]
    assert [member_view(e) for e in events[1:6]] == [
        (members[0], "active", 1, False, False),
        (members[1], "active", 2, False, False),
        (members[2], "active", 3, False, False),
        (members[0], "active", 3, True, False),
        (members[1], "active", 3, False, True),
    ]
    assert [member_view(e) for e in events[8:11]] == [
        (members[2], "completed", 2, False, False),
        (members[0], "completed", 1, True, False),
        (members[1], "completed", 0, False, True),
    ]
    join = events[1]
    assert set(join) == {
        "eventType",
        "activeMembers",
        "conferenceId",
        "callId",
        "memberId",
        "memberUri",
        "state",
        "hold",
        "mute",
        "time",
    }
    assert join["callId"] == calls[0]
    assert join["memberUri"] == f"{base}/conferences/{conf}/members/{members[0]}"
    assert [(e["status"], e["tag"]) for e in events[6:8]] == [("started", "w"), ("done", "w")]
    assert events[6]["conferenceUri"] == f"{base}/conferences/{conf}"

    got = (await sandbox_http.get(f"{user}/conferences/{conf}")).json()
    assert (got["state"], got["activeMembers"]) == ("completed", 0)
    assert got["completedTime"] == completed["completedTime"]
    listed = (await sandbox_http.get(f"{user}/conferences/{conf}/members")).json()
    assert [m["id"] for m in listed] == members
    assert all(m["state"] == "completed" and m["removedTime"] >= m["addedTime"] for m in listed)
    # Removing a member does not hang up its call.
    assert (await sandbox_http.get(f"{user}/calls/{calls[2]}")).json()["state"] == "active"

    response = await sandbox_http.post(
        f"{user}/conferences/{conf}/members", json={"callId": calls[2]}
    )
    assert (response.status_code, response.json()["code"]) == (403, "conference-error")
    response = await sandbox_http.post(f"{user}/conferences/{conf}", json={"mute": True})
    assert (response.status_code, response.json()["code"]) == (403, "conference-error")
    # Ending it again is idempotent (SDKs do it in cleanup) and changes nothing.
    response = await sandbox_http.post(f"{user}/conferences/{conf}", json={"state": "completed"})
    assert (response.status_code, response.content) == (200, b"")
    got = (await sandbox_http.get(f"{user}/conferences/{conf}")).json()
    assert got["completedTime"] == completed["completedTime"]


async def test_terminating_a_conference_removes_its_members(
    sandbox_http: httpx.AsyncClient,
    user: str,
    caller: str,
    callback_receiver: CallbackReceiver,
) -> None:
    conf = await create_conference(
        sandbox_http,
        user,
        callbackUrl=callback_receiver.url + "/conf",
        callbackHttpMethod="GET",
        tag="t1",
    )
    calls = [
        await active_call(
            sandbox_http, user, caller, n, callback_receiver.url + "/calls", conferenceId=conf
        )
        for n in (1, 2)
    ]
    for call_id in calls:
        await add_member(sandbox_http, user, conf, call_id)
    response = await sandbox_http.post(
        f"{user}/conferences/{conf}", json={"hold": "true", "state": "completed"}
    )
    assert response.status_code == 200
    events = await events_at(callback_receiver, "/conf", 6)
    # GET callbacks carry every field as a query string.
    assert [(e["eventType"], e.get("state") or e.get("status")) for e in events] == [
        ("conference", "created"),
        ("conference-member", "active"),
        ("conference-member", "active"),
        ("conference-member", "completed"),
        ("conference-member", "completed"),
        ("conference", "completed"),
    ]
    assert [e["activeMembers"] for e in events[1:5]] == ["1", "2", "1", "0"]
    assert all(e["tag"] == "t1" for e in (events[0], events[-1]))
    got = (await sandbox_http.get(f"{user}/conferences/{conf}")).json()
    assert (got["state"], got["hold"], got["tag"]) == ("completed", True, "t1")


async def test_member_limit_and_invalid_calls(
    sandbox_http: httpx.AsyncClient,
    user: str,
    caller: str,
    callback_receiver: CallbackReceiver,
) -> None:
    conf = await create_conference(sandbox_http, user)
    other = await create_conference(sandbox_http, user)
    members = f"{user}/conferences/{conf}/members"
    calls_url = callback_receiver.url + "/calls"

    plain = await active_call(sandbox_http, user, caller, 90, calls_url)
    elsewhere = await active_call(sandbox_http, user, caller, 91, calls_url, conferenceId=other)
    for call_id in (plain, elsewhere):
        response = await sandbox_http.post(members, json={"callId": call_id})
        assert (response.status_code, response.json()["code"]) == (
            403,
            "invalid-call-conference-id",
        )
    response = await sandbox_http.post(members, json={"callId": "c-nosuchcall0000000000000000"})
    assert (response.status_code, response.json()["code"]) == (403, "call-id-not-found")
    response = await sandbox_http.post(members, json={})
    assert response.status_code == 400

    # A call that has not been answered yet cannot join.
    ringing = await sandbox_http.post(
        f"{user}/calls",
        json={"from": caller, "to": NEVER_ANSWERS, "conferenceId": conf},
    )
    ringing_id = ringing.headers["location"].rsplit("/", 1)[-1]
    response = await sandbox_http.post(members, json={"callId": ringing_id})
    assert (response.status_code, response.json()["code"]) == (403, "invalid-call-conference-id")

    joined = []
    for n in range(MAX_MEMBERS):
        call_id = await active_call(sandbox_http, user, caller, n, calls_url, conferenceId=conf)
        joined.append(await add_member(sandbox_http, user, conf, call_id))
    response = await sandbox_http.post(members, json={"callId": call_id})
    assert (response.status_code, response.json()["code"]) == (403, "invalid-call-conference-id")
    extra = await active_call(sandbox_http, user, caller, 99, calls_url, conferenceId=conf)
    response = await sandbox_http.post(members, json={"callId": extra})
    assert response.status_code == 403
    assert (response.json()["code"], response.json()["category"]) == (
        "conference-max-members",
        "limit",
    )
    # Once a member leaves there is room again.
    await sandbox_http.post(f"{members}/{joined[0]}", json={"state": "completed"})
    assert (await sandbox_http.post(members, json={"callId": extra})).status_code == 201


async def test_conference_validation_errors(sandbox_http: httpx.AsyncClient, user: str) -> None:
    bad_bodies: list[dict[str, Any]] = [
        {},
        {"from": "919"},
        {"from": HOST, "profile": "karaoke"},
        {"from": HOST, "callbackUrl": "ftp://x"},
        {"from": HOST, "callbackUrl": "http://x.test", "callbackTimeout": 20000},
        {"from": HOST, "callbackHttpMethod": "PUT"},
        {"from": HOST, "fallbackUrl": "http://x.test"},
    ]
    for body in bad_bodies:
        response = await sandbox_http.post(f"{user}/conferences", json=body)
        assert response.status_code == 400, body
        assert set(response.json()) == {"category", "code", "message", "details"}

    conf = await create_conference(sandbox_http, user)
    response = await sandbox_http.post(f"{user}/conferences/{conf}", json={"state": "active"})
    assert response.status_code == 400
    response = await sandbox_http.post(
        f"{user}/conferences/{conf}/audio", json={"sentence": "x" * 1001}
    )
    assert response.status_code == 400
    response = await sandbox_http.get(f"{user}/conferences/conf-nope")
    assert (response.status_code, response.json()["code"]) == (404, "conference-not-found")
    response = await sandbox_http.get(f"{user}/conferences/{conf}/members/cm-nope")
    assert (response.status_code, response.json()["code"]) == (404, "conference-member-not-found")
    assert (await sandbox_http.get(f"{user}/conferences/{conf}/members")).json() == []

    # An empty conference can be terminated, and then not reused.
    response = await sandbox_http.post(f"{user}/conferences/{conf}", json={"state": "completed"})
    assert response.status_code == 200
    response = await sandbox_http.post(
        f"{user}/conferences/{conf}/audio", json={"sentence": "hello"}
    )
    assert (response.status_code, response.json()["code"]) == (403, "conference-error")


async def test_looping_conference_audio_plays_until_stopped(
    sandbox_server: BackgroundServer,
    sandbox_http: httpx.AsyncClient,
    user: str,
    callback_receiver: CallbackReceiver,
) -> None:
    time_scale = sandbox_server.sandbox.clock.time_scale  # type: ignore[attr-defined]
    conf = await create_conference(sandbox_http, user, callbackUrl=callback_receiver.url + "/conf")
    audio = f"{user}/conferences/{conf}/audio"
    response = await sandbox_http.post(
        audio, json={"fileUrl": "https://example.com/hold.mp3", "loopEnabled": "true"}
    )
    assert response.status_code == 200
    await events_at(callback_receiver, "/conf", 2)
    # A looping file (3 API s a turn) is still playing after several turns...
    await asyncio.sleep(10 / time_scale)
    assert [e.get("status") for e in callback_receiver.events("/conf")] == ["created", "started"]
    # ...until an empty fileUrl stops it, which ends it with `done` at once.
    assert (await sandbox_http.post(audio, json={"fileUrl": ""})).status_code == 200
    events = await events_at(callback_receiver, "/conf", 3)
    assert [(e["eventType"], e["status"]) for e in events[1:]] == [
        ("conference-playback", "started"),
        ("conference-playback", "done"),
    ]
    assert "tag" not in events[1]

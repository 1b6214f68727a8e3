"""Voice through the client against the real sandbox: calls, gathers, recordings,
transcriptions, bridges, transfers, conferences, inbound answer/reject.

The sandbox's control routes (``/sandbox/...``) play the far end.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest

from bwconsole.api import Client
from bwconsole.servers import BackgroundServer

T = TypeVar("T")


@pytest.fixture
async def client(sandbox_server: BackgroundServer) -> AsyncIterator[Client]:
    creds = sandbox_server.sandbox.credentials  # type: ignore[attr-defined]
    async with Client(
        creds.user_id, creds.token, creds.secret, base_url=sandbox_server.url + "/v1"
    ) as api:
        yield api


@pytest.fixture
async def far_end(sandbox_server: BackgroundServer) -> AsyncIterator[httpx.AsyncClient]:
    creds = sandbox_server.sandbox.credentials  # type: ignore[attr-defined]
    async with httpx.AsyncClient(
        base_url=sandbox_server.url + "/sandbox", auth=(creds.token, creds.secret)
    ) as http:
        yield http


async def until(fetch: Callable[[], Awaitable[T]], ok: Callable[[T], bool]) -> T:
    """Poll ``fetch`` until ``ok`` holds (bounded: 5 s)."""
    async with asyncio.timeout(5):
        while True:
            value = await fetch()
            if ok(value):
                return value
            await asyncio.sleep(0.02)


async def answered_call(client: Client, far_end: httpx.AsyncClient, sender: str, **kw: Any) -> str:
    call_id = await client.calls.create(from_=sender, to="+19195550123", **kw)
    (await far_end.post(f"/calls/{call_id}/answer")).raise_for_status()
    await until(lambda: client.calls.get(call_id), lambda c: c.state == "active")
    return call_id


@pytest.fixture
async def sender(client: Client) -> str:
    (ordered,) = await client.available_numbers.order_local(area_code="919", quantity=1)
    assert ordered.number is not None
    return ordered.number


async def test_call_audio_dtmf_gather_and_history(
    client: Client, far_end: httpx.AsyncClient, sender: str
) -> None:
    call_id = await answered_call(client, far_end, sender, tag="demo")
    await client.calls.play_audio(call_id, sentence="Hello", voice="Susan", loop_enabled=False)
    await client.calls.stop_audio(call_id)
    await client.calls.send_dtmf(call_id, "12w3")

    gather_id = await client.calls.create_gather(call_id, max_digits=3, tag="pin")
    assert (await client.calls.get_gather(call_id, gather_id)).state == "started"
    (await far_end.post(f"/calls/{call_id}/dtmf", json={"digits": "12#"})).raise_for_status()
    gather = await until(
        lambda: client.calls.get_gather(call_id, gather_id), lambda g: g.state == "completed"
    )
    assert (gather.digits, gather.tag) == ("12", "pin")
    second = await client.calls.create_gather(call_id, max_digits=5)
    await client.calls.stop_gather(call_id, second)
    assert (await client.calls.get_gather(call_id, second)).state == "completed"

    await client.calls.hang_up(call_id)
    assert (await client.calls.get(call_id)).state == "completed"
    events = await client.calls.list_events(call_id)
    names = [e.name for e in events]
    assert names[0] == "create" and "hangup" in names
    assert (await client.calls.get_event(call_id, events[0].id or "")).name == "create"
    assert call_id in [c.id async for c in client.calls.list(from_=sender, sort_order="asc")]


async def test_recording_and_transcription(
    client: Client, far_end: httpx.AsyncClient, sender: str
) -> None:
    call_id = await answered_call(client, far_end, sender)
    await client.calls.update(call_id, recording_enabled=True, recording_file_format="wav")
    await asyncio.sleep(0.05)
    await client.calls.update(call_id, recording_enabled=False)
    (recording,) = await until(
        lambda: client.calls.list_recordings(call_id),
        lambda rs: len(rs) == 1 and rs[0].state == "complete",
    )
    assert recording.id is not None
    assert (await client.recordings.get(recording.id)).state == "complete"
    assert recording.id in [r.id async for r in client.recordings.list()]
    transcription_id = await client.transcriptions.create(recording.id)
    done = await until(
        lambda: client.transcriptions.get(recording.id or "", transcription_id),
        lambda t: t.state == "completed",
    )
    assert done.text_url
    assert [t.id for t in await client.transcriptions.list(recording.id)] == [transcription_id]
    assert [t.id for t in await client.calls.list_transcriptions(call_id)] == [transcription_id]


async def test_bridge_two_calls_then_transfer(
    client: Client, far_end: httpx.AsyncClient, sender: str
) -> None:
    first = await answered_call(client, far_end, sender)
    second = await answered_call(client, far_end, sender)
    bridge_id = await client.bridges.create(call_ids=[first, second])
    assert (await client.bridges.get(bridge_id)).state == "active"
    assert {c.id for c in await client.bridges.list_calls(bridge_id)} == {first, second}
    assert {c.id for c in await client.calls.list(bridge_id=bridge_id)} == {first, second}
    await client.bridges.play_audio(bridge_id, sentence="You are connected")
    await client.bridges.update(bridge_id, bridge_audio=False)
    assert (await client.bridges.get(bridge_id)).state == "hold"
    await client.bridges.update(bridge_id, call_ids=[])
    new_leg = await client.calls.transfer(
        second, transfer_to="+19195550999", whisper_audio={"sentence": "Transfer"}
    )
    assert new_leg is not None and new_leg.startswith("c-")
    assert (await client.calls.get(new_leg)).to == "+19195550999"


async def test_conference_members(client: Client, far_end: httpx.AsyncClient, sender: str) -> None:
    conference_id = await client.conferences.create(from_=sender)
    call_id = await answered_call(client, far_end, sender, conference_id=conference_id)
    member_id = await client.conferences.add_member(conference_id, call_id=call_id, join_tone=True)
    assert (await client.conferences.get(conference_id)).state == "active"
    assert [m.id for m in await client.conferences.list_members(conference_id)] == [member_id]
    await client.conferences.update_member(conference_id, member_id, mute=True)
    assert (await client.conferences.get_member(conference_id, member_id)).mute is True
    await client.conferences.play_audio_to_member(conference_id, member_id, sentence="Hi")
    await client.conferences.play_audio(conference_id, sentence="Welcome all")
    assert [c.id for c in await client.calls.list(conference_id=conference_id)] == [call_id]
    await client.conferences.update_member(conference_id, member_id, state="completed")
    member = await client.conferences.get_member(conference_id, member_id)
    assert member.state == "completed" and member.removed_time


async def test_inbound_calls_are_answered_or_rejected(
    client: Client, far_end: httpx.AsyncClient, sender: str
) -> None:
    app_id = await client.applications.create(
        name="in", incoming_call_url="http://127.0.0.1:9/cb", auto_answer=False
    )
    await client.phone_numbers.update(sender, application_id=app_id)

    async def inbound(caller: str) -> str:
        response = await far_end.post("/inject/call", json={"from": caller, "to": sender})
        response.raise_for_status()
        return str(response.json()["id"])

    answered = await inbound("+19195550777")
    await client.calls.answer(answered)
    assert (await client.calls.get(answered)).state == "active"
    rejected = await inbound("+19195550778")
    await client.calls.reject(rejected)
    assert (await client.calls.get(rejected)).state in ("rejected", "completed")

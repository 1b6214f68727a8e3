"""`--state FILE`: a restart keeps everything, and concurrent requests never corrupt it."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx
from conftest import CallbackReceiver

from bwconsole.sandbox.app import create_app
from bwconsole.sandbox.core import Sandbox
from bwconsole.servers import serving


def portless(value: Any) -> Any:
    """`value` with this machine's server URLs cut down to their paths."""
    return json.loads(re.sub(r"http://127\.0\.0\.1:\d+", "", json.dumps(value)))


async def run_against(state: Path, work: Any) -> Any:
    sandbox = Sandbox(state_file=state, time_scale=50, seed=7)
    async with serving(create_app(sandbox)) as server:
        creds = sandbox.credentials
        async with httpx.AsyncClient(
            base_url=f"{server.url}/v1/users/{sandbox.user_id}", auth=(creds.token, creds.secret)
        ) as client:
            return await work(client)


async def test_restart_keeps_every_resource_and_new_ids_do_not_collide(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.db"

    async def first_run(client: httpx.AsyncClient) -> dict[str, Any]:
        app = await client.post(
            "/applications", json={"name": "a", "incomingMessageUrl": "http://e.com/m"}
        )
        app_id = app.headers["location"].rsplit("/", 1)[1]
        search = str(client.base_url).split("/users/")[0] + "/availableNumbers/local"
        ordered = (await client.post(search, params={"areaCode": "919", "quantity": 2})).json()
        numbers = [n["number"] for n in ordered]
        await client.post(
            f"/phoneNumbers/{numbers[0].replace('+', '%2B')}", json={"applicationId": app_id}
        )
        message = await client.post(
            "/messages", json={"from": numbers[1], "to": "+19195551212", "text": "kept"}
        )
        domain = await client.post("/domains", json={"name": "kept"})
        await client.post(
            domain.headers["location"] + "/endpoints",
            json={"name": "ep", "credentials": {"password": "abcdef"}},
        )
        await client.put(
            "/media/file.bin", content=b"\x00\x01bytes", headers={"Content-Type": "image/png"}
        )
        await client.get("/applications/a-missing")
        await asyncio.sleep(0.1)  # let the message reach "sent"
        return {
            "applications": (await client.get("/applications")).json(),
            "phoneNumbers": (await client.get("/phoneNumbers")).json(),
            "message": (await client.get(message.headers["location"])).json(),
            "domains": (await client.get("/domains")).json(),
            "endpoints": (await client.get(domain.headers["location"] + "/endpoints")).json(),
            "media": (await client.get("/media")).json(),
            "errors": (await client.get("/errors")).json(),
            "account": (await client.get("/account")).json(),
            "transactions": (await client.get("/account/transactions")).json(),
        }

    before = await run_against(state, first_run)
    assert before["message"]["state"] == "sent"

    async def second_run(client: httpx.AsyncClient) -> dict[str, Any]:
        domain = before["domains"][0]["id"]
        after = {
            "applications": (await client.get("/applications")).json(),
            "phoneNumbers": (await client.get("/phoneNumbers")).json(),
            "message": (await client.get(f"/messages/{before['message']['id']}")).json(),
            "domains": (await client.get("/domains")).json(),
            "endpoints": (await client.get(f"/domains/{domain}/endpoints")).json(),
            "media": (await client.get("/media")).json(),
            "errors": (await client.get("/errors")).json(),
            "account": (await client.get("/account")).json(),
            "transactions": (await client.get("/account/transactions")).json(),
        }
        after["bytes"] = (await client.get(after["media"][0]["content"])).content
        new_app = await client.post(
            "/applications", json={"name": "b", "incomingCallUrl": "http://e.com/c"}
        )
        after["new_app"] = new_app.headers["location"].rsplit("/", 1)[1]
        return after

    after = await run_against(state, second_run)
    for key in before:  # URLs name the new server (another port); everything else is equal
        assert portless(after[key]) == portless(before[key]), key
    assert after["bytes"] == b"\x00\x01bytes"
    assert after["new_app"] not in {a["id"] for a in before["applications"]}


async def test_concurrent_creates_all_persist(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.db"

    async def burst(client: httpx.AsyncClient) -> list[str]:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/applications", json={"name": f"app{i}", "incomingCallUrl": "http://e.com/c"}
                )
                for i in range(40)
            )
        )
        assert all(r.status_code == 201 for r in responses)
        return sorted(r.headers["location"].rsplit("/", 1)[1] for r in responses)

    created = await run_against(state, burst)
    assert len(set(created)) == 40

    async def listing(client: httpx.AsyncClient) -> list[str]:
        return sorted(
            a["id"] for a in (await client.get("/applications", params={"size": 100})).json()
        )

    assert await run_against(state, listing) == created


async def test_seed_gives_a_realistic_account_once(tmp_path: Path) -> None:
    from bwconsole.sandbox.seed import seed

    state = tmp_path / "seeded.db"
    sandbox = Sandbox(state_file=state, time_scale=50, seed=9)
    summary = seed(sandbox, relay_url="http://127.0.0.1:8765/callbacks/demo")
    await sandbox.aclose()
    assert summary["seeded"] is True and len(summary["numbers"]) == 3

    async def look(client: httpx.AsyncClient) -> dict[str, Any]:
        domain = summary["domainId"]
        return {
            "numbers": (await client.get("/phoneNumbers")).json(),
            "app": (await client.get(f"/applications/{summary['applicationId']}")).json(),
            "endpoint": (
                await client.get(f"/domains/{domain}/endpoints/{summary['endpointId']}")
            ).json(),
            "messages": (await client.get("/messages")).json(),
        }

    seen = await run_against(state, look)
    assert [n["number"] for n in seen["numbers"]] == summary["numbers"]
    assert [n.get("applicationId") for n in seen["numbers"]] == [summary["applicationId"]] * 2 + [
        None
    ]
    assert seen["app"]["incomingMessageUrl"] == "http://127.0.0.1:8765/callbacks/demo"
    assert seen["endpoint"]["sipUri"] == summary["sipUri"] and seen["endpoint"]["enabled"] is True
    assert {m["direction"] for m in seen["messages"]} == {"in", "out"}
    assert {m["state"] for m in seen["messages"]} == {"received", "sent"}
    again = Sandbox(state_file=state, seed=9)
    assert seed(again, relay_url=None) == {"seeded": False}
    await again.aclose()


async def test_a_message_in_flight_at_shutdown_is_delivered_after_the_restart(
    tmp_path: Path,
) -> None:
    state = tmp_path / "inflight.db"
    sandbox = Sandbox(state_file=state, time_scale=0.5, seed=11)  # slow: it stays queued
    async with serving(create_app(sandbox)) as server:
        creds = sandbox.credentials
        async with httpx.AsyncClient(
            base_url=f"{server.url}/v1", auth=(creds.token, creds.secret)
        ) as client:
            user = f"/users/{sandbox.user_id}"
            ordered = await client.post("/availableNumbers/local?areaCode=919&quantity=1")
            sender = ordered.json()[0]["number"]
            sent = await client.post(
                f"{user}/messages",
                json={"from": sender, "to": "+19195551212", "text": "x", "receiptRequested": "all"},
            )
            location = sent.headers["location"]
            assert (await client.get(location)).json()["state"] == "queued"

    async def finished(client: httpx.AsyncClient) -> dict[str, Any]:
        message_id = location.rsplit("/", 1)[1]
        async with asyncio.timeout(5):
            while True:
                message = (await client.get(f"/messages/{message_id}")).json()
                if message.get("deliveryState") == "delivered":
                    return message
                await asyncio.sleep(0.02)

    message = await run_against(state, finished)
    assert message["state"] == "sent" and message["deliveryCode"] == 0


async def test_a_restart_ends_live_calls_with_their_hangup_and_completes_their_conference(
    tmp_path: Path, callback_receiver: CallbackReceiver
) -> None:
    state = tmp_path / "restart.db"
    hook = f"{callback_receiver.url}/hook"

    async def first_run(client: httpx.AsyncClient) -> tuple[str, str]:
        ordered = await client.post("/../../availableNumbers/local?areaCode=919&quantity=1")
        caller = ordered.json()[0]["number"]
        created = await client.post("/conferences", json={"from": caller, "callbackUrl": hook})
        conference_id = created.headers["location"].rsplit("/", 1)[1]
        made = await client.post(
            "/calls",
            json={
                "from": caller,
                "to": "+15550011234",
                "callbackUrl": hook,
                "conferenceId": conference_id,
            },
        )
        call_id = made.headers["location"].rsplit("/", 1)[1]
        async with asyncio.timeout(5):
            while True:
                if (await client.get(f"/calls/{call_id}")).json()["state"] == "active":
                    break
                await asyncio.sleep(0.02)
        added = await client.post(f"/conferences/{conference_id}/members", json={"callId": call_id})
        assert added.status_code == 201, added.text
        return call_id, conference_id

    call_id, conference_id = await run_against(state, first_run)
    before = len(callback_receiver.events())

    async def after_restart(client: httpx.AsyncClient) -> dict[str, Any]:
        await callback_receiver.wait_for(
            lambda events: any(
                e.get("eventType") == "conference" and e.get("status") == "completed"
                for e in events[before:]
            )
        )
        return {
            "call": (await client.get(f"/calls/{call_id}")).json(),
            "conference": (await client.get(f"/conferences/{conference_id}")).json(),
            "call_events": (await client.get(f"/calls/{call_id}/events")).json(),
        }

    seen = await run_against(state, after_restart)
    assert seen["call"]["state"] == "completed"
    assert seen["conference"]["state"] == "completed"
    assert ("hangup", "SANDBOX_RESTARTED") in [
        (e["name"], e.get("data")) for e in seen["call_events"]
    ]
    await callback_receiver.wait_for(
        lambda events: any(e.get("eventType") == "hangup" for e in events[before:])
    )
    sent = callback_receiver.events()[before:]
    hangup = next(e for e in sent if e["eventType"] == "hangup")
    assert (hangup["callId"], hangup["cause"]) == (call_id, "SANDBOX_RESTARTED")
    left = [e for e in sent if e["eventType"] == "conference-member"]
    assert [(e["callId"], e["state"]) for e in left] == [(call_id, "completed")]


async def _until(client: httpx.AsyncClient, path: str, field: str, value: str) -> Any:
    async with asyncio.timeout(10):
        while True:
            found = (await client.get(path)).json()
            items = found if isinstance(found, list) else [found]
            if any(item.get(field) == value for item in items):
                return found
            await asyncio.sleep(0.02)


async def test_a_recording_made_before_a_restart_transcribes_what_was_said(
    tmp_path: Path,
) -> None:
    state = tmp_path / "spoken.db"

    async def first_run(client: httpx.AsyncClient) -> str:
        ordered = await client.post("/../../availableNumbers/local?areaCode=919&quantity=1")
        made = await client.post(
            "/calls",
            json={
                "from": ordered.json()[0]["number"],
                "to": "+15550000000",
                "recordingEnabled": "true",
            },
        )
        call_id = made.headers["location"].rsplit("/", 1)[1]
        await _until(client, f"/calls/{call_id}", "state", "active")
        said = await client.post(
            "/../../../sandbox/calls/" + call_id + "/speak", json={"sentence": "Call me back"}
        )
        assert said.status_code == 200, said.text
        await client.post(f"/calls/{call_id}", json={"state": "completed"})
        recordings = await _until(client, f"/calls/{call_id}/recordings", "state", "complete")
        return str(recordings[0]["id"])

    recording_id = await run_against(state, first_run)

    async def after_restart(client: httpx.AsyncClient) -> Any:
        asked = await client.post(f"/recordings/{recording_id}/transcriptions", json={})
        assert asked.status_code == 201, asked.text
        path = f"/recordings/{recording_id}/transcriptions"
        return await _until(client, path, "state", "completed")

    transcriptions = await run_against(state, after_restart)
    assert [t["text"] for t in transcriptions] == ["Call me back"]

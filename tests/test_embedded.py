"""`embedded()`: the sandbox and relay in-process, seeded once, callbacks flowing to the websocket."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest

from bwconsole.api import Client
from bwconsole.embedded import CHANNEL, Embedded, EmbeddedBusy, embedded
from bwconsole.live import LiveClient, LiveEvent


def client_for(env: Embedded) -> Client:
    profile = env.profile
    return Client(profile.user_id, profile.api_token, profile.api_secret, profile.api_url)


async def inject_message(env: Embedded, to: str, text: str) -> None:
    """A message from the outside world arriving on `to` (the sandbox's control route)."""
    creds = (env.profile.api_token, env.profile.api_secret)
    async with httpx.AsyncClient(auth=creds, timeout=5) as http:
        response = await http.post(
            f"{env.sandbox_url}/sandbox/inject/message",
            json={"from": "+19195550123", "to": to, "text": text},
        )
    assert response.status_code == 201, response.text


async def test_profile_reaches_the_seeded_account(tmp_path: Path) -> None:
    async with embedded(data_dir=tmp_path) as env:
        assert env.seeded["seeded"] is True
        assert env.profile.name == "sandbox"
        assert env.profile.relay_channel == CHANNEL
        assert env.profile.api_url == env.api_url
        async with client_for(env) as client:
            numbers = [n.number for n in await client.phone_numbers.list()]
            account = await client.account.get()
            (application,) = await client.applications.list()
        assert numbers == env.seeded["numbers"]
        assert account.balance is not None
        assert application.incoming_call_url == env.callbacks_url
        assert application.incoming_message_url == env.callbacks_url
        user, password = env.ingress
        assert env.callbacks_url == (
            f"http://{user}:{password}@{env.relay_url.removeprefix('http://')}/callbacks/{CHANNEL}"
        )


async def test_the_relay_ingress_wants_this_starts_credential(tmp_path: Path) -> None:
    """The ingress port is in embedded.json; without auth anyone on the machine
    could post events (and words) to the console."""
    event = {"eventType": "incomingcall", "callId": "c-1", "from": "+1", "to": "+2"}
    async with embedded(data_dir=tmp_path) as env:
        first = env.ingress
        async with httpx.AsyncClient(timeout=5) as http:
            url = f"{env.relay_url}/callbacks/{CHANNEL}"
            assert (await http.post(url, json=event)).status_code == 401
            assert (await http.post(url, json=event, auth=("sandbox", "guess"))).status_code == 401
            assert (await http.post(url, json=event, auth=first)).status_code < 300
    async with embedded(data_dir=tmp_path) as env:
        assert env.ingress != first and len(env.ingress[1]) >= 32
        async with client_for(env) as client:
            (application,) = await client.applications.list()
        assert application.incoming_call_url == env.callbacks_url  # moved to the new credential


async def test_inbound_message_callback_reaches_the_websocket(tmp_path: Path) -> None:
    async with embedded(data_dir=tmp_path) as env:
        arrived: asyncio.Queue[LiveEvent] = asyncio.Queue()
        live = LiveClient(
            env.relay_url,
            CHANNEL,
            env.profile.relay_token or "",
            state_path=env.live_state_dir,
            on_event=arrived.put_nowait,
        )
        await live.start()
        try:
            number = env.seeded["numbers"][0]
            await inject_message(env, number, "hello from outside")
            event = await asyncio.wait_for(arrived.get(), 5)
        finally:
            await live.stop()
    assert event.payload["eventType"] == "sms"
    assert event.payload["direction"] == "in"
    assert event.payload["to"] == number
    assert event.payload["text"] == "hello from outside"
    assert event.method == "POST"


async def test_restart_keeps_state_and_seeds_once(tmp_path: Path) -> None:
    async with embedded(data_dir=tmp_path) as env:
        first_numbers = env.seeded["numbers"]
        await inject_message(env, first_numbers[0], "kept across restarts")
        old_relay_port = int(env.relay_url.rsplit(":", 1)[1])

    # Someone else took the relay's port meanwhile: the new relay must move and
    # the application must follow it.
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", old_relay_port))
        squatter.listen()
        async with embedded(data_dir=tmp_path) as env:
            assert env.seeded == {"seeded": False}
            assert not env.relay_url.endswith(f":{old_relay_port}")
            async with client_for(env) as client:
                numbers = [n.number for n in await client.phone_numbers.list()]
                texts = [m.text for m in await client.messages.list()]
                applications = await client.applications.list()
            assert numbers == first_numbers
            assert "kept across restarts" in texts
            assert len(applications) == 1
            assert applications[0].incoming_message_url == env.callbacks_url


async def test_fresh_starts_from_a_newly_seeded_account(tmp_path: Path) -> None:
    async with embedded(data_dir=tmp_path) as env:
        await inject_message(env, env.seeded["numbers"][0], "forgotten with --fresh")
    async with embedded(data_dir=tmp_path, fresh=True) as env:
        assert env.seeded["seeded"] is True
        async with client_for(env) as client:
            texts = [m.text for m in await client.messages.list()]
            applications = await client.applications.list()
    assert "forgotten with --fresh" not in texts
    assert texts  # the seeded history is back
    assert len(applications) == 1


async def test_a_second_start_on_the_same_directory_is_refused(tmp_path: Path) -> None:
    async with embedded(data_dir=tmp_path) as env:
        with pytest.raises(EmbeddedBusy, match="another bwconsole is running the sandbox"):
            async with embedded(data_dir=tmp_path, fresh=True):
                pass
        async with client_for(env) as client:  # the first one is untouched, --fresh included
            assert len(await client.phone_numbers.list()) == len(env.seeded["numbers"])
    async with embedded(data_dir=tmp_path) as env:  # released on exit
        assert env.seeded == {"seeded": False}

"""The client against the real sandbox on a loopback uvicorn, one flow per resource family.

These complement the request-shape table: here the wire format is judged by a
v1 emulator, over real sockets, with real paging, errors and rate limits.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bwconsole.api import ApiError, Client, Exchange
from bwconsole.servers import BackgroundServer


@pytest.fixture
def log() -> list[Exchange]:
    return []


@pytest.fixture
async def client(sandbox_server: BackgroundServer, log: list[Exchange]) -> AsyncIterator[Client]:
    creds = sandbox_server.sandbox.credentials  # type: ignore[attr-defined]
    async with Client(
        creds.user_id,
        creds.token,
        creds.secret,
        base_url=sandbox_server.url + "/v1",
        timeout=10.0,
        on_exchange=log.append,
    ) as api:
        yield api


def sandbox_of(server: BackgroundServer) -> Any:
    return server.sandbox  # type: ignore[attr-defined]


async def own_number(client: Client) -> str:
    (ordered,) = await client.available_numbers.order_local(area_code="919", quantity=1)
    assert ordered.number is not None
    return ordered.number


async def test_wrong_credentials_are_an_api_error(sandbox_server: BackgroundServer) -> None:
    creds = sandbox_of(sandbox_server).credentials
    async with Client(
        creds.user_id, creds.token, "wrong", base_url=sandbox_server.url + "/v1"
    ) as c:
        with pytest.raises(ApiError) as info:
            await c.account.get()
    assert info.value.status in (401, 403)


async def test_account(client: Client) -> None:
    account = await client.account.get()
    assert account.account_type in ("pre-pay", "post-pay")
    assert float(account.balance or "0") > 0
    transactions = await client.account.transactions(type="credit")
    assert transactions and all(t.type == "credit" for t in transactions)


async def test_applications_lifecycle(client: Client) -> None:
    app_id = await client.applications.create(
        name="demo", incoming_call_url="https://example.com/call", auto_answer=False
    )
    assert (await client.applications.get(app_id)).auto_answer is False
    await client.applications.update(app_id, name="renamed")
    assert (await client.applications.get(app_id)).name == "renamed"
    assert app_id in [a.id async for a in client.applications.list(size=1)]
    await client.applications.delete(app_id)
    with pytest.raises(ApiError) as info:
        await client.applications.get(app_id)
    assert info.value.status == 404


async def test_numbers_search_order_manage_release(client: Client) -> None:
    local = await client.available_numbers.search_local(area_code="919", quantity=2)
    assert len(local) == 2 and all(n.number and n.number.startswith("+1919") for n in local)
    assert await client.available_numbers.search_toll_free(quantity=1)
    (toll_free,) = await client.available_numbers.order_toll_free(quantity=1)
    assert toll_free.id and toll_free.id.startswith("n-")

    number = local[0].number
    assert number is not None
    number_id = await client.phone_numbers.order(number=number, name="main")
    app_id = await client.applications.create(name="a", incoming_message_url="https://x/m")
    await client.phone_numbers.update(number, application_id=app_id)
    by_number = await client.phone_numbers.get(number)
    assert (by_number.id, by_number.application_id) == (number_id, app_id)
    linked = await client.phone_numbers.list(application_id=app_id)
    assert [n.id for n in linked] == [number_id]
    await client.phone_numbers.delete(number_id)
    with pytest.raises(ApiError):
        await client.phone_numbers.get(number_id)
    imported = await client.phone_numbers.import_number(
        number="+19195550042", account_id="9900001", user_name="dash", password="pw", name="ported"
    )
    assert (await client.phone_numbers.get(imported)).name == "ported"
    info = await client.number_info.get("+19195551212")
    assert info.number == "+19195551212"


async def test_messages_send_page_and_redact(client: Client) -> None:
    sender = await own_number(client)
    first = await client.messages.send(from_=sender, to="+19195550100", text="one")
    results = await client.messages.send_batch(
        [
            {"from_": sender, "to": "+19195550101", "text": "two"},
            {"from_": sender, "to": "+19195550102", "text": "three"},
        ]
    )
    assert [r.accepted for r in results] == [True, True]
    listed = [m.id async for m in client.messages.list(from_=sender, size=1)]
    assert sorted(listed) == sorted([first, *(r.id for r in results)])
    await client.messages.redact(first)
    assert not (await client.messages.get(first)).text


async def test_media_streams_over_a_real_socket(client: Client, tmp_path: Path) -> None:
    source = tmp_path / "in.wav"
    source.write_bytes(bytes(range(256)) * 12_000)  # ~3 MB
    seen: list[int] = []
    await client.media.upload(
        "clip one.wav", source, content_type="audio/wav", on_progress=lambda d, t: seen.append(d)
    )
    assert seen[-1] == source.stat().st_size and len(seen) > 1
    (listed,) = [m for m in await client.media.list() if m.media_name == "clip one.wav"]
    assert listed.content_length == source.stat().st_size
    dest = tmp_path / "out.wav"
    await client.media.download("clip one.wav", dest)
    assert (
        hashlib.sha256(dest.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
    )
    await client.media.delete("clip one.wav")
    with pytest.raises(ApiError) as info:
        await client.media.download("clip one.wav", tmp_path / "gone.wav")
    assert info.value.status == 404


async def test_domains_and_endpoints(client: Client) -> None:
    domain_id = await client.domains.create(name="office", description="HQ")
    assert (await client.domains.get(domain_id)).name == "office"
    endpoint_id = await client.endpoints.create(domain_id, name="jsmith", password="s3cret!")
    endpoint = await client.endpoints.get(domain_id, endpoint_id)
    assert endpoint.credentials is not None and endpoint.credentials.username == "jsmith"
    await client.endpoints.update(domain_id, endpoint_id, enabled=False)
    assert (await client.endpoints.get(domain_id, endpoint_id)).enabled is False
    assert [e.id async for e in client.endpoints.list(domain_id)] == [endpoint_id]
    token = await client.endpoints.create_token(domain_id, endpoint_id)
    assert token.token
    await client.endpoints.delete(domain_id, endpoint_id)
    await client.domains.delete(domain_id)
    assert domain_id not in [d.id for d in await client.domains.list()]


async def test_refused_requests_are_recorded_as_user_errors(client: Client) -> None:
    with pytest.raises(ApiError) as info:
        await client.messages.get("m-doesnotexist")
    recorded = await client.errors.list()
    assert any(e.code == info.value.code for e in recorded)
    one = await client.errors.get(recorded[0].id or "")
    assert one.code == recorded[0].code


async def test_bridges_and_conferences_without_calls(client: Client) -> None:
    bridge_id = await client.bridges.create(bridge_audio=True)
    assert (await client.bridges.get(bridge_id)).state == "created"
    assert bridge_id in [b.id async for b in client.bridges.list()]
    assert await client.bridges.list_calls(bridge_id) == []
    sender = await own_number(client)
    conference_id = await client.conferences.create(from_=sender, tag="standup")
    conference = await client.conferences.get(conference_id)
    assert (conference.state, conference.tag) == ("created", "standup")
    assert await client.conferences.list_members(conference_id) == []
    await client.conferences.update(conference_id, state="completed")
    assert (await client.conferences.get(conference_id)).state == "completed"


async def test_rate_limits_are_waited_out(
    client: Client, sandbox_server: BackgroundServer, log: list[Exchange]
) -> None:
    sandbox_of(sandbox_server).rate_limits = True
    for _ in range(3):
        await client.applications.list()
    statuses = [e.status for e in log]
    assert statuses.count(200) == 3
    assert 429 in statuses, statuses

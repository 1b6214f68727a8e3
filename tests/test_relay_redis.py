"""Several relay instances on one Redis: one order for every console, BXML answered anywhere, restarts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import redis.asyncio as aioredis
from websockets.asyncio.client import ClientConnection

from bwconsole.relay import DEFAULT_FALLBACK_BXML
from bwconsole.servers import BackgroundServer

# the *_fixture imports register the Redis fixtures in this module
from tests.redis_helpers import (  # noqa: F401
    RedisServer,
    own_redis_fixture,
    redis_url_fixture,
    shared_redis_fixture,
)
from tests.relay_helpers import CALLBACK, console, next_frame, relay_server

ANSWER = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>'
QUERY = "eventType=incomingcall&callId=c-1&from=%2B19195551212&to=%2B13865551212"


@contextlib.asynccontextmanager
async def two_relays(url: str, **options: object) -> AsyncIterator[tuple[BackgroundServer, ...]]:
    async with relay_server(store=url, **options) as a, relay_server(store=url, **options) as b:
        yield a, b


async def live(ws: ClientConnection, via: BackgroundServer, channel: str) -> None:
    """Post one callback through `via` and wait until `ws` has it: its console is in fan-out."""
    async with httpx.AsyncClient(base_url=via.url) as http:
        await http.post(f"/callbacks/{channel}", json={**CALLBACK, "callId": "c-warm-up"})
    assert (await next_frame(ws))["event"]["callId"] == "c-warm-up"


async def events(ws: ClientConnection, count: int) -> list[dict]:  # type: ignore[type-arg]
    return [await next_frame(ws, within=10) for _ in range(count)]


async def test_callbacks_posted_to_both_reach_consoles_on_both_once_in_one_order(
    redis_url: str,
) -> None:
    async with two_relays(redis_url) as (a, b):
        async with (
            console(a, "acct", "after=0") as on_a,
            console(b, "acct", "after=0") as on_b,
            httpx.AsyncClient() as http,
        ):
            await next_frame(on_a, "ping")
            await next_frame(on_b, "ping")

            async def post(i: int) -> int:
                target = (a, b)[i % 2]
                response = await http.post(
                    f"{target.url}/callbacks/acct", json={**CALLBACK, "callId": f"c-{i}"}
                )
                assert response.status_code == 200
                return int(response.json()["seq"])

            seqs = await asyncio.gather(*(post(i) for i in range(300)))
            assert sorted(seqs) == list(range(1, 301))
            got_a, got_b = await events(on_a, 300), await events(on_b, 300)
            assert [f["seq"] for f in got_a] == list(range(1, 301))
            assert got_a == got_b
            call_ids = {f["event"]["callId"] for f in got_a}
            assert call_ids == {f"c-{i}" for i in range(300)}
            for ws in (on_a, on_b):
                with pytest.raises(TimeoutError):
                    await next_frame(ws, within=0.3)


async def test_joining_mid_stream_on_the_other_instance_leaves_no_gap_at_the_seam(
    redis_url: str,
) -> None:
    async with two_relays(redis_url) as (a, b), httpx.AsyncClient(base_url=a.url) as http:
        hundred = asyncio.Event()

        async def post_all() -> None:
            for i in range(400):
                response = await http.post("/callbacks/seam", json={**CALLBACK, "callId": f"c-{i}"})
                assert response.status_code == 200
                if i == 100:
                    hundred.set()

        poster = asyncio.create_task(post_all())
        await asyncio.wait_for(hundred.wait(), 10)
        async with console(b, "seam", "after=0") as ws:
            assert not poster.done(), "the console should join while callbacks still arrive"
            frames = await events(ws, 400)
            await poster
            assert [f["seq"] for f in frames] == list(range(1, 401))
            assert [f["event"]["callId"] for f in frames] == [f"c-{i}" for i in range(400)]
            with pytest.raises(TimeoutError):
                await next_frame(ws, within=0.3)


async def test_a_console_resumes_on_the_other_instance_with_its_ack(redis_url: str) -> None:
    async with two_relays(redis_url) as (a, b), httpx.AsyncClient(base_url=a.url) as http:
        for i in range(20):
            await http.post("/callbacks/acct", json={**CALLBACK, "callId": f"c-{i}"})
        async with console(a, "acct", "after=0&subscriber=desk") as ws:
            await events(ws, 20)  # read to the end: it processed only 12 when it went away
            await ws.send(json.dumps({"type": "ack", "seq": 12}))
        async with console(b, "acct", "after=12") as ws:
            assert [f["seq"] for f in await events(ws, 8)] == list(range(13, 21))


async def test_seq_is_the_stream_id_and_retention_trims_the_stream(redis_url: str) -> None:
    async with relay_server(store=redis_url, retention=0.3) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            for i in range(3):
                await http.post("/callbacks/acct", json={**CALLBACK, "callId": f"c-{i}"})
            async with aioredis.Redis.from_url(redis_url, decode_responses=True) as client:
                entries = await client.xrange("bwrelay:{acct}:events")
                assert [entry_id for entry_id, _ in entries] == ["1-0", "2-0", "3-0"]
                assert json.loads(entries[1][1]["frame"])["seq"] == 2
                async with asyncio.timeout(5):
                    while await client.xlen("bwrelay:{acct}:events"):  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
            seq = (await http.post("/callbacks/acct", json=CALLBACK)).json()["seq"]
            assert seq == 4


async def test_a_bxml_request_at_an_instance_without_a_console_is_answered_on_the_other(
    redis_url: str,
) -> None:
    async with two_relays(redis_url) as (a, b), httpx.AsyncClient(base_url=a.url) as http:
        async with console(b, "ivr", "after=0") as ws:
            await live(ws, a, "ivr")
            pending = asyncio.create_task(http.get(f"/bxml/ivr?{QUERY}"))
            frames: dict[str, dict] = {}  # type: ignore[type-arg]
            async with asyncio.timeout(5):
                while "request" not in frames or "event" not in frames:
                    frame = json.loads(await ws.recv())
                    frames[frame["type"]] = frame
            request = frames["request"]
            assert (request["method"], request["query"]) == ("GET", QUERY)
            assert frames["event"]["seq"] == request["seq"]  # stored like any other event
            await ws.send(json.dumps({"type": "response", "id": request["id"], "body": ANSWER}))
            response = await asyncio.wait_for(pending, 5)
            assert response.text == ANSWER
            assert response.headers["x-relay-bxml-source"] == "console"


async def test_bxml_falls_back_when_no_instance_has_a_console_or_it_stays_silent(
    redis_url: str,
) -> None:
    async with two_relays(redis_url, bxml_timeout=0.5) as (a, b):
        async with httpx.AsyncClient(base_url=a.url) as http:
            response = await http.get(f"/bxml/ivr?{QUERY}")  # no-console: without waiting
            assert (response.text, response.headers["x-relay-bxml-source"]) == (
                DEFAULT_FALLBACK_BXML,
                "no-console",
            )
            async with console(b, "ivr") as silent:
                await live(silent, a, "ivr")
                started = time.monotonic()
                response = await http.get(f"/bxml/ivr?{QUERY}")
                assert 0.4 <= time.monotonic() - started < 1.5
                assert (response.text, response.headers["x-relay-bxml-source"]) == (
                    DEFAULT_FALLBACK_BXML,
                    "timeout",
                )
                assert (await next_frame(silent, "request"))["query"] == QUERY


async def test_acknowledged_events_survive_a_redis_crash_and_live_delivery_resumes(
    own_redis: RedisServer,
) -> None:
    async with relay_server(store=own_redis.url) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            async with console(server, "acct", "after=0") as ws:
                await next_frame(ws, "ping")
                for i in range(50):
                    response = await http.post(
                        "/callbacks/acct", json={**CALLBACK, "callId": f"c-{i}"}
                    )
                    assert response.json() == {"seq": i + 1}
                assert [f["seq"] for f in await events(ws, 50)] == list(range(1, 51))
                own_redis.kill()
                down = await http.post("/callbacks/acct", json=CALLBACK)
                assert down.status_code == 503
                own_redis.start()
                # the relay reconnects on its own; a pooled socket from before the crash fails
                # once (503, the sender retries: an append is never re-sent behind its back)
                statuses = []
                for _ in range(10):
                    response = await http.post(
                        "/callbacks/acct", json={**CALLBACK, "callId": "c-after"}
                    )
                    statuses.append(response.status_code)
                    if response.status_code == 200:
                        break
                    await asyncio.sleep(0.05)
                assert statuses[-1] == 200, statuses
                assert response.json() == {"seq": 51}
                frame = await next_frame(ws)
                assert (frame["seq"], frame["event"]["callId"]) == (51, "c-after")
        async with console(server, "acct", "after=0") as ws:
            replayed = await events(ws, 51)
            assert [f["event"]["callId"] for f in replayed] == [
                *(f"c-{i}" for i in range(50)),
                "c-after",
            ]


async def test_an_instance_reads_and_subscribes_only_while_it_has_consoles(redis_url: str) -> None:
    async def blocked_and_subscribed(client: aioredis.Redis) -> tuple[int, int]:
        blocked = (await client.info("clients"))["blocked_clients"]
        subscribed = dict(await client.pubsub_numsub("bwrelay:{a}:bxml", "bwrelay:{b}:bxml"))
        return int(blocked), sum(int(n) for n in subscribed.values())

    async def until(client: aioredis.Redis, expected: tuple[int, int]) -> None:
        async with asyncio.timeout(5):
            while await blocked_and_subscribed(client) != expected:  # noqa: ASYNC110
                await asyncio.sleep(0.02)

    async with (
        relay_server(store=redis_url) as server,
        aioredis.Redis.from_url(redis_url, decode_responses=True) as client,
    ):
        async with (
            console(server, "a") as one,
            console(server, "a") as two,
            console(server, "b", "requests=0") as viewer,
        ):
            for ws, channel in ((one, "a"), (two, "a"), (viewer, "b")):
                await live(ws, server, channel)
            # one blocking XREAD per channel, one subscription for the channel that answers
            await until(client, (2, 1))
        await until(client, (0, 0))

"""The relay on a real uvicorn with real websocket consoles: storage, replay, fan-out, auth, input."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bwconsole.relay import CLOSE_SLOW_CONSUMER

# the *_fixture imports register the `store`, `durable_store` and Redis fixtures in this module
from tests.redis_helpers import redis_url_fixture, shared_redis_fixture  # noqa: F401
from tests.relay_helpers import (  # noqa: F401
    CALLBACK,
    TOKEN,
    console,
    durable_store_fixture,
    next_frame,
    relay_server,
    store_fixture,
)

AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def post_many(
    http: httpx.AsyncClient,
    channel: str,
    count: int,
    workers: int = 20,
    progress: tuple[int, asyncio.Event] | None = None,
) -> list[int]:
    """POST `count` distinct callbacks (callId c-0..) with `workers` in flight; return their seqs.

    `progress=(n, event)` sets `event` once n of them were answered.
    """
    seqs: dict[int, int] = {}
    numbers = iter(range(count))

    async def worker() -> None:
        for i in numbers:
            response = await http.post(
                f"/callbacks/{channel}", json={**CALLBACK, "callId": f"c-{i}"}
            )
            assert response.status_code == 200, response.text
            seqs[i] = response.json()["seq"]
            if progress is not None and len(seqs) >= progress[0]:
                progress[1].set()

    await asyncio.gather(*(worker() for _ in range(workers)))
    return [seqs[i] for i in range(count)]


async def collect(ws, count: int, within: float = 10) -> list[dict]:  # type: ignore[no-untyped-def]
    return [await next_frame(ws, within=within) for _ in range(count)]


async def test_backlog_of_1000_is_replayed_in_order_and_a_resume_sends_nothing_twice(
    durable_store: str,
) -> None:
    async with relay_server(store=durable_store) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            seqs = await post_many(http, "acct", 1000)
            assert sorted(seqs) == list(range(1, 1001))
            async with console(server, "acct", "after=0") as ws:
                frames = await collect(ws, 1000)
                assert [f["seq"] for f in frames] == list(range(1, 1001))
                by_seq = {seq: i for i, seq in enumerate(seqs)}
                assert all(f["event"]["callId"] == f"c-{by_seq[f['seq']]}" for f in frames)
                await ws.send(json.dumps({"type": "ack", "seq": 1000}))
            async with console(server, "acct", "after=1000") as ws:
                await http.post("/callbacks/acct", json={**CALLBACK, "callId": "c-new"})
                frame = await next_frame(ws)
                assert (frame["seq"], frame["event"]["callId"]) == (1001, "c-new")
            async with console(server, "acct", "after=990") as ws:
                assert [f["seq"] for f in await collect(ws, 11)] == list(range(991, 1002))


async def test_replay_and_live_meet_without_gap_or_duplicate(store: str) -> None:
    async with relay_server(store=store) as server, httpx.AsyncClient(base_url=server.url) as http:
        hundred = asyncio.Event()
        poster = asyncio.create_task(post_many(http, "seam", 600, 5, (100, hundred)))
        await asyncio.wait_for(hundred.wait(), 10)
        async with console(server, "seam", "after=0") as ws:
            frames = await collect(ws, 600)
            assert not poster.done(), "the console should have joined mid-stream"
            await poster
            assert [f["seq"] for f in frames] == list(range(1, 601))
            with pytest.raises(TimeoutError):
                await next_frame(ws, within=0.3)


async def test_raw_body_query_and_headers_are_forwarded_exactly(store: str) -> None:
    raw = '{ "eventType" : "sms",\n  "text": "h\\u00e9llo \u2603", "direction":"in" }'
    async with relay_server(store=store) as server, httpx.AsyncClient(base_url=server.url) as http:
        async with console(server, "raw", "after=0") as ws:
            await http.post(
                "/callbacks/raw?b=2&a=1",
                content=raw.encode(),
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "User-Agent": "BandwidthAPI/v1 (x)",
                },
            )
            frame = await next_frame(ws)
            assert frame["body"] == raw
            assert frame["query"] == "b=2&a=1"
            assert frame["method"] == "POST"
            assert frame["headers"]["user-agent"] == "BandwidthAPI/v1 (x)"
            assert frame["event"]["text"] == "h\u00e9llo \u2603"
            await http.get("/callbacks/raw?eventType=answer&callId=c-9&tag=a%20b")
            frame = await next_frame(ws)
            assert (frame["method"], frame["body"]) == ("GET", "")
            assert frame["query"] == "eventType=answer&callId=c-9&tag=a%20b"
            assert frame["event"] == {"eventType": "answer", "callId": "c-9", "tag": "a b"}


async def test_two_consoles_each_receive_everything(store: str) -> None:
    async with relay_server(store=store) as server, httpx.AsyncClient(base_url=server.url) as http:
        async with console(server, "two", "after=0") as a, console(server, "two", "after=0") as b:
            await post_many(http, "two", 200)
            for ws in (a, b):
                assert [f["seq"] for f in await collect(ws, 200)] == list(range(1, 201))


async def test_a_stalled_consumer_is_cut_off_without_slowing_the_other_or_ingress(
    store: str,
) -> None:
    padding = "x" * 64_000
    async with (
        relay_server(store=store, queue_limit=20) as server,
        httpx.AsyncClient(base_url=server.url) as http,
    ):
        # max_queue=1: the stalled client stops reading its socket after one frame
        async with console(server, "slow", "after=0", max_queue=1) as stalled:
            async with console(server, "slow", "after=0") as healthy:
                reader = asyncio.create_task(collect(healthy, 200))
                slowest = 0.0
                for i in range(200):
                    started = time.monotonic()
                    response = await http.post(
                        "/callbacks/slow", json={**CALLBACK, "pad": padding, "i": i}
                    )
                    assert response.status_code == 200
                    slowest = max(slowest, time.monotonic() - started)
                frames = await asyncio.wait_for(reader, 10)
                assert [f["event"]["i"] for f in frames] == list(range(200))
                assert slowest < 1.0
                health = (await http.get("/healthz", headers=AUTH)).json()
                assert len(health["channels"]["slow"]["subscribers"]) == 1
            received = 0
            with pytest.raises(ConnectionClosed) as closed:
                async with asyncio.timeout(15):
                    while True:
                        if json.loads(await stalled.recv())["type"] == "event":
                            received += 1
            assert received < 200
            assert closed.value.rcvd is not None and closed.value.rcvd.code == CLOSE_SLOW_CONSUMER
            assert "slow consumer" in closed.value.rcvd.reason


async def test_consoles_need_a_valid_bearer_token() -> None:
    async with relay_server(tokens=["one", "two"]) as server:
        with pytest.raises(InvalidStatus) as missing:
            async with console(server, "ch", token=""):
                pass
        assert missing.value.response.status_code == 401
        with pytest.raises(InvalidStatus) as wrong:
            async with console(server, "ch", token="three"):
                pass
        assert wrong.value.response.status_code == 403
        async with console(server, "ch", token="two") as ws:
            assert (await next_frame(ws, "ping"))["interval"] > 0
        server.relay.set_tokens(["three"])  # type: ignore[attr-defined]
        async with console(server, "ch", token="three") as ws:
            await next_frame(ws, "ping")
        with pytest.raises(InvalidStatus):
            async with console(server, "ch", token="two"):
                pass


async def test_ingress_basic_auth_is_enforced_and_rejected_posts_are_not_stored(store: str) -> None:
    async with relay_server(store=store, ingress_auth=("api", "pw")) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            assert (await http.post("/callbacks/ch", json=CALLBACK)).status_code == 401
            wrong = await http.post("/callbacks/ch", json=CALLBACK, auth=("api", "nope"))
            assert wrong.status_code == 401
            assert "Basic" in wrong.headers["www-authenticate"]
            ok = await http.post(
                "/callbacks/ch", json={**CALLBACK, "callId": "c-ok"}, auth=("api", "pw")
            )
            assert ok.json() == {"seq": 1}
        async with console(server, "ch", "after=0") as ws:
            frame = await next_frame(ws)
            assert frame["event"]["callId"] == "c-ok"
            assert "authorization" not in frame["headers"]
            with pytest.raises(TimeoutError):
                await next_frame(ws, within=0.2)


async def test_bad_input_gets_a_clear_4xx_and_nothing_is_stored(store: str) -> None:
    async with relay_server(store=store) as server, httpx.AsyncClient(base_url=server.url) as http:
        big = json.dumps({**CALLBACK, "pad": "x" * (1024 * 1024)})
        cases = [
            (dict(content=big, headers={"Content-Type": "application/json"}), 413),
            (dict(content=b"{not json", headers={"Content-Type": "application/json"}), 400),
            (dict(content=b"\xff\xfe{}", headers={"Content-Type": "application/json"}), 400),
            (dict(content=b"<xml/>", headers={"Content-Type": "text/xml"}), 415),
            (dict(content=b"{}"), 415),
        ]
        for kwargs, status in cases:
            response = await http.post("/callbacks/ch", **kwargs)  # type: ignore[arg-type]
            assert response.status_code == status, (kwargs.get("headers"), response.text)
            assert response.json()["error"]
        assert (await http.post("/callbacks/bad%20name", json=CALLBACK)).status_code == 404
        assert (await http.post("/callbacks/ch", json=CALLBACK)).json() == {"seq": 1}


async def test_retention_prunes_old_events_but_seq_keeps_increasing(store: str) -> None:
    async with (
        relay_server(store=store, retention=0.2) as server,
        httpx.AsyncClient(base_url=server.url) as http,
    ):
        assert (await http.post("/callbacks/old", json=CALLBACK)).json() == {"seq": 1}
        await asyncio.sleep(0.5)
        assert (await http.post("/callbacks/old", json=CALLBACK)).json() == {"seq": 2}
        async with console(server, "old", "after=0") as ws:
            assert (await next_frame(ws))["seq"] == 2


async def test_healthz_shows_channel_details_to_token_holders_only(store: str) -> None:
    async with relay_server(store=store) as server, httpx.AsyncClient(base_url=server.url) as http:
        await post_many(http, "h", 5, workers=1)
        async with console(server, "h", "after=0&subscriber=desk") as ws:
            await collect(ws, 5)
            await ws.send(json.dumps({"type": "ack", "seq": 3}))
            await asyncio.sleep(0.1)
            public = (await http.get("/healthz")).json()
            assert public["status"] == "ok" and "channels" not in public
            channel = (await http.get("/healthz", headers=AUTH)).json()["channels"]["h"]
            assert (channel["events"], channel["last_seq"]) == (5, 5)
            assert [(s["name"], s["acked"]) for s in channel["subscribers"]] == [("desk", 3)]
            assert channel["oldest_unacked"]["seq"] == 4


async def test_without_after_a_console_gets_only_events_from_now_on(store: str) -> None:
    async with relay_server(store=store) as server, httpx.AsyncClient(base_url=server.url) as http:
        await post_many(http, "now", 3, workers=1)
        async with console(server, "now") as ws:
            await next_frame(ws, "ping")
            await http.post("/callbacks/now", json=CALLBACK)
            assert (await next_frame(ws))["seq"] == 4


@pytest.mark.parametrize("compression", [False, True])
async def test_per_message_compression_is_off_unless_asked_for(compression: bool) -> None:
    async with relay_server(compression=compression) as server:
        async with console(server, "z") as ws:  # the client offers permessage-deflate
            extensions = (
                ws.response.headers.get("Sec-WebSocket-Extensions", "") if ws.response else ""
            )
            assert ("permessage-deflate" in extensions) is compression


async def test_a_stalled_upload_gets_408_and_does_not_hold_up_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bwconsole.relay import ingress

    monkeypatch.setattr(ingress, "BODY_TIMEOUT", 0.3)
    async with relay_server() as server, httpx.AsyncClient(base_url=server.url) as http:
        reader, writer = await asyncio.open_connection(server.host, server.port)
        writer.write(
            b"POST /callbacks/ch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"eventType"'
        )
        await writer.drain()
        assert (await http.post("/callbacks/ch", json=CALLBACK)).json() == {"seq": 1}
        status_line = await asyncio.wait_for(reader.readline(), 5)
        assert b" 408 " in status_line
        writer.close()
        assert (await http.post("/callbacks/ch", json=CALLBACK)).json() == {"seq": 2}


async def test_a_batching_console_gets_several_frames_a_message_in_order(store: str) -> None:
    async with relay_server(store=store) as server, httpx.AsyncClient(base_url=server.url) as http:
        await post_many(http, "batch", 300)
        async with console(server, "batch", "after=0&batch=1") as ws:
            seqs: list[int] = []
            largest = 0
            async with asyncio.timeout(10):
                while len(seqs) < 300:
                    lines = str(await ws.recv()).split("\n")
                    frames = [json.loads(line) for line in lines]
                    seqs += [f["seq"] for f in frames if f["type"] == "event"]
                    largest = max(largest, len(frames))
                poster = asyncio.create_task(post_many(http, "batch", 100))
                while len(seqs) < 400:
                    seqs += [
                        json.loads(line).get("seq", 0) for line in str(await ws.recv()).split("\n")
                    ]
                    seqs = [s for s in seqs if s]
                await poster
            assert seqs == list(range(1, 401))
            assert largest > 1


def test_fan_out_hands_every_subscriber_the_same_encoded_frame() -> None:
    from bwconsole.relay.hub import Hub, Subscriber
    from bwconsole.relay.model import Incoming, encode_event

    hub = Hub()
    subscribers = [Subscriber(channel="c", name=f"s{i}", limit=10) for i in range(10)]
    for subscriber in subscribers:
        hub.add(subscriber)
    stored = encode_event(Incoming("c", "POST", "", {}, "{}", {}), 1)
    hub.publish(stored)
    assert all(s.queue[0][1] is stored.frame for s in subscribers)


async def test_acks_survive_a_restart_and_show_in_healthz(durable_store: str) -> None:
    async with (
        relay_server(store=durable_store) as server,
        httpx.AsyncClient(base_url=server.url) as http,
    ):
        await post_many(http, "acks", 5, workers=1)
        async with console(server, "acks", "after=0&subscriber=desk") as ws:
            await collect(ws, 5)
            await ws.send(json.dumps({"type": "ack", "seq": 3}))
            await asyncio.sleep(0.1)
    async with (
        relay_server(store=durable_store) as server,
        httpx.AsyncClient(base_url=server.url) as http,
    ):
        channel = (await http.get("/healthz", headers=AUTH)).json()["channels"]["acks"]
        assert channel["subscribers"] == []
        assert (channel["last_seq"], channel["oldest_unacked"]["seq"]) == (5, 4)

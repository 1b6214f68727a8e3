"""The relay under hostile input: strict JSON, bounded frames and queues, scoped tokens, deadlines."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from bwconsole.relay import CLOSE_SLOW_CONSUMER, MemoryStore
from bwconsole.relay.logs import redact_query
from bwconsole.relay.model import Incoming, StoredEvent
from tests.relay_helpers import CALLBACK, console, next_frame, relay_server

JSON = {"Content-Type": "application/json"}


async def test_hostile_json_gets_a_400_json_body_and_nothing_is_stored() -> None:
    bodies = [
        "[" * 1000 + "]" * 1000,
        '{"a":' * 1000 + "1" + "}" * 1000,
        '{"a":' * 70 + "1" + "}" * 70,
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": -Infinity}',
        '{"a": 1e400}',
        "[1, 2]",
        '"text"',
        "42",
    ]
    async with relay_server() as server, httpx.AsyncClient(base_url=server.url) as http:
        for body in bodies:
            for route in ("/callbacks/ch", "/bxml/ch"):
                response = await http.post(route, content=body, headers=JSON)
                assert response.status_code == 400, (body[:30], response.text)
                assert response.headers["content-type"] == "application/json"
                assert response.json()["error"]
        assert (await http.post("/callbacks/ch", json=CALLBACK)).json() == {"seq": 1}


async def test_one_callback_cannot_become_a_frame_of_many_megabytes() -> None:
    # under the 1 MiB body limit, but each control byte is escaped to six characters, twice
    body = b"x=" + b"\x01" * 1_000_000
    async with relay_server() as server, httpx.AsyncClient(base_url=server.url) as http:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        response = await http.post("/callbacks/ch", content=body, headers=form)
        assert response.status_code == 413
        assert "frame" in response.json()["error"]
        assert (await http.post("/callbacks/ch", json=CALLBACK)).json() == {"seq": 1}


async def test_a_stalled_consumer_is_cut_off_at_its_byte_bound_with_large_frames() -> None:
    bound = 4 * 1024 * 1024
    big = {**CALLBACK, "pad": "x" * 600_000}
    async with (
        relay_server(queue_bytes=bound) as server,
        httpx.AsyncClient(base_url=server.url, timeout=10) as http,
    ):
        async with console(server, "big", "after=0", max_queue=1, max_size=None) as stalled:
            await next_frame(stalled, "ping")
            (subscriber,) = server.relay.connections  # type: ignore[attr-defined]
            largest = 0
            for _ in range(120):
                assert (await http.post("/callbacks/big", json=big)).status_code == 200
                largest = max(largest, subscriber.queued_bytes)
            assert largest <= bound
            with pytest.raises(ConnectionClosed) as closed:
                async with asyncio.timeout(15):
                    while True:
                        await stalled.recv()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == CLOSE_SLOW_CONSUMER
            assert "bytes queued" in closed.value.rcvd.reason


async def test_after_must_be_an_ascii_seq_in_range() -> None:
    async with relay_server() as server:
        for after in ("%C2%B2", str(2**63), "1" * 30, "-1"):
            with pytest.raises(InvalidStatus) as refused:
                async with console(server, "ch", f"after={after}"):
                    pass
            assert refused.value.response.status_code == 400
            assert b"after=" in refused.value.response.body
        async with console(server, "ch", f"after={2**63 - 1}") as ws:
            await next_frame(ws, "ping")


async def test_a_token_reads_only_its_channels_and_healthz_shows_only_those() -> None:
    async with (
        relay_server(tokens=["scoped ch-a,ch-b", "everything"]) as server,
        httpx.AsyncClient(base_url=server.url) as http,
    ):
        for channel in ("ch-a", "ch-c"):
            await http.post(f"/callbacks/{channel}", json=CALLBACK)
        async with console(server, "ch-a", "after=0", token="scoped") as ws:
            assert (await next_frame(ws))["channel"] == "ch-a"
        with pytest.raises(InvalidStatus) as refused:
            async with console(server, "ch-c", token="scoped"):
                pass
        assert refused.value.response.status_code == 403
        async with console(server, "ch-c", "subscriber=secret-desk", token="everything") as ws:
            await next_frame(ws, "ping")
            scoped = (await http.get("/healthz", headers={"Authorization": "Bearer scoped"})).json()
            full = (
                await http.get("/healthz", headers={"Authorization": "Bearer everything"})
            ).json()
        assert set(scoped["channels"]) == {"ch-a"}
        assert "secret-desk" not in json.dumps(scoped) and scoped["subscribers"] == 0
        assert set(full["channels"]) == {"ch-a", "ch-c"} and full["subscribers"] == 1


async def test_a_subscriber_name_belongs_to_the_token_that_created_it() -> None:
    async with (
        relay_server(tokens=["mine", "theirs"]) as server,
        httpx.AsyncClient(base_url=server.url) as http,
    ):
        for _ in range(5):
            await http.post("/callbacks/ch", json=CALLBACK)
        relay = server.relay  # type: ignore[attr-defined]
        for token, seq in (("mine", 5), ("theirs", 1)):
            async with console(server, "ch", "after=0&subscriber=desk", token=token) as ws:
                for _ in range(5):
                    await next_frame(ws)
                await ws.send(json.dumps({"type": "ack", "seq": seq}))
                await asyncio.sleep(0.1)
            await relay.flush_acks()
        recorded = await relay.store.acks("ch")
        assert sorted(recorded.values()) == [1, 5], "the other token moved desk's ack"


class SlowStore(MemoryStore):
    """A store whose appends take `delay` (a disk under load)."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def append(self, incoming: Incoming) -> StoredEvent:
        await asyncio.sleep(self.delay)
        return await super().append(incoming)


async def test_the_bxml_fallback_deadline_runs_from_the_request_arrival() -> None:
    async with (
        relay_server(store=SlowStore(0.4), bxml_timeout=0.6) as server,
        httpx.AsyncClient(base_url=server.url) as http,
        console(server, "ivr", "after=0") as silent,  # asked, never answers
    ):
        await next_frame(silent, "ping")
        started = time.monotonic()
        response = await http.post("/bxml/ivr", json=CALLBACK)
        elapsed = time.monotonic() - started
        assert response.headers["x-relay-bxml-source"] == "timeout"
        assert elapsed < 0.9, f"fallback after {elapsed:.2f} s against a 0.6 s timeout"
        server.relay.store.delay = 2.0  # type: ignore[attr-defined]
        started = time.monotonic()
        response = await http.post("/bxml/ivr", json=CALLBACK)
        assert response.headers["x-relay-bxml-source"] == "timeout"
        assert time.monotonic() - started < 0.9


@pytest.fixture(name="records")
def records_fixture() -> Iterator[list[logging.LogRecord]]:
    """The relay's own log records (uvicorn's go to the captured stdout and stderr)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("bwconsole.relay")
    logger.addHandler(handler)
    level, logger.level = logger.level, logging.INFO
    yield records
    logger.setLevel(level)
    logger.removeHandler(handler)


async def test_refused_handshakes_log_no_error_and_one_summary_per_burst(
    records: list[logging.LogRecord],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bwconsole.relay import logs

    monkeypatch.setattr(logs, "SUMMARY_INTERVAL", 0.5)
    async with relay_server() as server:
        for _ in range(100):
            with pytest.raises(InvalidStatus) as refused:
                async with console(server, "ch", token="guess"):
                    pass
            assert refused.value.response.status_code == 403
        await asyncio.sleep(0.7)
    uvicorn_log = capsys.readouterr().err
    assert "ERROR" not in uvicorn_log and "403" not in uvicorn_log
    refusals = [r.getMessage() for r in records if "refused" in r.getMessage()]
    assert len(refusals) <= 3, refusals
    assert refusals[0].endswith("403 wrong token")
    assert "99 more" in refusals[-1] or sum("more" in m for m in refusals) >= 1


async def test_credentials_in_a_callback_query_never_reach_the_access_log(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bwconsole.relay import create_app, server_options
    from bwconsole.servers import BackgroundServer

    app = create_app(tokens=["t"])
    server = BackgroundServer(app, **{**server_options(app), "log_level": "info"})
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            await http.post("/callbacks/ch?user=v1api&password=hunter2&tag=x", json=CALLBACK)
    finally:
        await server.stop()
    lines = capsys.readouterr().out.splitlines()  # uvicorn's access log
    assert any("/callbacks/ch?" in line and "tag=x" in line for line in lines), lines
    assert not any("hunter2" in line or "v1api" in line for line in lines)
    assert redact_query("/b?x=1&apiToken=abc") == "/b?x=1&apiToken=***"


async def test_a_connection_that_never_completes_its_headers_is_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bwconsole.relay import server as relay_server_module

    monkeypatch.setattr(relay_server_module, "HEADER_TIMEOUT", 0.5)
    async with relay_server() as server, httpx.AsyncClient(base_url=server.url) as http:
        silent = await asyncio.open_connection(server.host, server.port)
        dribbling = await asyncio.open_connection(server.host, server.port)
        dribbling[1].write(b"POST /callbacks/ch HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        for reader, _ in (silent, dribbling):
            assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the relay
        assert time.monotonic() - started < 3
        assert (await http.post("/callbacks/ch", json=CALLBACK)).json() == {"seq": 1}

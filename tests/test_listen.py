"""`bwconsole listen --forward-to`: relay -> listen (a real child process) -> a local Starlette app.

Every server is real and on 127.0.0.1: the sandbox and the relay on uvicorn in
the test's loop, the developer's app on uvicorn, `listen` in its own process.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bwconsole.sandbox.app import create_app as create_sandbox_app
from bwconsole.sandbox.core import Sandbox
from bwconsole.servers import BackgroundServer
from tests.listen_helpers import Hit, LocalApp, listen_env, listening, local_app
from tests.relay_helpers import TOKEN, relay_server
from tests.voice_helpers import own_number

pytestmark = pytest.mark.timeout(90)

CHANNEL = "dev"
OUR_NUMBER = "+19195550100"


@pytest.fixture
async def relay() -> AsyncIterator[BackgroundServer]:
    async with relay_server(store="memory") as server:
        yield server


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens"
    path.write_text(f"# the relay's token\n{TOKEN}\n")
    return path


def listen_args(relay: BackgroundServer, token_file: Path, app: LocalApp, *extra: str) -> list[str]:
    return [
        "--forward-to",
        app.url,
        "--relay",
        relay.url,
        "--channel",
        CHANNEL,
        "--token-file",
        str(token_file),
        *extra,
    ]


async def post_events(relay: BackgroundServer, first: int, count: int) -> None:
    async with httpx.AsyncClient(base_url=relay.url) as http:
        for n in range(first, first + count):
            body = json.dumps({"eventType": "sms", "messageId": f"m-{n}", "n": n})
            response = await http.post(
                f"/callbacks/{CHANNEL}",
                content=body,
                headers={"content-type": "application/json"},
            )
            assert response.status_code == 200


async def stored_frames(relay: BackgroundServer) -> list[dict[str, Any]]:
    store = relay.relay.store  # type: ignore[attr-defined]
    return [json.loads(stored.frame) for stored in await store.read(CHANNEL, 0, 10_000)]


def assert_in_order_once(hits: list[Hit], count: int, crashed_at: int = 0) -> None:
    """Seqs 1..count in order; a repeat only of what was in flight at a crash, adjacent."""
    seqs = [hit.seq for hit in hits]
    unique = list(dict.fromkeys(seqs))
    assert unique == list(range(1, count + 1))
    repeats = len(seqs) - len(unique)
    assert repeats == 0 or crashed_at, f"{repeats} duplicates without a crash"


async def test_sandbox_call_flow_reaches_the_app_byte_for_byte(
    relay: BackgroundServer, token_file: Path, tmp_path: Path
) -> None:
    sandbox = Sandbox(time_scale=20, seed=1)
    api = BackgroundServer(create_sandbox_app(sandbox))
    await api.start()
    own_number(sandbox, OUR_NUMBER)
    creds = sandbox.credentials
    try:
        async with (
            local_app() as app,
            listening(listen_args(relay, token_file, app), listen_env(tmp_path)) as listen,
            httpx.AsyncClient(base_url=api.url + "/v1", auth=(creds.token, creds.secret)) as http,
        ):
            await listen.wait_for_line("forwarding")
            # one call with POST callbacks, one with GET: both must arrive as sent
            for method in ("POST", "GET"):
                response = await http.post(
                    f"/users/{creds.user_id}/calls",
                    json={
                        "from": OUR_NUMBER,
                        "to": "+15554020000",  # answers after 1 s, hangs up 2 s later
                        "callbackUrl": f"{relay.url}/callbacks/{CHANNEL}?account=a%20b&x=1",
                        "callbackHttpMethod": method,
                        "tag": "flow-" + method,
                    },
                )
                assert response.status_code == 201, response.text
            await app.wait_until(lambda hits: sum(_type(h) == "hangup" for h in hits) == 2, 20)
            frames = await stored_frames(relay)
            await asyncio.sleep(0.3)  # nothing more may come
            assert len(app.hits) == len(frames) >= 4
            for hit, frame in zip(app.hits, frames, strict=True):
                assert hit.seq == frame["seq"]
                assert hit.method == frame["method"]
                assert hit.query == frame["query"].encode("latin-1")
                assert hit.body == frame["body"].encode("utf-8")
                assert hit.headers["x-bwconsole-received-at"] == frame["received_at"]
                assert hit.headers["user-agent"] == frame["headers"]["user-agent"]
                if hit.method == "POST":
                    assert hit.headers["content-type"] == frame["headers"]["content-type"]
                assert "authorization" not in hit.headers
            methods = {hit.method for hit in app.hits}
            assert methods == {"GET", "POST"}
            assert any(b"account=a%20b&x=1" in hit.query for hit in app.hits)
            code = await listen.stop(signal.SIGINT)
            assert code == 0
            assert "-> 200" in listen.output()
    finally:
        await api.stop()


def _type(hit: Hit) -> str:
    if hit.method == "GET":
        return dict(httpx.QueryParams(hit.query.decode())).get("eventType", "")
    return str(json.loads(hit.body).get("eventType", ""))


async def test_app_down_mid_stream_loses_nothing_and_keeps_order(
    relay: BackgroundServer, token_file: Path, tmp_path: Path
) -> None:
    total = 1000
    async with local_app() as app:
        args = listen_args(relay, token_file, app, "--retry-max", "0.3s", "--quiet")
        async with listening(args, listen_env(tmp_path)) as listen:
            feeding = asyncio.create_task(post_events(relay, 1, total))
            await app.wait_until(lambda hits: len(hits) >= 300, 30)
            await app.stop()  # the app is down for 10 s, as a laptop's app restarting
            down_at = len(app.hits)
            await asyncio.sleep(10.0)
            assert len(app.hits) == down_at
            await app.start()  # back on the same port
            await feeding
            await app.wait_until(lambda hits: len({h.seq for h in hits}) >= total, 60)
            await asyncio.sleep(0.3)
            assert_in_order_once(app.hits, total)
            assert "cannot connect" in listen.output()  # the retries were shown
            assert await listen.stop() == 0


async def test_sigkilled_listen_resumes_from_its_last_ack(
    relay: BackgroundServer, token_file: Path, tmp_path: Path
) -> None:
    total = 600
    env = listen_env(tmp_path)
    async with local_app() as app:
        args = listen_args(relay, token_file, app, "--quiet")
        await post_events(relay, 1, total // 2)
        async with listening(args, env) as first:
            feeding = asyncio.create_task(post_events(relay, total // 2 + 1, total // 2))
            await app.wait_until(lambda hits: len(hits) >= 150, 30)
            assert await first.stop(signal.SIGKILL) == -signal.SIGKILL
            killed_at = max(app.seqs())
            await feeding
        async with listening(args, env) as second:
            await app.wait_until(lambda hits: len({h.seq for h in hits}) >= total, 60)
            await asyncio.sleep(0.3)
            assert_in_order_once(app.hits, total, crashed_at=killed_at)
            # it resumed from its last ack, not from the start (that would repeat every one
            # of the >= 150 it had delivered): only what the last coalesced ack (50 ms) and
            # the state write after it had not covered comes again; on a loaded machine
            # that was up to ~50
            repeated = len(app.hits) - total
            assert repeated < 100, f"{repeated} events delivered again"
            assert await second.stop() == 0


async def test_ctrl_c_mid_delivery_leaves_that_event_unacked(
    relay: BackgroundServer, token_file: Path, tmp_path: Path
) -> None:
    env = listen_env(tmp_path)
    await post_events(relay, 1, 3)
    async with local_app() as app:
        slow = asyncio.Event()

        async def hold(hit: Hit) -> None:
            if hit.seq == 2:
                slow.set()
                await asyncio.sleep(30)  # the app is still working on #2 at Ctrl+C

        app.before_reply = hold
        async with listening(listen_args(relay, token_file, app), env) as listen:
            await asyncio.wait_for(slow.wait(), 20)
            assert await listen.stop(signal.SIGINT) == 0
        await relay.relay.flush_acks()  # type: ignore[attr-defined]
        acks = await relay.relay.store.acks(CHANNEL)  # type: ignore[attr-defined]
        assert list(acks.values()) == [1]  # #1 answered and acked; #2 was in flight
        app.before_reply = None
        async with listening(listen_args(relay, token_file, app), env) as again:
            await app.wait_until(lambda hits: [h.seq for h in hits][-2:] == [2, 3], 20)
            assert await again.stop() == 0
        assert app.seqs() == [1, 2, 3]  # #2 was recorded once: its first try never answered


async def test_hop_by_hop_and_credentials_stay_behind(
    relay: BackgroundServer, token_file: Path, tmp_path: Path
) -> None:
    body = b'{"eventType":"sms","messageId":"m-h", "text":"caf\\u00e9 \xe2\x98\x95"}'
    async with httpx.AsyncClient(base_url=relay.url) as http:
        response = await http.post(
            f"/callbacks/{CHANNEL}",
            content=body,
            headers={
                "content-type": "application/json; charset=utf-8",
                "user-agent": "BandwidthAPI/v1",
                "x-custom": "kept",
                "x-private-hop": "dropped",
                "connection": "keep-alive, X-Private-Hop",
                "keep-alive": "timeout=5",
                "cookie": "session=secret",
                "authorization": "Basic c2VjcmV0OnNlY3JldA==",
            },
        )
        assert response.status_code == 200
    async with local_app() as app:
        async with listening(listen_args(relay, token_file, app), listen_env(tmp_path)):
            await app.wait_until(lambda hits: len(hits) == 1, 20)
        (hit,) = app.hits
        assert hit.body == body
        assert hit.headers["x-custom"] == "kept"
        assert hit.headers["user-agent"] == "BandwidthAPI/v1"
        assert hit.headers["content-type"] == "application/json; charset=utf-8"
        assert hit.headers["x-bwconsole-event-seq"] == "1"
        for gone in ("x-private-hop", "keep-alive", "cookie", "authorization"):
            assert gone not in hit.headers, gone

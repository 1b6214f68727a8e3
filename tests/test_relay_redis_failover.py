"""Two `bwconsole relay` processes on one Redis: one killed with SIGKILL mid-stream loses nothing."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

# the *_fixture imports register the Redis fixtures in this module
from tests.redis_helpers import redis_url_fixture, shared_redis_fixture  # noqa: F401
from tests.relay_helpers import CALLBACK, TOKEN, next_frame
from tests.test_relay_durability import free_port, relay_process, wait_up

HEADERS = {"Authorization": f"Bearer {TOKEN}"}


async def test_instance_killed_mid_stream_its_answered_callbacks_come_from_the_other(
    redis_url: str, tmp_path: Path
) -> None:
    token_file = tmp_path / "tokens"
    token_file.write_text(TOKEN + "\n")
    port_a, port_b = free_port(), free_port()
    url_a, url_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    answered: set[str] = set()
    attempted: set[str] = set()
    enough = asyncio.Event()

    async def poster(worker: int) -> None:
        async with httpx.AsyncClient(base_url=url_a, timeout=5) as http:
            for i in range(10_000):
                call_id = f"c-{worker}-{i}"
                attempted.add(call_id)
                try:
                    response = await http.post(
                        "/callbacks/acct", json={**CALLBACK, "callId": call_id}
                    )
                except httpx.TransportError:
                    return
                if response.status_code == 200:
                    answered.add(call_id)
                    if len(answered) >= 300:
                        enough.set()

    processed: list[dict[str, Any]] = []
    with (
        relay_process(redis_url, token_file, port_a) as process_a,
        relay_process(redis_url, token_file, port_b),
    ):
        await asyncio.gather(wait_up(url_a), wait_up(url_b))
        # max_queue=None: frames it has not processed still drain, so it sees A die at once
        async with connect(
            f"ws://127.0.0.1:{port_a}/events/acct?after=0",
            additional_headers=HEADERS,
            max_queue=None,
        ) as ws:
            await next_frame(ws, "ping")
            posters = [asyncio.create_task(poster(w)) for w in range(8)]
            # the console processes 100 events, then falls behind: A has answered far more
            # than it delivered when it dies
            processed += [await next_frame(ws) for _ in range(100)]
            await asyncio.wait_for(enough.wait(), 20)
            os.kill(process_a.pid, signal.SIGKILL)
            await asyncio.wait_for(asyncio.gather(*posters), 10)
        assert 300 <= len(answered) < len(attempted)
        last_ack = processed[-1]["seq"]
        async with connect(
            f"ws://127.0.0.1:{port_b}/events/acct?after={last_ack}", additional_headers=HEADERS
        ) as ws:
            with contextlib.suppress(TimeoutError):
                while True:
                    processed.append(await next_frame(ws, within=1.0))
    from_b = {frame["event"]["callId"] for frame in processed[100:]}
    assert len(from_b & answered) >= 200
    seqs = [frame["seq"] for frame in processed]
    call_ids = [frame["event"]["callId"] for frame in processed]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(set(call_ids)) == len(call_ids)
    assert answered <= set(call_ids) <= attempted

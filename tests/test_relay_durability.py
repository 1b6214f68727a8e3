"""The relay process killed with SIGKILL mid-stream loses nothing it answered 200 for."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

from tests.relay_helpers import CALLBACK, TOKEN, next_frame


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def relay_process(
    store: Path | str, token_file: Path, port: int
) -> Iterator[subprocess.Popen[bytes]]:
    """`bwconsole relay` in its own process; `store` is a SQLite file or a `--store` spec."""
    spec = f"sqlite:{store}" if isinstance(store, Path) else store
    command = [sys.executable, "-m", "bwconsole", "relay", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--store", spec, "--token-file", str(token_file)]
    command += ["--log-level", "warning"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


async def wait_up(url: str) -> None:
    async with httpx.AsyncClient() as http, asyncio.timeout(15):
        while True:
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(url + "/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.05)


async def test_sigkill_mid_stream_then_restart_delivers_every_answered_callback(
    tmp_path: Path,
) -> None:
    store, token_file = tmp_path / "relay.db", tmp_path / "tokens"
    token_file.write_text(TOKEN + "\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    answered: set[str] = set()
    attempted: set[str] = set()
    enough = asyncio.Event()

    async def poster(worker: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:
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
                    if len(answered) >= 400:
                        enough.set()

    with relay_process(store, token_file, port) as process:
        await wait_up(url)
        posters = [asyncio.create_task(poster(w)) for w in range(16)]
        await asyncio.wait_for(enough.wait(), 20)
        os.kill(process.pid, signal.SIGKILL)
        await asyncio.wait_for(asyncio.gather(*posters), 10)
    assert 400 <= len(answered) < len(attempted)

    with relay_process(store, token_file, port):
        await wait_up(url)
        async with connect(
            f"ws://127.0.0.1:{port}/events/acct?after=0",
            additional_headers={"Authorization": f"Bearer {TOKEN}"},
        ) as ws:
            delivered: list[dict] = []  # type: ignore[type-arg]
            with contextlib.suppress(TimeoutError):
                while True:
                    delivered.append(await next_frame(ws, within=1.0))
    seqs = [frame["seq"] for frame in delivered]
    call_ids = [frame["event"]["callId"] for frame in delivered]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(set(call_ids)) == len(call_ids)
    assert answered <= set(call_ids) <= attempted

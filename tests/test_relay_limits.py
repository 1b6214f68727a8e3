"""`bwconsole relay` as a process: revocation on SIGHUP, idle-connection floods, option errors."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.relay_helpers import CALLBACK, next_frame
from tests.test_relay_durability import free_port, wait_up


@contextlib.contextmanager
def relay(
    tmp_path: Path, tokens: str, port: int, nofile: int | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """`bwconsole relay` (memory store, INFO log) with its stderr in a file; optional fd limit."""
    token_file, log = tmp_path / "tokens", tmp_path / "relay.log"
    token_file.write_text(tokens)

    def limit() -> None:
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    command = [sys.executable, "-m", "bwconsole", "relay", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--store", "memory", "--token-file", str(token_file)]
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=stderr, preexec_fn=limit
        )
    try:
        yield process, log
    finally:
        process.kill()
        process.wait(timeout=10)


async def test_sighup_closes_the_open_sessions_of_a_revoked_token_within_a_second(
    tmp_path: Path,
) -> None:
    port = free_port()
    with relay(tmp_path, "keep\nrevoke\n", port) as (process, log):
        await wait_up(f"http://127.0.0.1:{port}")
        url = f"ws://127.0.0.1:{port}/events/acct"
        async with (
            connect(url, additional_headers={"Authorization": "Bearer revoke"}) as revoked,
            connect(url, additional_headers={"Authorization": "Bearer keep"}) as kept,
        ):
            await next_frame(revoked, "ping")
            await next_frame(kept, "ping")
            (tmp_path / "tokens").write_text("keep\n")
            sent = time.monotonic()
            os.kill(process.pid, signal.SIGHUP)
            with pytest.raises(ConnectionClosed) as closed:
                async with asyncio.timeout(1.0):
                    while True:
                        await revoked.recv()
            assert time.monotonic() - sent < 1.0
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
            assert "revoked" in closed.value.rcvd.reason
            async with httpx.AsyncClient() as http:
                await http.post(f"http://127.0.0.1:{port}/callbacks/acct", json=CALLBACK)
            assert (await next_frame(kept))["seq"] == 1
        await asyncio.sleep(0.2)
        assert "1 connection(s) closed" in log.read_text()


async def test_1100_idle_connections_under_ulimit_1024_do_not_stop_callbacks(
    tmp_path: Path,
) -> None:
    port = free_port()
    idle: list[asyncio.StreamWriter] = []
    with relay(tmp_path, "t\n", port, nofile=1024) as (_, log):
        url = f"http://127.0.0.1:{port}"
        await wait_up(url)
        try:
            for _ in range(1100):
                with contextlib.suppress(OSError):
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    idle.append(writer)
            async with httpx.AsyncClient(base_url=url, timeout=5) as http:
                for i in range(20):
                    started = time.monotonic()
                    response = await http.post("/callbacks/acct", json={**CALLBACK, "i": i})
                    assert response.status_code == 200, response.text
                    assert time.monotonic() - started < 3
        finally:
            for writer in idle:
                writer.close()
        text = log.read_text()
        assert "Traceback" not in text
        assert len(text) < 20_000


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--token-file", "/nonexistent/tokens"], "--token-file"),
        (
            ["--ingress-user", "api", "--ingress-password-file", "/nonexistent/pw"],
            "--ingress-password-file",
        ),
        (["--log-level", "loud"], "--log-level"),
        (["--bxml-fallback", "/nonexistent/fallback.xml"], "--bxml-fallback"),
        (["--store", "postgres://x"], "--store"),
    ],
)
def test_a_bad_option_is_one_line_naming_it_and_exit_2(args: list[str], option: str) -> None:
    command = [sys.executable, "-m", "bwconsole", "relay", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0], done.stderr

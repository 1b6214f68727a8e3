"""The "Several hosts" example of docs/relay.md, run: two relays on one Redis behind its nginx block.

Skipped without nginx (`.ci/run` installs nginx-light when it can).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from bwconsole.servers import BackgroundServer
from tests.peers import require_peer

# the *_fixture imports register the Redis fixtures in this module
from tests.redis_helpers import redis_url_fixture, shared_redis_fixture  # noqa: F401
from tests.relay_helpers import CALLBACK, TOKEN, next_frame, relay_server
from tests.test_relay_durability import free_port

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
DOCS = Path(__file__).resolve().parent.parent / "docs" / "relay.md"


@pytest.fixture(autouse=True)
def _nginx_installed() -> None:
    require_peer(NGINX, "nginx", "nginx-light")


def documented_config(port: int, relays: list[BackgroundServer]) -> str:
    """The docs' nginx block, on 127.0.0.1:`port`, for `relays`, without its TLS lines."""
    section = DOCS.read_text(encoding="utf-8").split("### Example: two instances", 1)[1]
    block = re.search(r"```nginx\n(.*?)```", section, re.DOTALL)
    assert block is not None, "docs/relay.md lost its nginx example"
    config = block.group(1)
    config = config.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    config = "\n".join(line for line in config.splitlines() if "ssl_" not in line)
    for documented, relay in zip(("10.0.0.11:8765", "10.0.0.12:8765"), relays, strict=True):
        assert documented in config
        config = config.replace(documented, f"127.0.0.1:{relay.port}")
    return config


@contextlib.contextmanager
def nginx(directory: Path, server_config: str) -> Iterator[None]:
    assert NGINX is not None
    temp = directory / "temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the temp dir
    (directory / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'};\nevents {{}}\nhttp {{\n"
        f"access_log off;\nclient_body_temp_path {temp};\nproxy_temp_path {temp};\n"
        f"{server_config}\n}}\n"
    )
    command = [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf")]
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_the_documented_nginx_example_balances_two_relays_on_one_redis(
    redis_url: str, tmp_path: Path
) -> None:
    port = free_port()
    async with relay_server(store=redis_url) as a, relay_server(store=redis_url) as b:
        with nginx(tmp_path, documented_config(port, [a, b])):
            balancer = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=balancer) as http, asyncio.timeout(10):
                while True:
                    with contextlib.suppress(httpx.TransportError):
                        if (await http.get("/healthz")).status_code == 200:
                            break
                    await asyncio.sleep(0.05)
            async with (
                connect(
                    f"ws://127.0.0.1:{port}/events/acct?after=0",
                    additional_headers={"Authorization": f"Bearer {TOKEN}"},
                ) as ws,
                httpx.AsyncClient(base_url=balancer) as http,
            ):
                await next_frame(ws, "ping")
                for i in range(40):  # round-robin: every other one lands on each instance
                    response = await http.post(
                        "/callbacks/acct", json={**CALLBACK, "callId": f"c-{i}"}
                    )
                    assert response.json() == {"seq": i + 1}
                frames = [await next_frame(ws) for _ in range(40)]
                assert [f["event"]["callId"] for f in frames] == [f"c-{i}" for i in range(40)]
                # the console is on one instance; /healthz answers from each in turn
                subscribers = {(await http.get("/healthz")).json()["subscribers"] for _ in range(4)}
                assert subscribers == {0, 1}
                bxml = asyncio.create_task(http.get("/bxml/acct?eventType=incomingcall"))
                request = await next_frame(ws, "request")
                await ws.send(json.dumps({"type": "response", "id": request["id"], "body": "<R/>"}))
                assert (await asyncio.wait_for(bxml, 5)).text == "<R/>"
            await a.stop()  # one instance gone: nginx sends everything to the other
            async with httpx.AsyncClient(base_url=balancer) as http:
                for i in range(10):
                    response = await http.post("/callbacks/acct", json=CALLBACK)
                    assert response.json() == {"seq": 42 + i}

"""`bwconsole listen` benchmark: callbacks per second forwarded to a local app, and latency.

    uv run python benchmarks/listen_bench.py                  # 2,000 callbacks
    uv run python benchmarks/listen_bench.py --count 500 --rate 20   # latency, not saturated

A relay (SQLite store by default, so every event is durable first) and a local
Starlette app run in this process on uvicorn; `bwconsole listen` runs as its
own process, as a developer runs it. The callbacks are posted back to back
(ten closed loops: each sends its next POST once the relay answered 200). Figures:

- forwarded/s: callbacks delivered to the app divided by the time from the
  first POST to the last delivery. Delivery is one at a time and acked after
  the app's 2xx (docs/decisions/008-listen-delivery.md), so this is bounded by
  one HTTP round trip to the app per event.
- latency: from the relay receiving a callback (`X-Bwconsole-Received-At`) to
  the app receiving it, p50/p99/max; the wall clock is shared, as everything
  runs on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bwconsole.relay import create_app, server_options
from bwconsole.servers import BackgroundServer

TOKEN = "bench-token"
CHANNEL = "bench"
POSTERS = 10
"""Concurrent POST loops (so that one fsync per request does not bound the feed)."""


async def main(count: int, store: str, rate: float) -> None:
    latencies: list[float] = []
    done = asyncio.Event()

    async def hook(request: Request) -> Response:
        await request.body()
        received = datetime.fromisoformat(request.headers["x-bwconsole-received-at"])
        latencies.append(time.time() - received.timestamp())
        if len(latencies) >= count:
            done.set()
        return Response("")

    with tempfile.TemporaryDirectory(prefix="listen-bench-") as tmp:
        spec = f"sqlite:{Path(tmp) / 'relay.db'}" if store == "sqlite" else store
        relay_app = create_app(spec, tokens=[TOKEN])
        relay = BackgroundServer(relay_app, **server_options(relay_app))
        app = BackgroundServer(Starlette(routes=[Route("/hook", hook, methods=["POST"])]))
        await relay.start()
        await app.start()
        (Path(tmp) / "tokens").write_text(TOKEN)
        env = dict(os.environ, BWCONSOLE_DATA_DIR=tmp, BWCONSOLE_CONFIG_DIR=tmp)
        listen = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bwconsole", "listen", "--quiet",
            "--forward-to", f"{app.url}/hook", "--relay", relay.url, "--channel", CHANNEL,
            "--token-file", str(Path(tmp) / "tokens"), env=env,
        )  # fmt: skip
        await asyncio.sleep(2.0)  # let it connect
        body = {"eventType": "answer", "callId": "c-bench", "callState": "active"}
        started = time.perf_counter()
        async with httpx.AsyncClient(base_url=relay.url) as http:

            async def post(numbers: range) -> None:
                for n in numbers:
                    response = await http.post(f"/callbacks/{CHANNEL}", json={**body, "n": n})
                    response.raise_for_status()

            if rate:  # an open loop at a steady rate: latency when listen keeps up
                for n in range(count):
                    await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
                    response = await http.post(f"/callbacks/{CHANNEL}", json={**body, "n": n})
                    response.raise_for_status()
            else:
                await asyncio.gather(*(post(range(w, count, POSTERS)) for w in range(POSTERS)))
        posted = time.perf_counter() - started
        await asyncio.wait_for(done.wait(), 600)
        elapsed = time.perf_counter() - started
        listen.terminate()
        await listen.wait()
        await app.stop()
        await relay.stop()
    ordered = sorted(latencies)
    result = {
        "count": count,
        "store": store,
        "rate": rate or "max",
        "posted_per_s": round(count / posted),
        "forwarded_per_s": round(count / elapsed),
        "latency_ms": {
            "p50": round(statistics.median(ordered) * 1000, 2),
            "p99": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2),
            "max": round(ordered[-1] * 1000, 2),
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--store", default="sqlite", help="sqlite (a temp file) or memory")
    parser.add_argument("--rate", type=float, default=0.0, help="posts/s (default: flat out)")
    options = parser.parse_args()
    asyncio.run(main(options.count, options.store, options.rate))

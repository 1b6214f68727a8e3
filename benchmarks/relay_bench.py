"""Relay benchmark: the durable relay (SQLite, Redis) vs a naive in-memory relay, 1 and 10 consumers.

    uv run python benchmarks/relay_bench.py                 # ~5 s per phase, 18 phases
    uv run python benchmarks/relay_bench.py --duration 2 --consumers 1 --relays sqlite,redis

For each relay (the real `bwconsole relay` on a SQLite store; the same on a
Redis store, with a `redis-server` started here in a temp dir with
`appendonly yes` and `appendfsync always`, the setting that makes a 200 as
durable as SQLite's; and a naive Starlette relay defined here: POST ->
broadcast to websockets, no storage) and each consumer count, three phases
run: 100/s, 1,000/s and max (closed loop).
The relay and the load generator each run in their own process; the load
generator posts realistic v1 `answer` callbacks over keep-alive connections
with a minimal HTTP/1.1 client (so the client is not the bottleneck). The
consumers (this process) ack every 100 frames and ask for batched messages
(`?batch=1`, several frames a message; the naive relay sends one a message). Latency is from "POST answered
200" (seen by the generator) to "frame received" (seen by a consumer), both on
CLOCK_MONOTONIC, which every process on the machine shares. A negative figure
means the consumer had the frame before the generator had its 200: the relay
fans an event out as soon as it is durable, before writing the HTTP answer
(on Redis, as soon as its `XREAD` sees the entry). `cpu %` is the relay
process only: redis-server's own CPU is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

TOKEN = "bench-token"
PREFIX = '{"type":"event","seq":'
BODY = {
    "eventType": "answer",
    "from": "+19195551212",
    "to": "+13865551212",
    "callId": "c-bench",
    "callUri": "https://api.catapult.inetwork.com/v1/users/u-bench/calls/c-bench",
    "callState": "active",
    "tag": "benchmark",
    "time": "2026-11-26T23:00:00.000Z",
}
GENERATOR_CONNECTIONS = 64


# -- the naive relay -----------------------------------------------------


def naive_app() -> Any:
    """POST -> encode -> `await send_text` to every websocket; no storage, no queues."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    sockets: dict[str, set[WebSocket]] = {}
    seqs: dict[str, int] = {}

    async def post(request: Request) -> JSONResponse:
        channel = request.path_params["channel"]
        text = (await request.body()).decode()
        seq = seqs[channel] = seqs.get(channel, 0) + 1
        frame = json.dumps(
            {
                "type": "event",
                "seq": seq,
                "channel": channel,
                "received_at": time.time(),
                "method": request.method,
                "query": request.url.query,
                "headers": dict(request.headers),
                "body": text,
                "event": json.loads(text),
            },
            separators=(",", ":"),
        )
        for ws in list(sockets.get(channel, ())):
            try:
                await ws.send_text(frame)
            except Exception:  # noqa: BLE001 - a gone consumer is simply dropped
                sockets[channel].discard(ws)
        return JSONResponse({"seq": seq})

    async def events(ws: WebSocket) -> None:
        await ws.accept()
        channel = ws.path_params["channel"]
        sockets.setdefault(channel, set()).add(ws)
        try:
            while True:
                await ws.receive_text()
        except WebSocketDisconnect:
            sockets[channel].discard(ws)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/callbacks/{channel}", post, methods=["POST"]),
            WebSocketRoute("/events/{channel}", events),
            Route("/healthz", healthz),
        ]
    )


# -- the load generator (its own process) -------------------------------


async def generate(port: int, channel: str, rate: float, duration: float) -> dict[str, Any]:
    """Post for `duration` s at `rate`/s (0 = as fast as possible); return (seq, answered at)."""
    answered: list[tuple[int, float]] = []
    errors = 0
    start = time.monotonic() + 0.05
    end = start + duration

    def slots() -> Any:
        i = 0
        while True:
            at = start + i / rate if rate else 0.0
            if (at or time.monotonic()) >= end:
                return
            yield i, at
            i += 1

    shared = slots()

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for i, at in shared:
            if at:
                await asyncio.sleep(max(0.0, at - time.monotonic()))
            body = json.dumps({**BODY, "callId": f"c-{channel}-{i}"}).encode()
            writer.write(
                b"POST /callbacks/%s HTTP/1.1\r\nHost: relay\r\n"
                b"Content-Type: application/json; charset=utf-8\r\n"
                b"User-Agent: BandwidthAPI/v1 (bench)\r\nContent-Length: %d\r\n\r\n%s"
                % (channel.encode(), len(body), body)
            )
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            payload = await reader.readexactly(length)
            if head[9:12] == b"200":
                answered.append((json.loads(payload)["seq"], time.monotonic()))
            else:
                errors += 1
        writer.close()

    await asyncio.gather(*(worker() for _ in range(GENERATOR_CONNECTIONS)))
    return {"start": start, "answered": answered, "errors": errors}


# -- orchestration -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def wait_up(port: int) -> None:
    async with httpx.AsyncClient() as http, asyncio.timeout(20):
        while True:
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)


async def consume(
    port: int, channel: str, received: dict[int, float], ready: asyncio.Event
) -> None:
    url = f"ws://127.0.0.1:{port}/events/{channel}?requests=0&batch=1"  # the naive relay ignores batch
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with connect(url, additional_headers=headers, compression=None, max_size=None) as ws:
        ready.set()
        count = 0
        async for message in ws:
            now = time.monotonic()
            assert isinstance(message, str)
            for frame in message.split("\n"):  # batched: one frame a line
                if frame.startswith(PREFIX):
                    seq = int(frame[len(PREFIX) : frame.index(",", len(PREFIX))])
                    received[seq] = now
                    count += 1
                    if count % 100 == 0:
                        await ws.send(f'{{"type":"ack","seq":{seq}}}')


async def phase(
    pid: int, port: int, channel: str, consumers: int, rate: float, duration: float
) -> dict[str, Any]:
    received: list[dict[int, float]] = [{} for _ in range(consumers)]
    readies = [asyncio.Event() for _ in range(consumers)]
    tasks = [
        asyncio.create_task(consume(port, channel, r, e))
        for r, e in zip(received, readies, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in readies)), 10)
    await asyncio.sleep(0.3)  # let every consumer join live fan-out
    cpu0, rss0 = cpu_seconds(pid), rss_mb(pid)
    generator = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--generate",
        str(port),
        channel,
        str(rate),
        str(duration),
        stdout=subprocess.PIPE,
    )
    out, _ = await generator.communicate()
    result = json.loads(out)
    answered = dict(result["answered"])
    deadline = time.monotonic() + 15
    # polling counters that the consumer tasks fill
    while time.monotonic() < deadline and any(len(r) < len(answered) for r in received):  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    last = max((max(r.values()) for r in received if r), default=time.monotonic())
    cpu1, rss1 = cpu_seconds(pid), rss_mb(pid)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [r[seq] - at for r in received for seq, at in answered.items() if seq in r]
    complete = all(all(seq in r for seq in answered) for r in received)
    elapsed = max(last - result["start"], 1e-9)
    return {
        "posted": len(answered),
        "errors": result["errors"],
        "complete": complete,
        "rate": len(answered) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "cpu_pct": 100 * (cpu1 - cpu0) / elapsed,
        "rss_mb": (rss0, rss1),
    }


def start_relay(kind: str, port: int, workdir: Path) -> list[subprocess.Popen[bytes]]:
    """Start the relay of `kind` (and its redis-server); the relay is the last process."""
    if kind == "naive":
        command = [sys.executable, __file__, "--serve-naive", str(port)]
        return [subprocess.Popen(command, stderr=subprocess.DEVNULL)]
    processes = []
    store = f"sqlite:{workdir / 'relay.db'}"
    if kind == "redis":
        redis_port = free_port()
        server = shutil.which("redis-server") or "redis-server"
        redis_command = [server, "--bind", "127.0.0.1", "--port", str(redis_port)]
        redis_command += ["--dir", str(workdir), "--appendonly", "yes", "--appendfsync", "always"]
        redis_command += ["--save", ""]
        processes.append(subprocess.Popen(redis_command, stdout=subprocess.DEVNULL))
        store = f"redis://127.0.0.1:{redis_port}/0"
        wait_redis(redis_port)
    tokens = workdir / "tokens"
    tokens.write_text(TOKEN + "\n")
    command = [sys.executable, "-m", "bwconsole", "relay", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--store", store]
    command += ["--token-file", str(tokens), "--log-level", "warning"]
    processes.append(subprocess.Popen(command, stderr=subprocess.DEVNULL))
    return processes


def wait_redis(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


async def main(args: argparse.Namespace) -> None:
    consumer_counts = [int(c) for c in args.consumers.split(",")]
    rates = [float(r) for r in args.rates.split(",") if r] + [0.0]
    print(
        f"relay benchmark: {os.cpu_count()} CPUs, {args.duration:g} s per phase, python {sys.version.split()[0]}"
    )
    print(
        f"{'relay':8} {'cons':>4} {'target':>7} {'posted':>7} {'rate/s':>8} {'all?':>5} "
        f"{'p50 ms':>7} {'p99 ms':>8} {'cpu %':>6} {'rss MB':>13}"
    )
    maxima: dict[tuple[str, int], float] = {}
    kinds = [k for k in args.relays.split(",") if k]
    for consumers in consumer_counts:
        for kind in kinds:
            with tempfile.TemporaryDirectory() as tmp:
                port = free_port()
                processes = start_relay(kind, port, Path(tmp))
                process = processes[-1]
                try:
                    await wait_up(port)
                    for n, rate in enumerate(rates):
                        r = await phase(
                            process.pid, port, f"b{consumers}-{n}", consumers, rate, args.duration
                        )
                        if not rate:
                            maxima[kind, consumers] = r["rate"]
                        print(
                            f"{kind:8} {consumers:4d} {('max' if not rate else f'{rate:g}/s'):>7} "
                            f"{r['posted']:7d} {r['rate']:8.0f} {'yes' if r['complete'] else 'NO':>5} "
                            f"{r['p50_ms']:7.2f} {r['p99_ms']:8.2f} {r['cpu_pct']:6.0f} "
                            f"{r['rss_mb'][0]:6.1f}->{r['rss_mb'][1]:5.1f}",
                            flush=True,
                        )
                finally:
                    for started in reversed(processes):
                        started.terminate()
                        started.wait(timeout=10)
    for consumers in consumer_counts:
        naive = maxima.get(("naive", consumers))
        for kind in kinds:
            durable = maxima.get((kind, consumers))
            if kind != "naive" and durable and naive:
                print(
                    f"{kind}/naive max rate, {consumers} consumer(s): {durable / naive:.2f}x "
                    "(target >= 0.9x)"
                )


def cli() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-naive":
        import uvicorn

        uvicorn.run(
            naive_app(),
            host="127.0.0.1",
            port=int(sys.argv[2]),
            log_level="warning",
            ws_per_message_deflate=False,
        )
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--generate":
        port, channel, rate, duration = sys.argv[2:6]
        result = asyncio.run(generate(int(port), channel, float(rate), float(duration)))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per phase (default 5)")
    parser.add_argument("--consumers", default="1,10", help="consumer counts (default 1,10)")
    parser.add_argument("--rates", default="100,1000", help="fixed rates before the max phase")
    parser.add_argument(
        "--relays", default="sqlite,redis,naive", help="relays to run (default sqlite,redis,naive)"
    )
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()

"""Relay benchmark: `bwconsole relay` beside ../shared/bench/reference_relay.py, pinned, in one run.

    uv run python benchmarks/relay_bench.py            # full: 5 s phases, 60 s RSS run (~5 min)
    uv run python benchmarks/relay_bench.py --quick    # 2 s phases, 5 s RSS run (~1 min)
    uv run python benchmarks/relay_bench.py --relays reference,sqlite

Method (../shared/bench/README.md): each server (the reference relay, then
`bwconsole relay` on SQLite with the `synchronous` setting it ships, then on
Redis with `appendfsync always`, redis-server on the same core) runs pinned to
CPU 0 (`taskset -c 0`); `wrk`, the open-loop generator and the websocket
consumers run pinned to CPU 1. Every POST is the 560-byte v1 `answer`
callback of ../shared/bench/wrk_post.lua, whose `ts` is CLOCK_MONOTONIC ns at
send, so a consumer's `receipt - ts` is the POST -> received latency.

- max: `wrk -t1 -c32 -d<D>s`; the figure is the lowest per-consumer receive
  rate (its count over first-to-last receipt); `lost` counts accepted POSTs
  (wrk's 2xx) that a consumer did not get.
- 1,000/s: open loop, 32 keep-alive senders, 10 consumers; p50/p99 of
  `receipt - ts` and the server's CPU % (utime + stime from /proc).
- RSS: one consumer at the maximum for `--rss-seconds`, RSS sampled each second.

The machine's noise is about ±15 %: compare the ratios printed at the end,
which come from one run, not figures from different runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: `shared/bench` in the nearest parent directory that has one (it is not in the repository)
BENCH = next(
    (p / "shared" / "bench" for p in ROOT.parents if (p / "shared" / "bench").is_dir()),
    ROOT.parent / "shared" / "bench",
)
TOKEN = "bench-token"
CHANNEL = "bench"
SERVER_CPU, LOAD_CPU = "0", "1"


def _body_template() -> str:
    """The answer callback of wrk_post.lua, with `%d` for ts and seq (one source of truth)."""
    lua = (BENCH / "wrk_post.lua").read_text()
    start = lua.index("local tmpl = ")
    end = lua.index("wrk.method")
    parts = re.findall(r"'([^']*)'", lua[start:end])
    return "".join(parts)


# -- the load and the consumers (their own processes, pinned to CPU 1) ----


def _loop_run(coro: Any) -> Any:
    try:
        import uvloop

        return uvloop.run(coro)
    except ImportError:
        return asyncio.run(coro)


async def _consume(url: str, consumers: int, reference: bool) -> None:
    """Connect, say `ready`, count frames until told `expect N`, then print a JSON summary."""
    from websockets.asyncio.client import connect

    headers = {} if reference else {"Authorization": f"Bearer {TOKEN}"}
    stats = [
        {"count": 0, "first": 0.0, "last": 0.0, "lat": [], "closed": None} for _ in range(consumers)
    ]

    async def one(stat: dict[str, Any]) -> None:
        try:
            async with connect(
                url, additional_headers=headers, compression=None, max_size=None
            ) as ws:
                ready.append(1)
                if len(ready) == consumers:
                    all_ready.set()
                async for message in ws:
                    now = time.monotonic_ns()
                    for line in str(message).split("\n"):
                        if not reference and not line.startswith('{"type":"event"'):
                            continue
                        stat["count"] += 1
                        stat["first"] = stat["first"] or now
                        stat["last"] = now
                        at = line.find('"ts":')
                        if at >= 0 and stat["count"] % 4 == 0:  # a sample is plenty
                            stat["lat"].append(now - int(line[at + 5 : line.index(",", at)]))
        except Exception as exc:  # noqa: BLE001 - reported, not raised: the run goes on
            stat["closed"] = repr(exc)[:120]

    ready: list[int] = []
    all_ready = asyncio.Event()
    tasks = [asyncio.create_task(one(stat)) for stat in stats]
    await asyncio.wait_for(all_ready.wait(), 20)
    print("ready", flush=True)
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    expected = int(line.split()[1])
    quiet_since = time.monotonic()
    seen = 0
    while time.monotonic() - quiet_since < 3 and min(s["count"] for s in stats) < expected:  # noqa: ASYNC110 - polling counters the tasks fill
        await asyncio.sleep(0.05)
        total = sum(s["count"] for s in stats)
        if total != seen:
            seen, quiet_since = total, time.monotonic()
    for task in tasks:
        task.cancel()
    print(json.dumps(stats), flush=True)


async def _open_loop(port: int, path: str, rate: float, duration: float) -> None:
    """Post at `rate`/s for `duration` s from 32 keep-alive connections; print the 2xx count."""
    template = _body_template()
    start = time.monotonic() + 0.05
    total = int(rate * duration)
    slots = iter(range(total))
    ok = 0

    async def sender() -> None:
        nonlocal ok
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for i in slots:
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            body = (template % (time.monotonic_ns(), i)).encode()
            writer.write(
                b"POST %s HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (path.encode(), len(body), body)
            )
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            ok += head[9:10] == b"2"
        writer.close()

    await asyncio.gather(*(sender() for _ in range(32)))
    print(json.dumps({"ok": ok, "sent": total}), flush=True)


# -- the servers (pinned to CPU 0) ----------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pinned(cpu: str, command: list[str], **kwargs: Any) -> subprocess.Popen[Any]:
    return subprocess.Popen(["taskset", "-c", cpu, *command], **kwargs)


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class Server:
    """One relay under test: its processes, its URLs and its pid for CPU and RSS."""

    def __init__(self, kind: str, workdir: Path, reference_sync: str) -> None:
        self.kind, self.port = kind, free_port()
        self.processes: list[subprocess.Popen[Any]] = []
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if kind == "reference":
            env = {
                **os.environ,
                "REFERENCE_DB": str(workdir / "ref.db"),
                "REFERENCE_SYNC": reference_sync,
            }
            command = [
                sys.executable,
                "-m",
                "uvicorn",
                "reference_relay:app",
                "--app-dir",
                str(BENCH),
            ]
            command += ["--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"]
            command += ["--log-level", "warning"]
            self.processes.append(pinned(SERVER_CPU, command, env=env, **quiet))
            self.post_path, self.ws_path = "/callback", "/ws"
        else:
            store = f"sqlite:{workdir / 'relay.db'}"
            if kind == "redis":
                redis_port = free_port()
                command = [
                    shutil.which("redis-server") or "redis-server",
                    "--port",
                    str(redis_port),
                ]
                command += ["--bind", "127.0.0.1", "--dir", str(workdir), "--save", ""]
                command += ["--appendonly", "yes", "--appendfsync", "always"]
                self.processes.append(pinned(SERVER_CPU, command, **quiet))
                wait_port(redis_port)
                store = f"redis://127.0.0.1:{redis_port}/0"
            (workdir / "tokens").write_text(TOKEN + "\n")
            command = [sys.executable, "-m", "bwconsole", "relay", "--host", "127.0.0.1"]
            command += ["--port", str(self.port), "--store", store]
            command += ["--token-file", str(workdir / "tokens"), "--log-level", "warning"]
            self.processes.append(pinned(SERVER_CPU, command, **quiet))
            self.post_path = f"/callbacks/{CHANNEL}"
            self.ws_path = f"/events/{CHANNEL}?batch=1&requests=0"
        wait_port(self.port)
        self.pid = self.processes[-1].pid  # taskset execs: the pid is the server's

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            if process.poll() is None:
                process.kill()

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


# -- phases ----------------------------------------------------------------


def _consumers(server: Server, count: int) -> subprocess.Popen[str]:
    url = f"ws://127.0.0.1:{server.port}{server.ws_path}"
    command = [sys.executable, __file__, "--consume", url, str(count), server.kind]
    process = pinned(LOAD_CPU, command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        raise RuntimeError(f"{server.kind}: consumers could not connect")
    time.sleep(0.3)  # every consumer has joined live fan-out
    return process


def _finish(consumers: subprocess.Popen[str], accepted: int) -> list[dict[str, Any]]:
    out, _ = consumers.communicate(f"expect {accepted}\n", timeout=60)
    return list(json.loads(out.strip().splitlines()[-1]))


def _wrk(server: Server, duration: float) -> int:
    """Run wrk at the maximum; the count of 2xx answers."""
    url = f"http://127.0.0.1:{server.port}{server.post_path}"
    command = ["wrk", "-t1", "-c32", f"-d{duration:g}s", "-s", str(BENCH / "wrk_post.lua"), url]
    out = subprocess.run(
        ["taskset", "-c", LOAD_CPU, *command], capture_output=True, text=True
    ).stdout
    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return done - (int(bad.group(1)) if bad else 0) - (int(errors.group(2)) if errors else 0)


def max_phase(server: Server, consumers: int, duration: float) -> dict[str, Any]:
    process = _consumers(server, consumers)
    accepted = _wrk(server, duration)
    stats = _finish(process, accepted)
    rates = [s["count"] / max((s["last"] - s["first"]) / 1e9, 1e-9) for s in stats]
    lost = max(0, accepted - min(s["count"] for s in stats))
    closed = next((s["closed"] for s in stats if s["closed"]), None)
    return {"rate": min(rates), "accepted": accepted, "lost": lost, "closed": closed}


def fixed_phase(server: Server, consumers: int, rate: float, duration: float) -> dict[str, Any]:
    process = _consumers(server, consumers)
    cpu0, t0 = server.cpu_seconds(), time.monotonic()
    command = [sys.executable, __file__, "--open-loop", str(server.port), server.post_path]
    command += [str(rate), str(duration)]
    out = subprocess.run(
        ["taskset", "-c", LOAD_CPU, *command], capture_output=True, text=True
    ).stdout
    used = server.cpu_seconds() - cpu0
    cpu = 100 * used / (time.monotonic() - t0)
    sent = json.loads(out.strip().splitlines()[-1])
    stats = _finish(process, sent["ok"])
    latencies = sorted(ns / 1e6 for s in stats for ns in s["lat"])
    p50, p99 = (_percentile(latencies, q) for q in (0.5, 0.99))
    lost = max(0, sent["ok"] - min(s["count"] for s in stats))
    per_event = 1e6 * used / max(sent["ok"], 1)
    return {"cpu": cpu, "us": per_event, "p50": p50, "p99": p99, "lost": lost}


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def rss_phase(server: Server, seconds: float) -> list[float]:
    process = _consumers(server, 1)
    samples = [server.rss_mb()]
    url = f"http://127.0.0.1:{server.port}{server.post_path}"
    command = ["wrk", "-t1", "-c32", f"-d{seconds:g}s", "-s", str(BENCH / "wrk_post.lua"), url]
    wrk = pinned(LOAD_CPU, command, stdout=subprocess.PIPE, text=True)
    while wrk.poll() is None:
        time.sleep(1)
        samples.append(server.rss_mb())
    out = wrk.communicate()[0]
    done = re.search(r"(\d+) requests in", out)
    _finish(process, int(done.group(1)) if done else 0)
    return samples


# -- orchestration ---------------------------------------------------------


def run(args: argparse.Namespace) -> None:
    duration = 2.0 if args.quick else args.duration
    rss_seconds = 5.0 if args.quick else args.rss_seconds
    kinds = [k for k in args.relays.split(",") if k]
    print(
        f"relay benchmark: {os.cpu_count()} CPUs, servers on CPU {SERVER_CPU}, load on CPU {LOAD_CPU}, "
        f"{duration:g} s phases, python {sys.version.split()[0]}"
    )
    print(
        f"{'relay':10} {'max/s 1c':>9} {'max/s 10c':>9} {'lost':>5} {'cpu@1k':>7} {'µs/ev':>6} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'rss MB start/max/end':>22}"
    )
    results: dict[str, dict[str, Any]] = {}
    for kind in kinds:
        with tempfile.TemporaryDirectory() as tmp:
            server = Server(kind, Path(tmp), args.reference_sync)
            try:
                one = max_phase(server, 1, duration)
                ten = max_phase(server, 10, duration)
                fixed = fixed_phase(server, 10, 1000.0, duration)
                rss = rss_phase(server, rss_seconds) if not args.no_rss else [0.0]
            finally:
                server.stop()
        results[kind] = {"one": one, "ten": ten, "fixed": fixed, "rss": rss}
        lost = one["lost"] + ten["lost"] + fixed["lost"]
        print(
            f"{kind:10} {one['rate']:9.0f} {ten['rate']:9.0f} {lost:5d} {fixed['cpu']:6.0f}% {fixed['us']:6.0f} "
            f"{fixed['p50']:7.2f} {fixed['p99']:7.2f} "
            f"{rss[0]:7.1f}/{max(rss):6.1f}/{rss[-1]:6.1f}",
            flush=True,
        )
        for phase in (one, ten):
            if phase["closed"]:
                print(f"  {kind}: a consumer was closed: {phase['closed']}")
    _ratios(results)


def _ratios(results: dict[str, dict[str, Any]]) -> None:
    ref, ours, redis = (results.get(k) for k in ("reference", "sqlite", "redis"))
    print("\nratios (same run):")
    if ref and ours:
        for key, label in (("one", "1 consumer"), ("ten", "10 consumers")):
            ratio = ours[key]["rate"] / ref[key]["rate"]
            print(f"  sqlite / reference max rate, {label}: {ratio:.2f}x (target >= 0.9x)")
        cpu = ours["fixed"]["cpu"] / max(ref["fixed"]["cpu"], 1e-9)
        per_event = ours["fixed"]["us"] / max(ref["fixed"]["us"], 1e-9)
        print(
            f"  sqlite / reference server CPU at 1,000/s: {cpu:.2f}x, per event {per_event:.2f}x (target <= 1.3x)"
        )
    for name, result in (("sqlite", ours), ("redis", redis)):
        if result:
            p99 = result["fixed"]["p99"]
            print(
                f"  {name} p99 POST -> received at 1,000/s, 10 consumers: {p99:.2f} ms (target <= 5 ms)"
            )
            rss = result["rss"]
            if len(rss) > 2:
                growth = rss[-1] - rss[len(rss) // 4]
                print(
                    f"  {name} RSS at the maximum: {rss[0]:.1f} MB at start, {growth:+.1f} MB over the last three quarters"
                )
    if ours and redis:
        for key, label in (("one", "1 consumer"), ("ten", "10 consumers")):
            ratio = redis[key]["rate"] / ours[key]["rate"]
            print(f"  redis / sqlite max rate, {label}: {ratio:.2f}x (target >= 0.7x)")


def cli() -> None:
    if sys.argv[1:2] == ["--consume"]:
        url, count, kind = sys.argv[2:5]
        _loop_run(_consume(url, int(count), kind == "reference"))
        return
    if sys.argv[1:2] == ["--open-loop"]:
        port, path, rate, duration = sys.argv[2:6]
        _loop_run(_open_loop(int(port), path, float(rate), float(duration)))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2 s phases and a 5 s RSS run")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per phase (default 5)")
    parser.add_argument(
        "--rss-seconds", type=float, default=60.0, help="RSS run at the maximum (60)"
    )
    parser.add_argument("--no-rss", action="store_true", help="skip the RSS run")
    parser.add_argument("--relays", default="reference,sqlite,redis", help="reference,sqlite,redis")
    parser.add_argument(
        "--reference-sync", default="NORMAL", help="the reference's SQLite synchronous"
    )
    args = parser.parse_args()
    for tool in ("taskset", "wrk"):
        if shutil.which(tool) is None:
            sys.exit(f"relay_bench: {tool} is not installed")
    if not (BENCH / "reference_relay.py").exists():
        sys.exit(f"relay_bench: {BENCH / 'reference_relay.py'} is missing")
    run(args)


if __name__ == "__main__":
    cli()

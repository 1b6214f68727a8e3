"""Sandbox benchmark: N concurrent live calls at time-scale 1, callbacks to a local receiver.

    uv run python benchmarks/sandbox_bench.py                       # 1,000 calls
    uv run python benchmarks/sandbox_bench.py --calls 100 --duration 10
    uv run python benchmarks/sandbox_bench.py --profile /tmp/sandbox.prof   # sandbox under cProfile

Three processes: the sandbox (`python -m bwconsole sandbox`, real uvicorn, in
memory), a callback receiver (this script with `--receive`: a minimal
keep-alive HTTP/1.1 server that stamps each request's arrival on the wall
clock and answers 200 at once) and the driver (this process), which creates
the calls over the REST API and reacts to the events the receiver relays to it.

Each call dials `+15553123456` (answers after 1 s, presses 1 2 3 4 5 6 # once
a gather listens) and runs, driven only by its callbacks:
answer -> POST audio "Please enter your code" -> speak done -> POST gather ->
dtmf x7 -> gather -> POST audio (a goodbye of `--duration` API seconds, which
keeps the calls up together) -> speak done -> POST state completed -> hangup.
Calls are created evenly over `--ramp` seconds.

Callback delay is the receiver's arrival time minus the event's `time` field
(the sandbox stamps it when it decides to emit, then queues the delivery behind
the call's earlier events). `time` has millisecond resolution and is truncated,
so the figure overstates the delay by up to 1 ms. It is only measured at
time-scale 1, where API time is wall-clock time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

TOKEN, SECRET = "t-sandboxtoken", "sandboxsecret"
USER_ID = "u-sandbox0000000000000000000"
DIALED = "+15553123456"
DIGITS = "123456#"
PROMPT = "Please enter your code"
WORDS_PER_SECOND = 2.5  # the sandbox speaks 0.4 API s a word
DRIVER_CONNECTIONS = 8
#: Runs `bwconsole <argv[2:]>` under cProfile; SIGUSR1 writes the profile to argv[1].
PROFILED = """
import cProfile, signal, sys
from bwconsole.cli import main
out, sys.argv = sys.argv[1], ["bwconsole", *sys.argv[2:]]
profile = cProfile.Profile()
def dump(*_):
    profile.disable()
    profile.dump_stats(out)
signal.signal(signal.SIGUSR1, dump)
profile.enable()
sys.exit(main())
"""


# -- the callback receiver (its own process) --------------------------------------


class Receiver(asyncio.Protocol):
    """HTTP/1.1 keep-alive: stamp each complete request, answer 200, relay it on stdout."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end]
            match = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            length = int(match.group(1)) if match else 0
            if len(self.buffer) < end + 4 + length:
                return
            arrived = time.time()
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            assert self.transport is not None
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            self.out.write(b"%.6f %s\n" % (arrived, body))


async def receive(port: int) -> None:
    """Serve until stdin closes (the driver went away)."""
    out = sys.stdout.buffer
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Receiver(out), "127.0.0.1", port, backlog=4096)
    out.write(b"ready\n")
    out.flush()

    async def flush() -> None:
        while True:
            await asyncio.sleep(0.005)
            out.flush()

    flusher = asyncio.create_task(flush())
    await loop.run_in_executor(None, sys.stdin.buffer.read)
    flusher.cancel()
    server.close()


# -- the driver ----------------------------------------------------------------


@dataclass
class Call:
    """What the driver and the checks know about one call."""

    events: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    speaks_done: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)


def expected_sequence() -> list[str]:
    speak = ["speak:started", "speak:done"]
    return ["answer", *speak, *(f"dtmf:{d}" for d in DIGITS), "gather", *speak, "hangup"]


def label(event: dict[str, Any]) -> str:
    kind = str(event.get("eventType"))
    if kind == "speak":
        return f"speak:{event.get('status')}"
    if kind == "dtmf":
        return f"dtmf:{event.get('dtmfDigit')}"
    return kind


def api_epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all processes on the machine spent busy (everything but idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Driver:
    """Creates the calls and answers their events with the next REST step."""

    def __init__(self, http: httpx.AsyncClient, args: argparse.Namespace, callback: str) -> None:
        self.http = http
        self.args = args
        self.callback = callback
        self.calls: dict[str, Call] = {}
        self.created: list[str] = []
        self.rest_errors: Counter[str] = Counter()
        self.tasks: set[asyncio.Task[None]] = set()
        # httpx's pool rescans every queued request per connection change: keep it unqueued.
        self.slots = asyncio.Semaphore(DRIVER_CONNECTIONS)
        words = max(1, round(args.duration * WORDS_PER_SECOND))
        self.goodbye = " ".join(["goodbye"] * words)

    async def post(self, what: str, path: str, body: dict[str, Any]) -> httpx.Response | None:
        try:
            async with self.slots:
                response = await self.http.post(path, json=body)
        except httpx.HTTPError as exc:
            self.rest_errors[f"{what}: {exc.__class__.__name__}"] += 1
            return None
        if response.status_code >= 300:
            self.rest_errors[f"{what}: HTTP {response.status_code}"] += 1
            return None
        return response

    def call(self, call_id: str) -> Call:
        found = self.calls.get(call_id)
        if found is None:
            found = self.calls[call_id] = Call()
        return found

    async def create(self, caller: str) -> None:
        body = {"from": caller, "to": DIALED, "callbackUrl": self.callback}
        response = await self.post("create call", "calls", body)
        if response is not None:
            call_id = response.headers["location"].rsplit("/", 1)[1]
            self.call(call_id)
            self.created.append(call_id)

    def step(self, what: str, path: str, body: dict[str, Any]) -> None:
        task = asyncio.create_task(self._step(what, path, body))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _step(self, what: str, path: str, body: dict[str, Any]) -> None:
        await self.post(what, path, body)

    def on_event(self, arrived: float, event: dict[str, Any]) -> None:
        call_id = str(event.get("callId"))
        call = self.call(call_id)
        call.events.append((arrived, event))
        base = f"calls/{call_id}"
        kind = label(event)
        if kind == "answer":
            self.step("audio", base + "/audio", {"sentence": PROMPT})
        elif kind == "speak:done":
            call.speaks_done += 1
            if call.speaks_done == 1:
                gather = {"maxDigits": 10, "terminatingDigits": "#", "interDigitTimeout": 5}
                self.step("gather", base + "/gather", gather)
            else:
                self.step("hang up", base, {"state": "completed"})
        elif kind == "gather":
            self.step("audio", base + "/audio", {"sentence": self.goodbye})
        elif kind == "hangup":
            call.done.set()


async def relay_events(stdout: asyncio.StreamReader, driver: Driver) -> None:
    while line := await stdout.readline():
        stamp, _, body = line.partition(b" ")
        driver.on_event(float(stamp), json.loads(body))


async def wait_for_line(stream: asyncio.StreamReader, prefix: bytes, within: float) -> bytes:
    async with asyncio.timeout(within):
        while line := await stream.readline():
            if line.startswith(prefix):
                return line
    raise RuntimeError(f"process ended before printing {prefix!r}")


def out_of_order(events: list[dict[str, Any]]) -> bool:
    """Delivered in another order than emitted: `time` going back, or the call's own logic broken.

    `time` has millisecond resolution, so the event logic catches swaps within one millisecond:
    answer first, hangup last, speak started/done alternating, digits in the order pressed.
    """
    stamps = [api_epoch(e["time"]) for e in events]
    labels = [label(e) for e in events]
    if any(a > b for a, b in zip(stamps, stamps[1:], strict=False)):
        return True
    if labels[0] != "answer" or labels.count("answer") > 1 or "hangup" in labels[:-1]:
        return True
    speaks = [kind for kind in labels if kind.startswith("speak:")]
    if any(kind != ("speak:started", "speak:done")[i % 2] for i, kind in enumerate(speaks)):
        return True
    digits = "".join(kind[5:] for kind in labels if kind.startswith("dtmf:"))
    return not DIGITS.startswith(digits)


def check(driver: Driver, expected: list[str]) -> dict[str, Any]:
    """Per-call order and content checks, delays, peak concurrency."""
    violations, off_script, wrong_gather, incomplete = 0, 0, 0, 0
    delays: list[float] = []
    changes: list[tuple[float, int]] = []
    for call in (driver.calls[i] for i in driver.created):
        events = [e for _, e in call.events]
        if not events:
            incomplete += 1
            continue
        violations += out_of_order(events)
        labels = [label(e) for e in events]
        remaining = iter(expected)
        off_script += not all(kind in remaining for kind in labels)  # loss is not off-script
        incomplete += labels[-1] != "hangup"
        for event in events:
            if event.get("eventType") == "gather" and (
                event.get("digits") != DIGITS.rstrip("#")
                or event.get("reason") != "terminating-digit"
            ):
                wrong_gather += 1
        delays += [arrived - api_epoch(event["time"]) for arrived, event in call.events]
        for arrived, event in call.events:
            if event.get("eventType") == "answer":
                changes.append((arrived, 1))
            elif event.get("eventType") == "hangup":
                changes.append((arrived, -1))
    live = peak = 0
    for _, change in sorted(changes):
        live += change
        peak = max(peak, live)
    return {
        "violations": violations,
        "off_script": off_script,
        "incomplete": incomplete,
        "wrong_gather": wrong_gather,
        "delays": delays,
        "peak": peak,
    }


async def sample_cpu(pid: int, samples: list[tuple[float, float]]) -> None:
    while True:
        samples.append((time.monotonic(), cpu_seconds(pid)))
        await asyncio.sleep(1.0)


async def run(args: argparse.Namespace) -> int:
    sandbox_port, receiver_port = free_port(), free_port()
    errors = tempfile.NamedTemporaryFile(prefix="sandbox-bench-stderr-", delete=False)  # noqa: SIM115
    prefix = ["-c", PROFILED, args.profile] if args.profile else ["-m", "bwconsole"]
    sandbox = await asyncio.create_subprocess_exec(
        sys.executable, *prefix, "sandbox", "--port", str(sandbox_port),
        "--time-scale", str(args.time_scale), "--seed", "1",
        stdout=subprocess.PIPE, stderr=errors,
    )  # fmt: skip
    receiver = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--receive", str(receiver_port),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, limit=1 << 24,
    )  # fmt: skip
    assert sandbox.stdout is not None and receiver.stdout is not None
    try:
        await wait_for_line(sandbox.stdout, b"bwconsole sandbox listening", 30)
        await wait_for_line(receiver.stdout, b"ready", 30)
        return await drive(args, sandbox.pid, sandbox_port, receiver, receiver_port)
    finally:
        if args.profile and sandbox.returncode is None:
            sandbox.send_signal(signal.SIGUSR1)
            await asyncio.sleep(2)  # dumping happens between two bytecodes of a busy loop
        # The sandbox first: it may still be delivering to the receiver.
        for name, process in (("sandbox", sandbox), ("receiver", receiver)):
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            if process is receiver and receiver.stdin is not None:
                receiver.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                print(f"  ({name} did not stop within 20 s after SIGTERM: killed)")
                process.kill()
        errors.close()
        show_stderr(Path(errors.name))


def show_stderr(path: Path) -> None:
    """Point at what the sandbox logged (tracebacks), or drop the empty file."""
    logged = path.read_text(errors="replace").splitlines()
    if logged:
        first = next((line for line in logged if "Error" in line), logged[0])
        print(f"  sandbox stderr: {len(logged)} lines in {path}; e.g. {first.strip()}")
    else:
        path.unlink()


async def drive(
    args: argparse.Namespace,
    pid: int,
    sandbox_port: int,
    receiver: asyncio.subprocess.Process,
    receiver_port: int,
) -> int:
    assert receiver.stdout is not None
    base = f"http://127.0.0.1:{sandbox_port}/v1/users/{USER_ID}/"
    limits = httpx.Limits(
        max_connections=DRIVER_CONNECTIONS, max_keepalive_connections=DRIVER_CONNECTIONS
    )
    async with httpx.AsyncClient(
        base_url=base, auth=(TOKEN, SECRET), limits=limits, timeout=30
    ) as http:
        ordered = await http.post(
            f"http://127.0.0.1:{sandbox_port}/v1/availableNumbers/local",
            params={"areaCode": "919", "quantity": 1},
        )
        ordered.raise_for_status()
        caller = ordered.json()[0]["number"]
        driver = Driver(http, args, f"http://127.0.0.1:{receiver_port}/callbacks")
        relay = asyncio.create_task(relay_events(receiver.stdout, driver))
        samples: list[tuple[float, float]] = []
        rss0 = rss_mb(pid)
        sampler = asyncio.create_task(sample_cpu(pid, samples))
        pids = {"sandbox": pid, "receiver": receiver.pid, "driver": os.getpid()}
        t0, cpu0 = time.monotonic(), {name: cpu_seconds(p) for name, p in pids.items()}
        cpu0["machine"] = machine_busy_seconds()
        # API seconds a call lasts: answer 1 + prompt + wait 1 + digits ~2 + goodbye.
        lifetime = (1 + len(PROMPT.split()) * 0.4 + 3 + args.duration) / args.time_scale
        deadline = args.ramp + lifetime + args.grace
        timed_out = False
        try:
            async with asyncio.timeout(deadline):
                creates = []
                for index in range(args.calls):
                    await asyncio.sleep(
                        max(0.0, t0 + index * args.ramp / args.calls - time.monotonic())
                    )
                    creates.append(asyncio.create_task(driver.create(caller)))
                await asyncio.gather(*creates)
                await asyncio.gather(*(driver.call(i).done.wait() for i in driver.created))
        except TimeoutError:
            timed_out = True
        await asyncio.sleep(0.2)  # stragglers after the last hangup would be violations
        wall = time.monotonic() - t0
        cpu = {name: cpu_seconds(p) - cpu0[name] for name, p in pids.items()}
        cpu["others"] = machine_busy_seconds() - cpu0["machine"] - sum(cpu.values())
        rss1 = rss_mb(pid)
        sampler.cancel()
        relay.cancel()
        for task in list(driver.tasks):
            task.cancel()
    return report(args, driver, wall, cpu, samples, (rss0, rss1), timed_out)


def report(
    args: argparse.Namespace,
    driver: Driver,
    wall: float,
    cpu: dict[str, float],
    samples: list[tuple[float, float]],
    rss: tuple[float, float],
    timed_out: bool,
) -> int:
    expected = expected_sequence()
    result = check(driver, expected)
    if args.events_out:
        with open(args.events_out, "w") as out:
            for call_id in driver.created:
                for arrived, event in driver.calls[call_id].events:
                    out.write(json.dumps({"arrived": arrived, **event}) + "\n")
    completed = sum(1 for c in driver.calls.values() if c.done.is_set())
    events = sum(len(c.events) for c in driver.calls.values())
    created = set(driver.created)
    unknown = sum(len(c.events) for i, c in driver.calls.items() if i not in created)
    peak_cpu = max(
        ((c1 - c0) / (t1 - t0) for (t0, c0), (t1, c1) in zip(samples, samples[1:], strict=False)),
        default=float("nan"),
    )
    cores = cpu["sandbox"] / wall
    delays = result["delays"]
    measured = args.time_scale == 1
    p50, p99 = percentile(delays, 0.5) * 1000, percentile(delays, 0.99) * 1000
    print(f"sandbox benchmark: {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
    print(
        f"  calls {args.calls}, ramp {args.ramp:g} s, goodbye {args.duration:g} API s, "
        f"time-scale {args.time_scale:g}, {len(expected)} events a call expected"
    )
    print(f"  run time                 {wall:.1f} s{' (TIMED OUT)' if timed_out else ''}")
    print(f"  calls created (201)      {len(driver.created)} / {args.calls}")
    print(f"  calls completed          {completed} / {args.calls} (peak live {result['peak']})")
    print(f"  events received          {events} (expected {args.calls * len(expected)})")
    print(f"  per-call order violations {result['violations']}")
    print(f"  calls not hung up        {result['incomplete']}")
    print(
        f"  calls off the script     {result['off_script']} (e.g. digits pressed before the gather)"
    )
    print(f"  wrong gather results     {result['wrong_gather']}")
    print(f"  events for unknown calls {unknown}")
    print(f"  REST errors              {dict(driver.rest_errors) or 0}")
    print(f"  sandbox CPU              {cores:.2f} cores average, {peak_cpu:.2f} peak 1 s")
    print(
        f"  load side CPU            driver {cpu['driver'] / wall:.2f} cores, "
        f"receiver {cpu['receiver'] / wall:.2f} cores; "
        f"other processes on the machine {cpu['others'] / wall:.2f} cores"
    )
    print(f"  sandbox RSS              {rss[0]:.0f} -> {rss[1]:.0f} MB")
    if measured:
        print(
            f"  callback delay (time field -> arrival) p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
            f"max {max(delays, default=float('nan')) * 1000:.1f} ms"
        )
    else:
        print("  callback delay           n/a (only measured at --time-scale 1)")
    ordered = not (result["violations"] or result["incomplete"] or unknown or timed_out)
    ordered = ordered and len(driver.created) == args.calls
    targets = [
        ("all events delivered in per-call order", ordered and completed == args.calls),
        ("sandbox CPU < 1 core (and not saturated)", cores < 1.0 and not timed_out),
        ("p99 callback delay <= 50 ms", measured and p99 <= 50),
    ]
    for name, held in targets:
        verdict = "MET" if held else "MISSED"
        if name.startswith("p99") and not measured:
            verdict = "NOT MEASURED (needs --time-scale 1)"
        print(f"  target: {name:40} {verdict}")
    return 0 if all(held for _, held in targets) else 1


def cli() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--receive":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(receive(int(sys.argv[2])))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=1000, help="calls (default 1000)")
    parser.add_argument(
        "--time-scale", type=float, default=1.0, help="sandbox --time-scale (default 1)"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=20.0,
        help="API seconds of the goodbye each call speaks before hanging up (default 20)",
    )
    parser.add_argument(
        "--ramp", type=float, default=5.0, help="seconds over which calls are created (default 5)"
    )
    parser.add_argument(
        "--grace", type=float, default=60.0, help="extra seconds before giving up (default 60)"
    )
    parser.add_argument(
        "--events-out", metavar="FILE", help="write every event received (JSON lines) to FILE"
    )
    parser.add_argument("--profile", metavar="FILE", help="run the sandbox under cProfile to FILE")
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    cli()

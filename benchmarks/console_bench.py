"""Console benchmarks: event-to-screen lag and large panes, headless (docs/performance.md, "Console").

Run: `uv run python benchmarks/console_bench.py [--seconds 30] [--rows 100000]`

Event lag: a generator in the app's event loop emits call events at 100/s and
1,000/s touching 1,000 distinct calls, the way the live client will (plain
method calls: `app.add_event` plus an update of the call's row). The lag of an
event is the time from its emission to the end of the first frame rendered
after the console applied it (for the virtual table: after the per-frame flush
that draws it). The same load is sent to a naive stock `DataTable` app fed one
`post_message` per event, measured the same way, in the same run.

Large panes: 100,000 messages and 100,000 calls in their panes; prints the
fill time, the time to open a pane (key press to first frame), the time per
filter keystroke (key press to frame), per cursor key, and the process RSS.

Start-up: `bwconsole --sandbox` in a fresh process on a pseudo-terminal, timed from
the spawn to the moment the seeded Numbers rows reach the terminal (embedded
sandbox and relay up, the first pane loaded), median of `--startup-runs`; the same
for a bare Textual app's first frame, and the ratio; once with Python's bytecode
cache kept between runs (a user's normal case) and once compiling every module at
each start (`PYTHONDONTWRITEBYTECODE=1`). Only this section:
`uv run python benchmarks/console_bench.py --sections startup`.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import gc
import json
import multiprocessing
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.run import tune_gc
from bwconsole.tui.widgets.messages import MessagesPane

SIZE = (160, 48)
DISTINCT_CALLS = 1_000
STATES = ("ringing", "active", "completed")


@dataclass
class LiveEvent:
    """Shaped like the live client's events."""

    seq: int
    received_at: float
    body: str
    event: Any = None
    parse_error: str | None = None


def rss_mb() -> float:
    """Resident set size of this process now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class GcPauses:
    """Collects the duration of every full (generation 2) garbage collection."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self._start) * 1000)

    def close(self) -> None:
        gc.callbacks.remove(self._callback)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


class FrameClock:
    """Notes the end of every rendered frame of a screen, and settles waiting updates."""

    def __init__(self, screen: Screen[Any]) -> None:
        self.frames = 0
        self.applied: list[float] = []
        """Emission times of updates applied to widgets, waiting for the next frame."""
        self.lags: list[float] = []
        self._last_frame = 0.0
        self._frame = asyncio.Event()
        original = screen._compositor_refresh

        def refresh() -> None:
            original()
            now = time.perf_counter()
            self.frames += 1
            self._last_frame = now
            self._frame.set()
            if self.applied:
                self.lags.extend(now - sent for sent in self.applied)
                self.applied.clear()

        screen._compositor_refresh = refresh  # type: ignore[method-assign]

    async def next_frame(self, limit: float = 2.0) -> float:
        """Wait for the next frame (at most `limit` seconds); return its end time."""
        return await self.frame_since(self.frames, limit)

    async def frame_since(self, count: int, limit: float = 2.0) -> float:
        """Wait until a frame after frame number `count` ends; return its end time."""
        try:
            async with asyncio.timeout(limit):
                while self.frames == count:
                    self._frame.clear()
                    await self._frame.wait()
        except TimeoutError:
            pass
        return self._last_frame

    async def time_key(self, app: App[Any], key: str) -> float:
        """Send a key as the terminal driver would; return ms until the frame showing it ends.

        (Pilot's `press` waits for idle and adds its own pauses, so it is not used here.)
        """
        char = {"space": " ", "slash": "/"}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(app)
        count, start = self.frames, time.perf_counter()
        assert app._driver is not None
        app._driver.send_message(event)
        return (await self.frame_since(count) - start) * 1000


async def generate(rate: int, seconds: float, emit: Callable[[int, float], None]) -> int:
    """Call `emit(n, sent_time)` `rate` times a second for `seconds`; return how many were sent."""
    start = time.perf_counter()
    sent = 0
    while (now := time.perf_counter()) - start < seconds:
        due = int((now - start) * rate)
        while sent < due:
            emit(sent, time.perf_counter())
            sent += 1
        await asyncio.sleep(0.001)
    return sent


def call_body(n: int) -> tuple[str, dict[str, Any]]:
    call_id = f"c-{n % DISTINCT_CALLS:05d}"
    state = STATES[(n // DISTINCT_CALLS) % len(STATES)]
    return call_id, {"eventType": "answer", "callId": call_id, "callState": state, "n": n}


async def console_lag(rate: int, seconds: float, pane: str = "calls") -> dict[str, float]:
    """Event lag through the console's own feed methods, with `pane` on screen."""
    app = BwConsoleApp(initial_pane=pane)
    calls = app.pane("calls")
    for n in range(DISTINCT_CALLS):
        call_id, _ = call_body(n)
        calls.upsert(call_id, {"id": call_id, "state": "ringing", "from": "+15550000000"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock = FrameClock(app.screen)
        table = app.pane(pane).table
        pending: list[tuple[float, str | None]] = []
        """(emission time, the call row it changed; None on the Events log: always on top)"""
        original_flush = table.flush

        def flush() -> None:
            original_flush()
            # An update to a row off screen needs no frame: it is not waited for (it used to
            # be timed to whatever frame came next, which only came because the hidden
            # Events log repainted every frame; the console now mounts panes on first visit).
            top, shown = int(table.scroll_y), max(table.size.height - 1, 0)
            for sent, key in pending:
                index = None if key is None else table.model.index_of(key)
                if key is None or (index is not None and top <= index < top + shown):
                    clock.applied.append(sent)
            pending.clear()

        table.flush = flush  # type: ignore[method-assign]

        def emit(n: int, sent: float) -> None:
            call_id, payload = call_body(n)
            app.add_event(LiveEvent(seq=n + 1, received_at=time.time(), body=json.dumps(payload)))
            calls.upsert(call_id, {"id": call_id, "state": f"{payload['callState']} {n}"})
            pending.append((sent, call_id if pane == "calls" else None))

        frames_before = clock.frames
        sent = await generate(rate, seconds, emit)
        await clock.next_frame()
        await clock.next_frame()
        return summary(clock.lags, sent, (clock.frames - frames_before) / seconds, len(pending))


class NaiveApp(App[None]):
    """The reference: a stock DataTable, one post_message per event, update_cell per event."""

    class CallEvent(Message):
        def __init__(self, call_id: str, state: str, sent: float) -> None:
            super().__init__()
            self.call_id = call_id
            self.state = state
            self.sent = sent

    def __init__(self) -> None:
        super().__init__()
        self.clock: FrameClock | None = None

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Call", key="call")
        table.add_column("State", key="state")
        for n in range(DISTINCT_CALLS):
            call_id, _ = call_body(n)
            table.add_row(call_id, "ringing", key=call_id)

    def on_naive_app_call_event(self, event: CallEvent) -> None:
        self.query_one(DataTable).update_cell(event.call_id, "state", event.state)
        if self.clock is not None:
            self.clock.applied.append(event.sent)


async def naive_lag(rate: int, seconds: float) -> dict[str, float]:
    """Event lag through a stock DataTable fed one post_message per event."""
    app = NaiveApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock = FrameClock(app.screen)
        app.clock = clock

        def emit(n: int, sent: float) -> None:
            call_id, payload = call_body(n)
            app.post_message(NaiveApp.CallEvent(call_id, f"{payload['callState']} {n}", sent))

        frames_before = clock.frames
        sent = await generate(rate, seconds, emit)
        backlog: int = app._message_queue.qsize()
        # Let the backlog drain (bounded), so late events count with their real lag.
        try:
            async with asyncio.timeout(30):
                while len(clock.lags) < sent:
                    await clock.next_frame()
        except TimeoutError:
            pass
        return summary(clock.lags, sent, (clock.frames - frames_before) / seconds, backlog)


def summary(lags: list[float], sent: int, fps: float, backlog: int) -> dict[str, float]:
    return {
        "sent": sent,
        "shown": len(lags),
        "p50_ms": percentile(lags, 0.50) * 1000,
        "p99_ms": percentile(lags, 0.99) * 1000,
        "max_ms": max(lags, default=float("nan")) * 1000,
        "fps": fps,
        "backlog": backlog,
    }


async def large_panes(rows: int) -> dict[str, float]:
    """Open, filter and move through panes of `rows` messages and `rows` calls."""
    app = BwConsoleApp(initial_pane="events")
    started = time.perf_counter()
    messages, calls = app.pane("messages"), app.pane("calls")
    assert isinstance(messages, MessagesPane)
    for n in range(rows):
        # 10,000 conversations of 10 messages, in and out, between parties and the account.
        party, account = f"+1919555{n % 10_000:04d}", "+19195550000"
        inbound = n % 2 == 1
        messages.add_message(
            f"m-{n:06d}",
            {
                "time": 1_780_000_000 + n,
                "direction": "in" if inbound else "out",
                "from": party if inbound else account,
                "to": account if inbound else party,
                "state": "received" if inbound else "delivered",
                "text": f"message number {n} about order {n * 7 % 100_003}",
            },
        )
        calls.upsert(
            f"c-{n:06d}",
            {"id": f"c-{n:06d}", "state": STATES[n % 3], "from": f"+1919555{n % 10_000:04d}"},
        )
    fill = time.perf_counter() - started
    figures: dict[str, float] = {"fill_s": fill}
    gc_pauses = GcPauses()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock = FrameClock(app.screen)
        for key, name in (("2", "open_calls_ms"), ("4", "open_messages_ms")):
            figures[name] = await clock.time_key(app, key)
            await pilot.pause(0.1)

        async def filter_keystrokes(pane_key: str, typed: str) -> list[float]:
            """Open a pane, press `/` and type `typed` (narrowing to one party's number)."""
            await clock.time_key(app, pane_key)
            await clock.time_key(app, "slash")
            keystrokes = []
            for char in typed:
                keystrokes.append(await clock.time_key(app, char))
                await pilot.pause(0.05)
            return keystrokes

        for pane_key, name, pane in (("2", "calls", calls), ("4", "messages", messages)):
            keystrokes = await filter_keystrokes(pane_key, "5550123")
            figures[f"{name}_rows"] = pane.model.total
            figures[f"{name}_filter_keystroke_p50_ms"] = statistics.median(keystrokes)
            figures[f"{name}_filter_keystroke_max_ms"] = max(keystrokes)
            figures[f"{name}_filter_matches"] = len(pane.model)
            await clock.time_key(app, "escape")
        moves = []
        for key in ["down"] * 20 + ["pagedown"] * 20 + ["end", "home"]:
            moves.append(await clock.time_key(app, key))
            await pilot.pause(0.02)
        figures["cursor_key_p50_ms"] = statistics.median(moves)
        figures["cursor_key_max_ms"] = max(moves)
        figures["rss_mb"] = rss_mb()
    gc_pauses.close()
    figures["full_gc_count"] = len(gc_pauses.pauses)
    figures["full_gc_max_ms"] = max(gc_pauses.pauses, default=0.0)
    return figures


BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("bare textual app: first frame")

Bare().run()
"""


def time_to_screen(
    command: list[str], shows: tuple[bytes, ...], env: dict[str, str], limit: float = 30.0
) -> float:
    """Seconds from spawning `command` on a pseudo-terminal (SIZE) to one of `shows` in its
    output.

    The process is a fresh interpreter, as a user's is; it is ended (its process
    group) once the text appears.
    """
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True
    )
    os.close(follower)
    seen = b""
    try:
        while not any(text in seen for text in shows):
            left = limit - (time.perf_counter() - start)
            if left <= 0 or process.poll() is not None:
                tail = seen[-400:].decode("utf-8", "replace")
                raise RuntimeError(f"{shows!r} never appeared on {command}; last output: {tail}")
            ready, _, _ = select.select([leader], [], [], min(left, 0.5))
            if ready:
                try:
                    seen = seen[-4096:] + os.read(leader, 65536)
                except OSError:  # the terminal closed: the process ended
                    continue
        return time.perf_counter() - start
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(leader)


def startup(runs: int, *, bytecode_cached: bool) -> dict[str, float]:
    """Median start-up of `bwconsole --sandbox` (state kept between runs, as for a returning
    user; also `--fresh`) and of a bare Textual app, each in fresh processes.

    With `bytecode_cached`, Python caches compiled modules between runs (in a temporary
    `PYTHONPYCACHEPREFIX`, leaving the checkout untouched), as it does for a user after the
    first start. Without, `PYTHONDONTWRITEBYTECODE=1` leaves only the bytecode the install
    compiled (`uv sync --compile-bytecode`, docs/decisions/007-bytecode.md) and every start
    compiles bwconsole's own modules, as in a workplace that sets that variable.
    """
    from bwconsole.sandbox.seed import APPLICATION_NAME

    script = Path(sys.executable).with_name("bwconsole")
    console = [str(script)] if script.exists() else [sys.executable, "-m", "bwconsole"]
    # A numbers row names the seeded application: the first pane is loaded and drawn.
    loaded = (APPLICATION_NAME.encode(),)
    with tempfile.TemporaryDirectory(prefix="bwconsole-startup-") as home:
        unset = ("COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE")
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env |= {
            "TERM": "xterm-256color",
            "BWCONSOLE_DATA_DIR": str(Path(home, "data")),
            "BWCONSOLE_CONFIG_DIR": str(Path(home, "config")),
        }
        if bytecode_cached:
            env["PYTHONPYCACHEPREFIX"] = str(Path(home, "pycache"))
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        # Create the state once (and the bytecode cache, when kept); a first run may show
        # the welcome panel over the rows.
        time_to_screen([*console, "--sandbox", "--fresh"], (*loaded, b"Welcome to bwconsole"), env)
        time_to_screen([sys.executable, "-c", BARE_APP], (b"first frame",), env)
        kept, fresh, bare = [], [], []
        for _ in range(runs):
            kept.append(time_to_screen([*console, "--sandbox"], loaded, env))
            fresh.append(time_to_screen([*console, "--sandbox", "--fresh"], loaded, env))
            bare.append(time_to_screen([sys.executable, "-c", BARE_APP], (b"first frame",), env))
    figures = {
        "bwconsole_sandbox_s": statistics.median(kept),
        "bwconsole_sandbox_max_s": max(kept),
        "bwconsole_sandbox_fresh_s": statistics.median(fresh),
        "bare_textual_s": statistics.median(bare),
    }
    figures["ratio_to_bare"] = figures["bwconsole_sandbox_s"] / figures["bare_textual_s"]
    return figures


LAG_RUNS: dict[str, Callable[[int, float], Coroutine[Any, Any, dict[str, float]]]] = {
    "console, Calls pane": console_lag,
    "console, Events pane": partial(console_lag, pane="events"),
    "naive DataTable": naive_lag,
}


def lag_run(label: str, rate: int, seconds: float, tuned_gc: bool) -> dict[str, float]:
    """One lag measurement (run in a fresh process by `main`)."""
    if tuned_gc:
        tune_gc()
    return asyncio.run(LAG_RUNS[label](rate, seconds))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="seconds per lag run (performance.md: 30)"
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows per large pane")
    parser.add_argument("--rates", default="100,1000", help="event rates to measure, per second")
    parser.add_argument(
        "--default-gc", action="store_true", help="keep Python's GC thresholds (no tune_gc)"
    )
    parser.add_argument(
        "--sections", default="lag,large,startup", help="which parts to run (comma-separated)"
    )
    parser.add_argument("--startup-runs", type=int, default=7, help="processes per start-up median")
    args = parser.parse_args()
    sections = set(args.sections.split(","))
    if not args.default_gc:
        tune_gc()  # as `bwconsole` does at start-up
    print(
        f"console benchmark: python {sys.version.split()[0]}, {args.seconds:g} s per lag run, "
        f"gc thresholds {gc.get_threshold()}"
    )
    rates = [int(r) for r in args.rates.split(",")] if "lag" in sections else []
    # Each run in a fresh process: what one run leaves on the heap would otherwise
    # lengthen the garbage collections of the next.
    spawn = multiprocessing.get_context("spawn")
    for rate in rates:
        for label in LAG_RUNS:
            with ProcessPoolExecutor(1, mp_context=spawn) as pool:
                future = pool.submit(lag_run, label, rate, args.seconds, not args.default_gc)
                r = future.result()
            print(
                f"lag {rate:>5}/s {label:<21} p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  "
                f"max {r['max_ms']:7.1f} ms  frames/s {r['fps']:5.1f}  shown {r['shown']}/{r['sent']}  "
                f"backlog at end {r['backlog']}"
            )
    if "large" in sections:
        figures = asyncio.run(large_panes(args.rows))
        print(f"large panes ({args.rows:,} messages + {args.rows:,} calls):")
        for name, value in figures.items():
            print(f"  {name:<34} {value:10.1f}")
    if "startup" in sections:
        for cached in (True, False):
            started = startup(args.startup_runs, bytecode_cached=cached)
            how = "bytecode cached" if cached else "PYTHONDONTWRITEBYTECODE=1"
            print(
                f"start-up to first paint, {how} "
                f"(median of {args.startup_runs} processes, {SIZE[0]}x{SIZE[1]}):"
            )
            print(
                f"  bwconsole --sandbox          {started['bwconsole_sandbox_s']:6.3f} s  "
                f"(max {started['bwconsole_sandbox_max_s']:.3f} s; target <= 1.0 s)"
            )
            print(f"  bwconsole --sandbox --fresh  {started['bwconsole_sandbox_fresh_s']:6.3f} s")
            print(f"  bare Textual app             {started['bare_textual_s']:6.3f} s")
            print(f"  ratio to the bare app        {started['ratio_to_bare']:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The console's side of the relay: follow a channel, resume, ack, reconnect, answer BXML.

`LiveClient` keeps one websocket to the relay's `/events/{channel}`. It
resumes from the last seq it processed (kept in a small state file, written
atomically), acks as it goes, and treats a connection on which nothing, not
even a ping, arrived for three ping intervals as dead: it then reconnects
with jittered exponential backoff. A console must never look connected while
nothing arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import os
import random
import re
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus, WebSocketException

from bwconsole.live_frames import (
    BxmlRequest,
    Forwarded,
    LiveEvent,
    event_from_frame,
    forwarded_from_frame,
)
from bwconsole.relay_urls import relay_urls

__all__ = [
    "BxmlRequest",
    "Forwarded",
    "LiveClient",
    "LiveEvent",
    "LiveState",
    "event_from_frame",
]

LiveState = Literal["connecting", "connected", "reconnecting", "stopped"]

_log = logging.getLogger(__name__)

#: ping interval assumed until the relay's first ping says otherwise
DEFAULT_PING_INTERVAL = 5.0
#: seconds between writes of the state file (acks are sent sooner)
STATE_WRITE_INTERVAL = 0.5
ACK_INTERVAL = 0.05


def _ws_base(url: str) -> str:
    url = url.rstrip("/")
    if url.startswith("http://"):
        return "ws://" + url[len("http://") :]
    if url.startswith("https://"):
        return "wss://" + url[len("https://") :]
    return url


class _Dead(Exception):
    """Nothing arrived within the allowed silence."""


class LiveClient:
    """Follows one relay channel and hands its events to the console.

    Args:
        url: the relay's base URL (`https://relay.example.com`, `ws://127.0.0.1:8765`).
        channel: the channel the application's callback URLs post to.
        token: a bearer token from the relay's token file.
        state_path: where the last acked seq is kept: a directory (the file is then
            `live-{channel}.json` in it) or a file path ending in a suffix; None keeps
            it in memory only (a restart then replays the channel from its start).
        on_event: called for each event in seq order; the event is acked once it returns.
        on_state: called with each new connection state.
        on_request: answers BXML requests with a BXML document, or None for the relay's
            fallback at once; without it the relay never asks this console.
        backoff: (first, maximum) reconnect delay in seconds; each delay is jittered.
        history: at start, replay up to this many of the events processed in an earlier
            run (marked `history=True`) before the new ones, so a restarted console shows
            what happened before it stopped; the relay keeps them for exactly this.
        after: replay from the event after this seq instead of the saved position
            (`bwconsole listen --from`); the position is saved as events are processed.
        forwarder: say so to the relay (`role=forwarder`): the channel's other
            subscribers then learn this one's name and its `report_forwarded` reports.
        on_forwarders: called with the names of the channel's forwarders whenever
            they change (a `bwconsole listen` started or stopped).
        on_forwarded: called with each delivery report of a forwarder.
        save_every: seconds between writes of the state file at most (each write is
            an fsync); `bwconsole listen` writes after every ack, so a crash repeats
            only the events of the last ack interval.
        read_ahead: with N > 0, up to N event frames are read ahead of the one
            `on_event` is handling, so BXML requests and pings still get through
            while it waits (`bwconsole listen` retrying an app that is down).
        subscriber: the name acks are recorded under when the state file has none yet
            (default `{host}-{random}`); `bwconsole listen` names itself `listen-…` so a
            console can tell that events are also being forwarded.
    """

    def __init__(
        self,
        url: str,
        channel: str,
        token: str,
        *,
        state_path: Path | None,
        on_event: Callable[[LiveEvent], Awaitable[None] | None],
        on_state: Callable[[str], None] | None = None,
        on_request: Callable[[BxmlRequest], Awaitable[str | None]] | None = None,
        backoff: tuple[float, float] = (0.5, 30.0),
        history: int = 0,
        after: int | None = None,
        subscriber: str | None = None,
        forwarder: bool = False,
        read_ahead: int = 0,
        save_every: float = STATE_WRITE_INTERVAL,
        on_forwarders: Callable[[tuple[str, ...]], None] | None = None,
        on_forwarded: Callable[[Forwarded], None] | None = None,
    ) -> None:
        self.url = _ws_base(url)
        self.channel = channel
        self._token = token
        self._on_event = on_event
        self._on_state = on_state
        self._on_request = on_request
        self._forwarder = forwarder
        self._read_ahead = read_ahead
        self._save_every = save_every
        self._on_forwarders = on_forwarders
        self._on_forwarded = on_forwarded
        self.forwarders: tuple[str, ...] = ()
        """The channel's forwarders, as the last ping said."""
        self._ws: ClientConnection | None = None
        self._backoff = backoff
        self._history = max(0, history)
        self._replayed: int | None = None
        """While the history is replayed: the seq of the last history event handed on."""
        self._state: LiveState = "stopped"
        self._file = self._state_file(state_path)
        self._last_seq = 0
        self._acked = 0
        self._saved = 0.0
        self._written_seq = -1
        self._save_lock = threading.Lock()
        self._subscriber = ""
        self._after = after
        self._name = subscriber
        self._task: asyncio.Task[None] | None = None
        self._ack_wake = asyncio.Event()
        self._requests: set[asyncio.Task[None]] = set()
        self.last_error: str | None = None
        """Why the last connection attempt failed or the last connection ended."""

    @property
    def state(self) -> LiveState:
        """`connecting`, `connected`, `reconnecting` or `stopped`."""
        return self._state

    @property
    def last_seq(self) -> int:
        """The seq of the last event processed (and acked) on this channel."""
        return self._last_seq

    @property
    def replaying(self) -> bool:
        """True from `start` until the last event of the history has been handed on."""
        return self._replayed is not None and self._replayed < self._last_seq

    async def start(self) -> None:
        """Load the saved position and start following in the background."""
        if self._task is not None:
            return
        self._load()
        if self._history and self._last_seq:
            self._replayed = max(0, self._last_seq - self._history)
        self._set_state("connecting")
        self._task = asyncio.create_task(self._run(), name=f"live-{self.channel}")

    async def stop(self) -> None:
        """Disconnect, save the position and stop (idempotent)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for request in list(self._requests):
            request.cancel()
        self._save()
        self._set_state("stopped")

    # -- connection loop -------------------------------------------------

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                async with connect(
                    self._url(),
                    additional_headers={"Authorization": f"Bearer {self._token}"},
                    open_timeout=10,
                    close_timeout=1,
                    ping_interval=None,  # the relay's ping frames tell liveness
                    max_size=16 * 1024 * 1024,  # a 1 MiB body can take ~4 MiB as a frame
                ) as ws:
                    attempt = 0
                    self.last_error = None
                    self._set_state("connected")
                    await self._follow(ws)
            except asyncio.CancelledError:
                raise
            except InvalidStatus as exc:
                self.last_error = f"relay refused the connection: HTTP {exc.response.status_code}"
            except (OSError, TimeoutError, WebSocketException, _Dead, ValueError) as exc:
                self.last_error = str(exc) or type(exc).__name__
            except Exception as exc:  # keep following whatever happened; say what it was
                _log.exception("live connection to %s failed", self.url)
                self.last_error = f"{type(exc).__name__}: {exc}"
            self._save()
            self._set_state("reconnecting")
            first, cap = self._backoff
            await asyncio.sleep(min(cap, first * 2**attempt) * random.uniform(0.5, 1.0))
            attempt = min(attempt + 1, 30)

    def _url(self) -> str:
        after = self._last_seq if self._replayed is None else self._replayed
        query = f"after={after}&subscriber={quote(self._subscriber)}&batch=1"
        if self._on_request is None:
            query += "&requests=0"
        if self._forwarder:
            query += "&role=forwarder"
        return f"{relay_urls(self.url, self.channel).events}?{query}"

    async def _follow(self, ws: ClientConnection) -> None:
        acker = asyncio.create_task(self._ack_loop(ws))
        silence = 3 * DEFAULT_PING_INTERVAL
        self._ws = ws
        ahead: asyncio.Queue[dict[str, Any]] | None = None
        worker: asyncio.Task[None] | None = None
        if self._read_ahead > 0:
            ahead = asyncio.Queue(self._read_ahead)
            worker = asyncio.create_task(self._event_worker(ahead))
        try:
            while True:
                if worker is not None and worker.done():
                    worker.result()  # a failure of the worker ends the connection, said why
                try:
                    async with asyncio.timeout(silence):
                        raw = await ws.recv()
                except TimeoutError:
                    raise _Dead(f"nothing from the relay for {silence:g} s") from None
                text = raw if isinstance(raw, str) else raw.decode()
                for line in text.split("\n"):  # batched messages carry one frame a line
                    frame = json.loads(line)
                    if (
                        ahead is not None
                        and isinstance(frame, dict)
                        and frame.get("type") == "event"
                    ):
                        await ahead.put(frame)  # waits while `read_ahead` frames are pending
                    else:
                        silence = await self._handle_frame(ws, frame, silence)
        finally:
            if worker is not None:  # the event in hand stays unacked: it comes again
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            self._ws = None
            self._set_forwarders([])
            acker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await acker
            with contextlib.suppress(Exception):
                await self._send_ack(ws)

    async def _event_worker(self, ahead: asyncio.Queue[dict[str, Any]]) -> None:
        while True:
            await self._handle_event(await ahead.get())

    async def _handle_frame(self, ws: ClientConnection, frame: Any, silence: float) -> float:
        """Act on one frame; return the allowed silence (a ping may change it)."""
        kind = frame.get("type") if isinstance(frame, dict) else None
        if kind == "ping":
            interval = float(frame.get("interval") or DEFAULT_PING_INTERVAL)
            self._check_position(frame.get("last_seq"))
            self._set_forwarders(frame.get("forwarders") or [])
            return max(3 * interval, interval + 1.0)
        if kind == "forwarded" and self._on_forwarded is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                self._on_forwarded(forwarded_from_frame(frame))
        if kind == "event":
            await self._handle_event(frame)
        elif kind == "request" and self._on_request is not None:
            task = asyncio.create_task(self._answer(ws, frame))
            self._requests.add(task)
            task.add_done_callback(self._requests.discard)
        return silence

    def _set_forwarders(self, names: Any) -> None:
        found = tuple(str(name) for name in names) if isinstance(names, list) else ()
        if found != self.forwarders:
            self.forwarders = found
            if self._on_forwarders is not None:
                self._on_forwarders(found)

    async def report_forwarded(
        self, seq: int, status: int | str, latency_ms: float | None = None
    ) -> None:
        """Tell the channel's other subscribers how delivering `seq` went (a forwarder only).

        Best effort: with no connection right now the report is dropped.
        """
        ws = self._ws
        if ws is None or not self._forwarder:
            return
        report: dict[str, Any] = {"type": "forwarded", "seq": seq, "status": status}
        if latency_ms is not None:
            report["latency_ms"] = round(latency_ms, 1)
        with contextlib.suppress(WebSocketException):
            await ws.send(json.dumps(report))

    def _check_position(self, relay_last: Any) -> None:
        """Start over when the relay's log ends before our saved position (its store was reset)."""
        if isinstance(relay_last, int) and relay_last < self._last_seq:
            self._last_seq = self._acked = 0
            self._replayed = None
            self._written_seq = -1
            self._save()
            raise _Dead(
                f"the relay's channel ends at seq {relay_last}: its log was reset; replaying it"
            )

    async def _handle_event(self, frame: dict[str, Any]) -> None:
        seq = int(frame["seq"])
        if seq <= self._last_seq:
            if self._replayed is not None and seq > self._replayed:
                await self._deliver(event_from_frame(frame, history=True))
                self._replayed = seq  # a reconnect during the history goes on from here
            return  # otherwise already processed (a replay overlapping what we had)
        self._replayed = None
        await self._deliver(event_from_frame(frame))
        self._last_seq = seq
        self._ack_wake.set()

    async def _deliver(self, live: LiveEvent) -> None:
        try:
            result = self._on_event(live)
            if inspect.isawaitable(result):
                await result
        except Exception:
            # a bug in one handler must not stall the stream: the event counts as processed
            _log.exception("on_event failed for seq %d on %s", live.seq, self.channel)

    async def _answer(self, ws: ClientConnection, frame: dict[str, Any]) -> None:
        assert self._on_request is not None
        deadline = frame.get("deadline")
        request = BxmlRequest(
            str(frame.get("id", "")),
            event_from_frame(frame),
            deadline=deadline if isinstance(deadline, str) else None,
        )
        try:
            body = await self._on_request(request)
        except Exception:
            _log.exception("on_request failed; the relay will answer with its fallback")
            return
        answer: dict[str, Any] = {"type": "response", "id": request.id}
        answer.update({"fallback": True} if body is None else {"body": body})
        with contextlib.suppress(WebSocketException):
            await ws.send(json.dumps(answer))

    # -- acks and the state file ----------------------------------------

    async def _ack_loop(self, ws: ClientConnection) -> None:
        while True:
            await self._ack_wake.wait()
            self._ack_wake.clear()
            await self._send_ack(ws)
            if time.monotonic() - self._saved >= self._save_every:
                await asyncio.to_thread(self._save)
            await asyncio.sleep(ACK_INTERVAL)  # coalesce a burst into one ack

    async def _send_ack(self, ws: ClientConnection) -> None:
        if self._last_seq > self._acked:
            seq = self._last_seq
            await ws.send(json.dumps({"type": "ack", "seq": seq}))
            self._acked = seq

    @staticmethod
    def _state_file_name(channel: str) -> str:
        return "live-" + re.sub(r"[^A-Za-z0-9._-]", "_", channel) + ".json"

    def _state_file(self, state_path: Path | None) -> Path | None:
        if state_path is None:
            return None
        if state_path.is_dir() or not state_path.suffix:
            return state_path / self._state_file_name(self.channel)
        return state_path

    def _load(self) -> None:
        saved: dict[str, Any] = {}
        if self._file is not None:
            with contextlib.suppress(OSError, ValueError):
                saved = json.loads(self._file.read_text())
        if saved.get("url") == self.url and saved.get("channel") == self.channel:
            self._last_seq = self._acked = int(saved.get("last_seq", 0))
        if self._after is not None:
            self._last_seq = self._acked = max(0, self._after)
        self._subscriber = str(saved.get("subscriber") or self._name or "")
        if not self._subscriber:
            host = re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname())[:40] or "console"
            self._subscriber = f"{host}-{random.getrandbits(32):08x}"

    def _save(self) -> None:
        self._saved = time.monotonic()
        if self._file is None:
            return
        with self._save_lock:  # the ack loop saves from a worker thread
            if self._last_seq >= self._written_seq:
                self._write_state()

    def _write_state(self) -> None:
        assert self._file is not None
        data: dict[str, Any] = {
            "url": self.url,
            "channel": self.channel,
            "last_seq": self._last_seq,
            "subscriber": self._subscriber,
        }
        self._file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._file.with_name(self._file.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._file)
        self._written_seq = int(data["last_seq"])

    def _set_state(self, state: LiveState) -> None:
        if state != self._state:
            self._state = state
            if self._on_state is not None:
                self._on_state(state)

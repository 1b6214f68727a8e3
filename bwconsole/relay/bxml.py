"""BXML routing: ask one connected console for the answer to a BXML request.

The v1 API waits at most 10 s for a BXML reply, so the relay never waits
longer than its own timeout (5 s by default): with no console, a console
that does not answer in time, or one that disconnects, the caller gets the
fallback document instead.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Protocol

from bwconsole.relay.hub import Hub, Subscriber
from bwconsole.relay.model import Incoming, StoredEvent, encode_request

__all__ = ["DEFAULT_FALLBACK_BXML", "BxmlRouter", "Routed", "Router"]

DEFAULT_FALLBACK_BXML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<Response>"
    '<SpeakSentence gender="female" locale="en_US" voice="susan">'
    "Sorry, the console for this number is not connected. Goodbye."
    "</SpeakSentence>"
    "<Hangup/>"
    "</Response>\n"
)
"""What a caller hears when no console answers: a short sentence, then the call ends."""


class _ConsoleGone(Exception):
    """The console asked to answer disconnected before it did."""


@dataclass(frozen=True, slots=True)
class Routed:
    """The BXML to return and where it came from (`console`, `no-console` or `timeout`)."""

    body: str
    source: str


class Router(Protocol):
    """What the relay needs from BXML routing: this instance's consoles only, or several instances'."""

    async def start(self) -> None:
        """Start any background work (called once the store is open)."""

    async def stop(self) -> None:
        """Stop the background work."""

    async def ask(self, incoming: Incoming, stored: StoredEvent, deadline: float) -> Routed:
        """Get the BXML for a stored request from one console by `deadline` (loop time), or the fallback."""
        ...

    def answer(self, subscriber: Subscriber, request_id: str, body: str) -> bool:
        """Deliver a console's `response` frame."""
        ...

    async def joined(self, subscriber: Subscriber) -> None:
        """`subscriber` now receives live frames and may be asked."""

    def disconnected(self, subscriber: Subscriber) -> None:
        """`subscriber` is gone: move what it was asked elsewhere."""


class BxmlRouter:
    """Sends `request` frames to consoles and matches their `response` frames.

    Args:
        hub: where the connected consoles are.
        timeout: seconds to wait for a console's answer.
        fallback: the BXML returned when no console answers.
    """

    def __init__(self, hub: Hub, *, timeout: float, fallback: str) -> None:
        self.hub = hub
        self.timeout = timeout
        self.fallback = fallback
        self._pending: dict[str, tuple[asyncio.Future[str], Subscriber]] = {}

    async def start(self) -> None:
        """Nothing runs in the background."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def joined(self, subscriber: Subscriber) -> None:
        """The hub already lists it: nothing else to do on one instance."""

    def has_console(self, channel: str) -> bool:
        """Whether a console on this instance could answer a request on `channel`."""
        return any(s.answers_requests and s.closing is None for s in self.hub.subscribers(channel))

    async def ask(self, incoming: Incoming, stored: StoredEvent, deadline: float) -> Routed:
        """Ask the newest connected console on the channel; fall back when none answers by `deadline`."""
        request_id = uuid.uuid4().hex
        within = deadline - asyncio.get_running_loop().time()
        frame = encode_request(incoming, stored.seq, request_id, time.time() + within)
        return await self.ask_frame(incoming.channel, request_id, frame, within)

    async def ask_frame(self, channel: str, request_id: str, frame: str, within: float) -> Routed:
        """Send an encoded `request` frame to this instance's consoles, newest first.

        A console that disconnects before answering hands the request to the
        next one; the whole exchange takes at most `within` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        tried: set[int] = set()
        while True:
            candidates = [
                s
                for s in self.hub.subscribers(channel)
                if s.answers_requests and s.closing is None and s.connection_id not in tried
            ]
            remaining = deadline - loop.time()
            if not candidates:
                return Routed(self.fallback, "timeout" if tried else "no-console")
            if remaining <= 0:
                return Routed(self.fallback, "timeout")
            console = candidates[-1]
            tried.add(console.connection_id)
            future: asyncio.Future[str] = loop.create_future()
            self._pending[request_id] = (future, console)
            console.push(None, frame)
            try:
                return Routed(await asyncio.wait_for(future, remaining), "console")
            except TimeoutError:
                return Routed(self.fallback, "timeout")
            except _ConsoleGone:
                continue
            finally:
                self._pending.pop(request_id, None)

    def answer(self, subscriber: Subscriber, request_id: str, body: str) -> bool:
        """Deliver a console's `response` frame; False when nothing (or someone else) asked."""
        pending = self._pending.get(request_id)
        if pending is None or pending[1] is not subscriber or pending[0].done():
            return False
        pending[0].set_result(body)
        return True

    def disconnected(self, subscriber: Subscriber) -> None:
        """Move requests waiting on `subscriber` to another console (or the fallback)."""
        for future, console in list(self._pending.values()):
            if console is subscriber and not future.done():
                future.set_exception(_ConsoleGone())

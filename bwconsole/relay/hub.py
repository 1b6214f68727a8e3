"""Live fan-out: every connected subscriber of a channel gets each event frame.

`publish` never waits: it appends the already-encoded frame to each
subscriber's bounded queue. A queue is bounded twice, in frames and in bytes
(one large callback must not let a stalled console hold gigabytes). A
subscriber over either bound is marked for disconnection (it resumes from
its last ack), so a slow console costs the others and ingress nothing.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from dataclasses import dataclass, field

from bwconsole.relay.model import StoredEvent
from bwconsole.relay.tokens import Grant

__all__ = ["CLOSE_SLOW_CONSUMER", "Hub", "Subscriber"]

#: websocket close code for a consumer whose queue overflowed (private-use range)
CLOSE_SLOW_CONSUMER = 4008

_ids = itertools.count(1)


@dataclass(eq=False)
class Subscriber:
    """One websocket connection following one channel."""

    channel: str
    name: str
    """The subscriber's name for acks (`?subscriber=`), or a per-connection one."""
    limit: int
    """Frames queued at most (pings aside)."""
    limit_bytes: int = 64 * 1024 * 1024
    """Characters of frames queued at most (frames are ASCII JSON: characters are bytes)."""
    grant: Grant | None = None
    """The token the console connected with (None for embedded and test subscribers)."""
    answers_requests: bool = True
    batch: bool = False
    """Several frames per websocket message, one per line (`?batch=1`): fewer sends under load."""
    connection_id: int = field(default_factory=lambda: next(_ids))
    connected_at: float = field(default_factory=time.time)
    acked: int = 0
    sent_seq: int = 0
    queue: deque[tuple[int | None, str]] = field(default_factory=deque)
    queued_bytes: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closing: tuple[int, str] | None = None
    """Set once the subscriber must be disconnected: (close code, reason)."""
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set with `closing`, so a handler blocked on a full socket still notices."""
    following: bool = False
    """Counted by a shared store's `follow` (undone on disconnect)."""
    forwarder: bool = False
    """Forwards events to an app elsewhere (`?role=forwarder`: `bwconsole listen`); the
    channel's other subscribers are told its name in pings and its deliveries."""

    @property
    def key(self) -> str:
        """The name its acks are recorded under: the name, owned by the token that used it.

        Two tokens using one `subscriber=` name get two records, so one token
        holder cannot move another console's recorded ack.
        """
        return self.name if self.grant is None else f"{self.name}@{self.grant.token_id}"

    def push(self, seq: int | None, frame: str) -> None:
        """Queue a frame; past either bound, mark the subscriber as too slow instead."""
        if self.closing is not None:
            return
        if len(self.queue) >= self.limit:
            self._overflow(f"more than {self.limit} frames queued")
            return
        if self.queued_bytes + len(frame) > self.limit_bytes:
            self._overflow(f"more than {self.limit_bytes} bytes queued")
            return
        self.queue.append((seq, frame))
        self.queued_bytes += len(frame)
        self.wake.set()

    def push_control(self, frame: str) -> None:
        """Queue a small frame that does not count against the limits (pings)."""
        if self.closing is None:
            self.queue.append((None, frame))
            self.queued_bytes += len(frame)
            self.wake.set()

    def pop(self) -> tuple[int | None, str]:
        """The oldest queued frame, taken off the queue and its byte count."""
        seq, frame = self.queue.popleft()
        self.queued_bytes -= len(frame)
        return seq, frame

    def _overflow(self, what: str) -> None:
        self.queue.clear()
        self.queued_bytes = 0
        self.close(CLOSE_SLOW_CONSUMER, f"slow consumer: {what}; resume from your last ack")

    def close(self, code: int, reason: str) -> None:
        """Ask the connection's handler to close with `code` and `reason`."""
        if self.closing is None:
            self.closing = (code, reason)
            self.wake.set()
            self.closed.set()


class Hub:
    """The subscribers of every channel, and the fan-out to them."""

    def __init__(self) -> None:
        self._channels: dict[str, list[Subscriber]] = {}

    def add(self, subscriber: Subscriber) -> None:
        """Start delivering live events of its channel to `subscriber`."""
        self._channels.setdefault(subscriber.channel, []).append(subscriber)

    def remove(self, subscriber: Subscriber) -> None:
        """Stop delivering to `subscriber` (idempotent)."""
        subscribers = self._channels.get(subscriber.channel, [])
        if subscriber in subscribers:
            subscribers.remove(subscriber)
        if not subscribers:
            self._channels.pop(subscriber.channel, None)

    def subscribers(self, channel: str) -> list[Subscriber]:
        """The subscribers following `channel`, oldest connection first."""
        return list(self._channels.get(channel, ()))

    def channels(self) -> list[str]:
        """Channels with at least one subscriber."""
        return list(self._channels)

    def publish(self, stored: StoredEvent) -> None:
        """Hand the one encoded frame of `stored` to every subscriber of its channel."""
        for subscriber in self._channels.get(stored.channel, ()):
            subscriber.push(stored.seq, stored.frame)

    def close_all(self, code: int, reason: str) -> None:
        """Disconnect everyone (server shutdown)."""
        for subscribers in self._channels.values():
            for subscriber in subscribers:
                subscriber.close(code, reason)

"""Live fan-out: every connected subscriber of a channel gets each event frame.

`publish` never waits: it appends the already-encoded frame to each
subscriber's bounded queue. A subscriber whose queue is full is marked for
disconnection (it resumes from its last ack), so a slow console costs the
others and ingress nothing.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from dataclasses import dataclass, field

from bwconsole.relay.model import StoredEvent

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
    answers_requests: bool = True
    batch: bool = False
    """Several frames per websocket message, one per line (`?batch=1`): fewer sends under load."""
    connection_id: int = field(default_factory=lambda: next(_ids))
    connected_at: float = field(default_factory=time.time)
    acked: int = 0
    sent_seq: int = 0
    queue: deque[tuple[int | None, str]] = field(default_factory=deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    closing: tuple[int, str] | None = None
    """Set once the subscriber must be disconnected: (close code, reason)."""
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set with `closing`, so a handler blocked on a full socket still notices."""
    following: bool = False
    """Counted by a shared store's `follow` (undone on disconnect)."""

    def push(self, seq: int | None, frame: str) -> None:
        """Queue a frame; past the limit, mark the subscriber as too slow instead."""
        if self.closing is not None:
            return
        if len(self.queue) >= self.limit:
            self.queue.clear()
            self.close(
                CLOSE_SLOW_CONSUMER,
                f"slow consumer: more than {self.limit} frames queued; resume from your last ack",
            )
            return
        self.queue.append((seq, frame))
        self.wake.set()

    def push_control(self, frame: str) -> None:
        """Queue a frame that does not count against the limit (pings)."""
        if self.closing is None:
            self.queue.append((None, frame))
            self.wake.set()

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

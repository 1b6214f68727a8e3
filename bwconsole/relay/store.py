"""The relay's durable event log: the `Store` protocol and an in-memory store.

A store assigns each channel's strictly increasing `seq`, returns from
`append` only once the event is durable, and tells its listeners about every
appended event in `seq` order. The listener hook, not the ingress handler, is
what feeds live fan-out: a store shared by several relay instances (Redis)
reports the events other instances appended through the same hook, so the
rest of the relay does not change.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bwconsole.relay.model import ChannelStats, Incoming, Listener, StoredEvent, encode_event

if TYPE_CHECKING:
    from bwconsole.relay.bxml import BxmlRouter, Router

__all__ = ["MemoryStore", "SharedStore", "Store"]


class Store(Protocol):
    """A per-channel ordered event log (SQLite on one host, Redis for several)."""

    async def open(self) -> None:
        """Create or open the log; called once before anything else."""

    async def close(self) -> None:
        """Flush and release resources; pending appends fail."""

    def add_listener(self, listener: Listener) -> None:
        """Call `listener` for every appended event, per channel in `seq` order."""

    async def append(self, incoming: Incoming) -> StoredEvent:
        """Assign the next `seq` on the channel and return once the event is durable."""
        ...

    async def read(self, channel: str, after: int, limit: int) -> list[StoredEvent]:
        """Up to `limit` stored events of `channel` with `seq > after`, in order."""
        ...

    async def last_seq(self, channel: str) -> int:
        """The highest seq ever assigned on `channel` (0 for a new channel)."""
        ...

    async def stats(self) -> dict[str, ChannelStats]:
        """Counts and seq bounds per channel (channels whose events were all pruned included)."""
        ...

    async def save_acks(self, channel: str, acks: Mapping[str, int]) -> None:
        """Record the highest `seq` each named subscriber acknowledged."""

    async def acks(self, channel: str) -> dict[str, int]:
        """The recorded acks of `channel`, by subscriber."""
        ...

    async def prune(self, before: float) -> int:
        """Delete events received before the UNIX time `before` and stale acks; return the count."""
        ...


@runtime_checkable
class SharedStore(Store, Protocol):
    """A store several relay instances share (Redis): listeners hear followed channels only.

    A store that is only written through this process (memory, SQLite) calls
    its listeners from `append`; a shared one must read what other instances
    append, which costs a blocking read per channel, so it does so only for
    channels with local subscribers.
    """

    async def follow(self, channel: str) -> None:
        """Feed `channel`'s events to the listeners from now on (counted; see `unfollow`)."""

    def unfollow(self, channel: str) -> None:
        """Undo one `follow`."""

    def bxml_router(self, local: BxmlRouter) -> Router:
        """A router that also reaches consoles connected to other instances."""
        ...


class MemoryStore:
    """A store that keeps everything in process memory: for tests, the sandbox and demos."""

    def __init__(self) -> None:
        self._events: dict[str, list[StoredEvent]] = {}
        self._last: dict[str, int] = {}
        self._acks: dict[str, dict[str, tuple[int, float]]] = {}
        self._listeners: list[Listener] = []

    async def open(self) -> None:
        """Nothing to open."""

    async def close(self) -> None:
        """Nothing to release."""

    def add_listener(self, listener: Listener) -> None:
        """See `Store.add_listener`."""
        self._listeners.append(listener)

    async def append(self, incoming: Incoming) -> StoredEvent:
        """See `Store.append` (memory is as durable as this store gets)."""
        seq = self._last.get(incoming.channel, 0) + 1
        self._last[incoming.channel] = seq
        stored = encode_event(incoming, seq)
        self._events.setdefault(incoming.channel, []).append(stored)
        for listener in self._listeners:
            listener(stored)
        return stored

    async def read(self, channel: str, after: int, limit: int) -> list[StoredEvent]:
        """See `Store.read`."""
        events = self._events.get(channel, [])
        if not events:
            return []
        # seqs are contiguous from events[0].seq, so the position is arithmetic
        start = max(0, after + 1 - events[0].seq)
        return events[start : start + limit]

    async def last_seq(self, channel: str) -> int:
        """See `Store.last_seq`."""
        return self._last.get(channel, 0)

    async def stats(self) -> dict[str, ChannelStats]:
        """See `Store.stats`."""
        result = {}
        for channel, last in self._last.items():
            events = self._events.get(channel, [])
            first = events[0].seq if events else None
            result[channel] = ChannelStats(len(events), first, last)
        return result

    async def save_acks(self, channel: str, acks: Mapping[str, int]) -> None:
        """See `Store.save_acks`."""
        now = time.time()
        self._acks.setdefault(channel, {}).update({k: (v, now) for k, v in acks.items()})

    async def acks(self, channel: str) -> dict[str, int]:
        """See `Store.acks`."""
        return {name: seq for name, (seq, _) in self._acks.get(channel, {}).items()}

    async def prune(self, before: float) -> int:
        """See `Store.prune`."""
        removed = 0
        for channel, events in self._events.items():
            keep = 0
            while keep < len(events) and events[keep].received_at < before:
                keep += 1
            if keep:
                removed += keep
                self._events[channel] = events[keep:]
        for acks in self._acks.values():
            for name in [n for n, (_, at) in acks.items() if at < before]:
                del acks[name]
        return removed

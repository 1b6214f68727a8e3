"""What the relay's handlers share: the store, the hub, the BXML router, tokens and acks.

Ingress and `/healthz` (`app.py`) and the `/events` websocket (`egress.py`)
all reach this one `Relay` as `app.state.relay`; it lives apart from both so
that neither imports the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from typing import Any

from bwconsole.relay.bxml import DEFAULT_FALLBACK_BXML, BxmlRouter, Router
from bwconsole.relay.hub import Hub, Subscriber
from bwconsole.relay.logs import RefusalLog
from bwconsole.relay.store import SharedStore, Store
from bwconsole.relay.tokens import Grant, TokenSet

__all__ = ["DEFAULT_QUEUE_BYTES", "DEFAULT_QUEUE_LIMIT", "Relay"]

DEFAULT_QUEUE_LIMIT = 10_000
"""Frames queued for one console before it is cut off as too slow."""

DEFAULT_QUEUE_BYTES = 32 * 1024 * 1024
"""Bytes of frames queued for one console before it is cut off (whichever bound comes first)."""

#: websocket close code for a console whose token was revoked (policy violation)
CLOSE_REVOKED = 1008

log = logging.getLogger("bwconsole.relay")

ACK_FLUSH_INTERVAL = 1.0


class Relay:
    """Everything the relay's handlers share (reachable as `app.state.relay`)."""

    def __init__(
        self,
        store: Store,
        *,
        tokens: Iterable[str],
        ingress_auth: tuple[str, str] | None,
        bxml_timeout: float,
        bxml_fallback: str | None,
        retention: float | None,
        ping_interval: float,
        queue_limit: int,
        queue_bytes: int = DEFAULT_QUEUE_BYTES,
    ) -> None:
        self.store = store
        self.hub = Hub()
        local = BxmlRouter(
            self.hub, timeout=bxml_timeout, fallback=bxml_fallback or DEFAULT_FALLBACK_BXML
        )
        self.bxml_timeout = bxml_timeout
        self.bxml_fallback = local.fallback
        self.shared = store if isinstance(store, SharedStore) else None
        self.router: Router = local if self.shared is None else self.shared.bxml_router(local)
        self.ingress_auth = ingress_auth
        self.retention = retention
        self.ping_interval = ping_interval
        self.queue_limit = queue_limit
        self.queue_bytes = queue_bytes
        self.started_at = time.time()
        self.connections: set[Subscriber] = set()
        self.tokens = TokenSet()
        self.refusals = RefusalLog()
        self.set_tokens(tokens)
        self._dirty_acks: dict[str, dict[str, int]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    # -- tokens ----------------------------------------------------------

    def set_tokens(self, tokens: Iterable[str]) -> int:
        """Replace the accepted tokens (`TOKEN` or `TOKEN ch-a,ch-b`; SIGHUP reloads through this).

        Open connections whose token is gone, or no longer covers their channel,
        are closed with 1008; returns how many.

        Raises:
            ValueError: a malformed line (nothing is replaced).
        """
        self.tokens = TokenSet(tokens)
        revoked = [
            s
            for s in self.connections
            if s.grant is not None and not self.tokens.still_allows(s.grant, s.channel)
        ]
        for subscriber in revoked:
            subscriber.close(CLOSE_REVOKED, "token revoked")
        if revoked:
            log.warning("closed %d console connection(s) whose token was revoked", len(revoked))
        return len(revoked)

    def grant(self, token: str) -> Grant | None:
        """What `token` may read, or None (checked in constant time against every token)."""
        return self.tokens.grant(token)

    # -- subscribers -----------------------------------------------------

    def connected(self, subscriber: Subscriber) -> None:
        """Track a new connection (for `/healthz`)."""
        self.connections.add(subscriber)

    async def join(self, subscriber: Subscriber) -> None:
        """Start live fan-out to `subscriber` (its replay is done but for one last read).

        Everything appended once this returns reaches the subscriber's queue,
        from this instance or, with a shared store, any other.
        """
        self.hub.add(subscriber)
        await self.router.joined(subscriber)
        if self.shared is not None:
            await self.shared.follow(subscriber.channel)
            subscriber.following = True

    def disconnected(self, subscriber: Subscriber) -> None:
        """Forget a connection: stop fan-out, re-route its BXML requests, keep its ack."""
        self.hub.remove(subscriber)
        self.router.disconnected(subscriber)
        self.connections.discard(subscriber)
        if self.shared is not None and subscriber.following:
            subscriber.following = False
            self.shared.unfollow(subscriber.channel)

    def ack(self, subscriber: Subscriber, seq: int) -> None:
        """Record an ack; acks reach the store in batches every second."""
        if seq > subscriber.acked:
            subscriber.acked = seq
            self._dirty_acks.setdefault(subscriber.channel, {})[subscriber.key] = seq

    async def flush_acks(self) -> None:
        """Write the acks received since the last flush."""
        dirty, self._dirty_acks = self._dirty_acks, {}
        for channel, acks in dirty.items():
            await self.store.save_acks(channel, acks)

    # -- lifecycle -------------------------------------------------------

    async def start(self) -> None:
        """Open the store and start the background tasks."""
        await self.store.open()
        self.store.add_listener(self.hub.publish)
        await self.router.start()
        self._tasks.append(asyncio.create_task(self._flush_loop(), name="relay-acks"))
        if self.retention is not None:
            self._tasks.append(asyncio.create_task(self._retention_loop(), name="relay-retention"))

    async def stop(self) -> None:
        """Disconnect consoles, stop the tasks, flush acks and close the store."""
        self.hub.close_all(1001, "relay shutting down")
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.router.stop()
        with contextlib.suppress(Exception):
            await self.flush_acks()
        await self.store.close()

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(ACK_FLUSH_INTERVAL)
            with contextlib.suppress(Exception):
                await self.flush_acks()

    async def _retention_loop(self) -> None:
        assert self.retention is not None
        while True:
            await self.store.prune(time.time() - self.retention)
            await asyncio.sleep(min(max(self.retention / 4, 0.05), 60.0))

    # -- health ----------------------------------------------------------

    async def health(self, grant: Grant | None) -> dict[str, Any]:
        """The `/healthz` document; details of the channels `grant`'s token may read."""
        result: dict[str, Any] = {
            "status": "ok",
            "uptime_s": round(time.time() - self.started_at, 3),
        }
        if grant is None:
            result["subscribers"] = len(self.connections)
            return result
        visible = [s for s in self.connections if grant.allows(s.channel)]
        result["subscribers"] = len(visible)
        now = time.time()
        channels: dict[str, Any] = {}
        for channel, stats in (await self.store.stats()).items():
            if not grant.allows(channel):
                continue
            subscribers = [s for s in visible if s.channel == channel]
            acks = await self.store.acks(channel)
            acks.update({s.key: s.acked for s in subscribers})
            oldest = await self.store.read(channel, min(acks.values(), default=0), 1)
            channels[channel] = {
                "events": stats.count,
                "first_seq": stats.first_seq,
                "last_seq": stats.last_seq,
                "subscribers": [
                    {
                        "name": s.name,
                        "connected_s": round(now - s.connected_at, 3),
                        "acked": s.acked,
                        "sent": s.sent_seq,
                        "queued": len(s.queue),
                        "queued_bytes": s.queued_bytes,
                    }
                    for s in subscribers
                ],
                "oldest_unacked": (
                    {"seq": oldest[0].seq, "age_s": round(now - oldest[0].received_at, 3)}
                    if oldest
                    else None
                ),
            }
        result["channels"] = channels
        return result

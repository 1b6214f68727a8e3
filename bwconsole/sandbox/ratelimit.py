"""The documented rate limits (rateLimits.md, rateLimits/*.md; SEMANTICS.md §8), off by default.

- POST /calls and POST /messages: 1 per second averaged over 10 seconds, per
  account and per sending number -> 403, category `limit` (`call-rate-limit`,
  `message-rate-limit`); a batch of messages counts each message.
- Number ordering (POST phoneNumbers, POST availableNumbers/*) and searching
  (GET availableNumbers/*): 100 a minute, bursts of 800; managing numbers
  (GET phoneNumbers[/{id}], and here also updates and releases): 2000 a second, bursts of 3000.
- Everything else: 1 request per 1000 ms per resource family -> 429 with
  `X-RateLimit-Reset` (epoch milliseconds, wall clock) and the
  `rateLimitResetTime` detail.

Windows run in API time (so `--time-scale` shortens them too); the reset time
is converted back to the wall clock a client compares it with. Turn limits
on with `Sandbox(rate_limits=True)` or, per test, `sandbox.rate_limits = True`.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from starlette.requests import Request

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault
from bwconsole.sandbox.web import parse_json

__all__ = ["Limiter"]

AVERAGE_WINDOW = 10.0  # seconds the call/message rate is averaged over


@dataclass
class Bucket:
    """A token bucket: `capacity` requests at once, refilled at `rate` per second."""

    capacity: float
    rate: float
    tokens: float = -1.0
    stamp: float = 0.0

    def take(self, now: float, count: float = 1.0) -> float:
        """Take `count` tokens; 0 when allowed, else the seconds until they are there."""
        if self.tokens < 0:
            self.tokens, self.stamp = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= count:
            self.tokens -= count
            return 0.0
        return (count - self.tokens) / self.rate


@dataclass
class Window:
    """At most `limit` events in any `seconds`-long sliding window."""

    limit: int
    seconds: float
    events: deque[float] = field(default_factory=deque)

    def rate(self, now: float, count: int) -> float | None:
        """None when `count` more events fit (and records them); else the rate they would make."""
        while self.events and self.events[0] <= now - self.seconds:
            self.events.popleft()
        if len(self.events) + count > self.limit:
            return (len(self.events) + count) / self.seconds
        self.events.extend([now] * count)
        return None


def _family(parts: list[str]) -> str:
    """The resource family of a `/v1/...` path, split on `/`."""
    if parts[:1] == ["users"]:
        parts = parts[2:]
    if len(parts) >= 3 and parts[0] == "domains" and parts[2] == "endpoints":
        return "endpoints"
    if len(parts) >= 3 and parts[0] == "recordings" and parts[2] == "transcriptions":
        return "transcriptions"
    if parts[:2] == ["phoneNumbers", "numberInfo"]:
        return "numberInfo"
    return parts[0] if parts else ""


async def _senders(request: Request) -> list[str]:
    """The `from` numbers of a POST /messages or /calls body (one per message of a batch)."""
    try:
        data = parse_json(await request.body() or b"{}")
    except ApiFault:
        return []  # the endpoint reports the bad JSON
    items = data if isinstance(data, list) else [data]
    return [str(item.get("from", "")) for item in items if isinstance(item, dict)]


class Limiter:
    """The rate-limit state of one sandbox (`sandbox.service(Limiter)`)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.buckets: dict[str, Bucket] = {}
        self.windows: dict[str, Window] = {}

    def bucket(self, key: str, capacity: float, per_second: float) -> Bucket:
        return self.buckets.setdefault(key, Bucket(capacity, per_second))

    def window(self, key: str) -> Window:
        return self.windows.setdefault(key, Window(int(AVERAGE_WINDOW), AVERAGE_WINDOW))

    async def check(self, request: Request) -> None:
        """Raise the documented 403 or 429 when this request is over its limit."""
        path = request.url.path.rstrip("/")
        if not path.startswith("/v1/"):
            return
        parts = path.removeprefix("/v1/").split("/")
        family = _family(parts)
        now = self.sandbox.clock.now().timestamp()
        method = request.method
        is_collection = len(parts) == (3 if parts[0] == "users" else 1)
        if method == "POST" and family in ("messages", "calls") and is_collection:
            senders = await _senders(request)
            kind = "message" if family == "messages" else "call"
            for key in ["account", *sorted(set(senders))]:
                count = len(senders) if key == "account" else senders.count(key)
                rate = self.window(f"{family}:{key}").rate(now, max(count, 1))
                if rate is not None:
                    verb = "send" if kind == "message" else "create"
                    raise ApiFault(
                        403,
                        f"{kind}-rate-limit",
                        f"You can {verb} 1 {kind}s per 1 seconds, calculated as the average over"
                        f" {AVERAGE_WINDOW:g} seconds. Your rate is: {rate:.1f}",
                        category="limit",
                    )
            return
        if family == "availableNumbers":
            bucket = self.bucket(
                f"numbers:{'order' if method == 'POST' else 'search'}", 800, 100 / 60
            )
        elif family == "phoneNumbers" and method == "POST" and is_collection:
            bucket = self.bucket("numbers:order", 800, 100 / 60)
        elif family == "phoneNumbers":  # reading, updating and releasing: "Manage Numbers"
            bucket = self.bucket("numbers:manage", 3000, 2000)
        else:
            bucket = self.bucket(f"resource:{family}", 1, 1)
        wait = bucket.take(now)
        if wait > 0:
            reset = str(int((time.time() + wait / self.sandbox.clock.time_scale) * 1000) + 1)
            raise ApiFault(
                429,
                "rate-limit-reached",
                f"Too many requests to {family}. See the X-RateLimit-Reset header for when the limit clears",
                category="too-many-requests",
                headers={"X-RateLimit-Reset": reset},
                details=[{"name": "rateLimitResetTime", "value": reset}],
            )

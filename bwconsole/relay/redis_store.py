"""The Redis store: one event log shared by several relay instances (`--store redis://HOST:PORT/DB`).

Layout (`P` is the key prefix, `bwrelay` by default; `{channel}` is a hash tag):

- `P:{channel}:events`, a Redis Stream: one entry per event, fields `at`
  (receive time, UNIX seconds) and `frame` (the encoded `event` frame).
- `P:{channel}:seq`, a counter: the last seq assigned; it never goes back,
  even when retention trimmed every entry.
- `P:{channel}:acks` (hash subscriber -> seq) and `P:{channel}:acked-at`
  (sorted set subscriber -> UNIX time of the last ack, for retention).
- `P:channels`, a set of every channel name (for `/healthz`).

**seq is the stream id.** One Lua script increments the counter and adds the
entry with the explicit id `<seq>-0`, atomically, so every instance agrees
on the order, ids and seqs increase together, and `after=N` is the range
`XRANGE key N+1-0 +` on any instance. The frame, which carries its seq, is
completed inside the script, so it is still encoded once.

`append` returns once Redis acknowledged the script; how durable that is
depends on the server's `appendonly`/`appendfsync` settings (`docs/relay.md`).

Live fan-out: each instance runs one blocking `XREAD` per channel that has
local subscribers (`follow`), and hands every entry, its own included, to the
listeners in stream order: no instance fans out its own appends early, so
every console sees one order.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from bwconsole.relay.model import EVENT_HEAD, ChannelStats, Incoming, Listener, StoredEvent

if TYPE_CHECKING:
    from bwconsole.relay.bxml import BxmlRouter
    from bwconsole.relay.redis_bxml import RedisBxmlRouter

__all__ = ["RedisStore"]

_FRAME_HEAD = EVENT_HEAD

_APPEND = """
local seq = redis.call('INCR', KEYS[2])
local frame = ARGV[1] .. seq .. ARGV[2]
redis.call('XADD', KEYS[1], seq .. '-0', 'at', ARGV[3], 'frame', frame)
redis.call('SADD', KEYS[3], ARGV[4])
return seq
"""

# acks only move forward: a lagging flush from another instance must not undo a newer ack
_SAVE_ACKS = """
for i = 2, #ARGV, 2 do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) > current then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[i])
end
return 0
"""

#: appends sent in one pipeline at most
MAX_BATCH = 1000
#: connections to Redis at most: one per followed channel, per BXML request in flight, and a few
MAX_CONNECTIONS = 4096
#: milliseconds one blocking XREAD waits before it is re-issued
FOLLOW_BLOCK_MS = 5000
#: entries one XREAD or one page of a replay returns at most
READ_COUNT = 1000
#: seconds between attempts while Redis is unreachable
RETRY_DELAY = 0.2


@dataclass(eq=False)
class _Follower:
    users: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    error: BaseException | None = None


class RedisStore:
    """A `Store` in Redis Streams, shared by every relay instance pointed at the same Redis.

    Args:
        url: `redis://HOST:PORT/DB` (`rediss://` for TLS; `redis://:PASSWORD@HOST...`).
        prefix: prefix of every key, so several relays can share one Redis database.
    """

    def __init__(self, url: str, *, prefix: str = "bwrelay") -> None:
        self.url = url
        self.prefix = prefix
        # no transparent retries: a pipeline of appends re-sent after a dropped reply could
        # store its events twice; a failed append is a 503 and the sender retries instead
        self._redis: aioredis.Redis = aioredis.Redis.from_url(
            url,
            decode_responses=True,
            max_connections=MAX_CONNECTIONS,
            retry=Retry(NoBackoff(), 0),
        )
        self._append = self._redis.register_script(_APPEND)
        self._save_acks = self._redis.register_script(_SAVE_ACKS)
        self._listeners: list[Listener] = []
        self._followers: dict[str, _Follower] = {}
        self._pending: list[tuple[Incoming, asyncio.Future[StoredEvent]]] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None

    def key(self, channel: str, kind: str) -> str:
        """The key of one of `channel`'s structures (`events`, `seq`, `acks`, `acked-at`)."""
        return f"{self.prefix}:{{{channel}}}:{kind}"

    # -- lifecycle -------------------------------------------------------

    async def open(self) -> None:
        """Check that Redis answers (a relay must not start on a store it cannot reach)."""
        await self._redis.ping()
        self._writer = asyncio.create_task(self._write_loop(), name="relay-redis-writer")

    async def close(self) -> None:
        """Stop the writer (pending appends fail), the followers, and close the connections."""
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        for _, future in self._pending:
            if not future.done():
                future.set_exception(ConnectionError("store closed"))
        self._pending.clear()
        followers, self._followers = list(self._followers.values()), {}
        for follower in followers:
            if follower.task is not None:
                follower.task.cancel()
        for follower in followers:
            if follower.task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await follower.task
        await self._redis.aclose()

    def add_listener(self, listener: Listener) -> None:
        """See `Store.add_listener`: listeners hear the entries of followed channels only."""
        self._listeners.append(listener)

    def bxml_router(self, local: BxmlRouter) -> RedisBxmlRouter:
        """Route BXML requests to a console on any instance (see `redis_bxml`)."""
        from bwconsole.relay.redis_bxml import RedisBxmlRouter

        return RedisBxmlRouter(local, self._redis, prefix=self.prefix)

    # -- writes ----------------------------------------------------------

    async def append(self, incoming: Incoming) -> StoredEvent:
        """See `Store.append`: returns once Redis acknowledged the `XADD`.

        Appends waiting while a pipeline is in flight go together in the next
        one: one round trip for many callbacks under load.
        """
        if self._writer is None:
            raise ConnectionError("store is not open")
        future: asyncio.Future[StoredEvent] = asyncio.get_running_loop().create_future()
        self._pending.append((incoming, future))
        self._wake.set()
        return await future

    async def _write_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                tails: list[str] = []
                try:
                    async with self._redis.pipeline(transaction=False) as pipe:
                        for incoming, _ in batch:
                            tails.append(_frame_tail(incoming))
                            channel = incoming.channel
                            keys = [self.key(channel, "events"), self.key(channel, "seq")]
                            keys.append(self._channels_key)
                            args = [_FRAME_HEAD, tails[-1], repr(incoming.received_at), channel]
                            await self._append(keys=keys, args=args, client=pipe)
                        replies = await pipe.execute(raise_on_error=False)
                except Exception as exc:  # noqa: BLE001 - every waiter must hear about it
                    tails = [""] * len(batch)
                    replies = [exc] * len(batch)
                for (incoming, future), tail, reply in zip(batch, tails, replies, strict=True):
                    if future.done():  # the sender hung up; the event is stored all the same
                        continue
                    if isinstance(reply, BaseException):
                        future.set_exception(reply)
                        continue
                    seq = int(reply)
                    frame = f"{_FRAME_HEAD}{seq}{tail}"
                    future.set_result(
                        StoredEvent(incoming.channel, seq, incoming.received_at, frame)
                    )

    async def save_acks(self, channel: str, acks: Mapping[str, int]) -> None:
        """See `Store.save_acks` (an ack never moves back)."""
        args: list[Any] = [time.time()]
        for name, seq in acks.items():
            args += [name, seq]
        await self._save_acks(
            keys=[self.key(channel, "acks"), self.key(channel, "acked-at")], args=args
        )

    async def prune(self, before: float) -> int:
        """See `Store.prune`: `XTRIM MINID` to the first entry received at or after `before`."""
        removed = 0
        for channel in await self._channels():
            keep = await self._first_kept(channel, before)
            if keep is not None:
                removed += int(
                    await self._redis.xtrim(
                        self.key(channel, "events"), minid=keep, approximate=False
                    )
                )
            acked_at = self.key(channel, "acked-at")
            stale = cast(
                list[str], await self._redis.zrangebyscore(acked_at, "-inf", f"({before!r}")
            )
            if stale:
                await self._redis.hdel(self.key(channel, "acks"), *stale)
                await self._redis.zrem(acked_at, *stale)
        return removed

    async def _first_kept(self, channel: str, before: float) -> str | None:
        """The id of the oldest entry to keep (`seq+1` past the end when none is); None: keep all."""
        start, dropping = "-", False
        while True:
            entries = _entries(
                await self._redis.xrange(self.key(channel, "events"), start, "+", count=READ_COUNT)
            )
            for entry_id, fields in entries:
                if float(fields["at"]) >= before:
                    return str(entry_id) if dropping else None
                dropping = True
            if len(entries) < READ_COUNT:
                if not dropping:
                    return None
                return f"{_seq(entries[-1][0]) + 1}-0"
            start = f"({entries[-1][0]}"

    # -- reads -----------------------------------------------------------

    async def read(self, channel: str, after: int, limit: int) -> list[StoredEvent]:
        """See `Store.read`: `XRANGE` from the id just past `after`."""
        entries = _entries(
            await self._redis.xrange(
                self.key(channel, "events"), f"{after + 1}-0", "+", count=limit
            )
        )
        return [_stored(channel, entry_id, fields) for entry_id, fields in entries]

    async def last_seq(self, channel: str) -> int:
        """See `Store.last_seq`."""
        return int(await self._redis.get(self.key(channel, "seq")) or 0)

    async def stats(self) -> dict[str, ChannelStats]:
        """See `Store.stats`."""
        channels = sorted(await self._channels())
        async with self._redis.pipeline(transaction=False) as pipe:
            for channel in channels:
                pipe.xlen(self.key(channel, "events"))
                pipe.xrange(self.key(channel, "events"), "-", "+", count=1)
                pipe.get(self.key(channel, "seq"))
            replies = await pipe.execute()
        result = {}
        for i, channel in enumerate(channels):
            count, first, last = replies[3 * i : 3 * i + 3]
            first_seq = _seq(first[0][0]) if first else None
            result[channel] = ChannelStats(int(count), first_seq, int(last or 0))
        return result

    async def acks(self, channel: str) -> dict[str, int]:
        """See `Store.acks`."""
        recorded = cast(dict[str, str], await self._redis.hgetall(self.key(channel, "acks")))
        return {name: int(seq) for name, seq in recorded.items()}

    # -- live fan-out across instances -----------------------------------

    async def follow(self, channel: str) -> None:
        """Start handing `channel`'s entries to the listeners; counted, undone by `unfollow`.

        Returns once the follower knows where it starts: every entry appended
        after this returns reaches the listeners, so a subscriber that reads
        the store once more afterwards misses nothing at the seam.

        Raises:
            RedisError: Redis could not be reached to find the starting point (then, as
                when cancelled, nothing is left to `unfollow`).
        """
        follower = self._followers.get(channel)
        if follower is None:
            follower = self._followers[channel] = _Follower()
            follower.task = asyncio.create_task(
                self._follow(channel, follower), name=f"relay-redis-follow-{channel}"
            )
        follower.users += 1
        try:
            await follower.ready.wait()
            if follower.error is not None:
                raise follower.error
        except BaseException:  # cancelled or failed: this caller holds no count
            self._release(channel, follower)
            raise

    def unfollow(self, channel: str) -> None:
        """Undo one `follow`; the last one stops the channel's blocking read."""
        follower = self._followers.get(channel)
        if follower is not None:
            self._release(channel, follower)

    def _release(self, channel: str, follower: _Follower) -> None:
        follower.users -= 1
        if follower.users <= 0:
            if self._followers.get(channel) is follower:
                del self._followers[channel]
            if follower.task is not None:
                follower.task.cancel()

    async def _follow(self, channel: str, follower: _Follower) -> None:
        try:
            last = await self.last_seq(channel)
        except (RedisError, OSError) as exc:
            follower.error = exc
            follower.ready.set()
            return
        follower.ready.set()
        stream = self.key(channel, "events")
        while True:
            try:
                reply = await self._redis.xread(
                    {stream: f"{last}-0"}, count=READ_COUNT, block=FOLLOW_BLOCK_MS
                )
            except (RedisError, OSError):
                # Redis restarting: resume from the last entry handed on, nothing is skipped
                await asyncio.sleep(RETRY_DELAY)
                continue
            for _, entries in cast(list[tuple[str, Any]], reply or []):
                for entry_id, fields in _entries(entries):
                    stored = _stored(channel, entry_id, fields)
                    if stored.seq <= last:
                        continue
                    last = stored.seq
                    for listener in self._listeners:
                        listener(stored)

    @property
    def _channels_key(self) -> str:
        return f"{self.prefix}:channels"

    async def _channels(self) -> set[str]:
        return cast(set[str], await self._redis.smembers(self._channels_key))


def _frame_tail(incoming: Incoming) -> str:
    """The event frame after its seq (the script puts the seq in front)."""
    return f",{incoming.fields}"


def _entries(reply: object) -> list[tuple[str, dict[str, str]]]:
    """Stream entries as `decode_responses` returns them (the client's annotations allow bytes)."""
    return cast(list[tuple[str, dict[str, str]]], reply or [])


def _seq(entry_id: str) -> int:
    return int(entry_id.partition("-")[0])


def _stored(channel: str, entry_id: str, fields: dict[str, str]) -> StoredEvent:
    return StoredEvent(channel, _seq(entry_id), float(fields["at"]), fields["frame"])

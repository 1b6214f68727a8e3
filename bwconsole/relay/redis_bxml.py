"""BXML routing across relay instances sharing one Redis: pub/sub out, a reply list back.

A request first goes to a console on the instance that received it. When
that instance has none:

1. it `PUBLISH`es the encoded `request` frame, its id, a reply key and the
   time left on `P:{channel}:bxml` (`P` is the store's key prefix). Only
   instances with an answering console on the channel are subscribed, so
   `PUBLISH` answering 0 means no console anywhere: the fallback at once;
2. every subscribed instance tries `SET P:bxml-claim:ID NX PX ...`; the one
   that wins asks its own consoles (newest first, the same as on one host)
   within the time left, then `LPUSH`es `{"source": ..., "body": ...}` to the
   reply key (which expires soon after);
3. the receiving instance waits on the reply key with `BLPOP` for the time
   left; nothing in time (the answering instance died, its console was
   silent) means the fallback, reported as `timeout`.

A killed instance's subscription ends with its connection, so it is not
counted by later `PUBLISH`es.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bwconsole.relay.bxml import BxmlRouter, Routed
from bwconsole.relay.hub import Subscriber
from bwconsole.relay.model import Incoming, StoredEvent, encode_request

__all__ = ["RedisBxmlRouter"]

#: seconds kept for a round trip between instances when sharing out the time left
MARGIN = 0.1
#: seconds between attempts to resubscribe while Redis is unreachable
RETRY_DELAY = 0.2


class RedisBxmlRouter:
    """A `Router` that lets a console on any instance answer (see the module docstring).

    Args:
        local: the router of this instance's consoles (timeout and fallback come from it).
        client: the Redis client shared with the store.
        prefix: the store's key prefix.
    """

    def __init__(self, local: BxmlRouter, client: aioredis.Redis, *, prefix: str) -> None:
        self.local = local
        self._redis = client
        self._prefix = prefix
        self._listening: dict[str, tuple[asyncio.Task[None], asyncio.Event]] = {}
        self._handlers: set[asyncio.Task[None]] = set()

    def _topic(self, channel: str) -> str:
        return f"{self._prefix}:{{{channel}}}:bxml"

    async def start(self) -> None:
        """Nothing runs until a console joins."""

    async def stop(self) -> None:
        """Unsubscribe everywhere and drop requests being answered."""
        tasks = [task for task, _ in self._listening.values()] + list(self._handlers)
        self._listening.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # -- the receiving side ----------------------------------------------

    async def ask(self, incoming: Incoming, stored: StoredEvent, deadline: float) -> Routed:
        """Ask a console here, else one on another instance, else fall back (by `deadline`)."""
        if self.local.has_console(incoming.channel):
            return await self.local.ask(incoming, stored, deadline)
        loop = asyncio.get_running_loop()
        request_id = uuid.uuid4().hex
        reply_key = f"{self._prefix}:bxml-reply:{request_id}"
        message = {
            "id": request_id,
            "reply": reply_key,
            "frame": encode_request(
                incoming, stored.seq, request_id, time.time() + deadline - loop.time()
            ),
            "timeout": deadline - loop.time(),
        }
        fallback = self.local.fallback
        popped = None
        try:
            # bounded even if Redis stalls; BLPOP's own timeout normally ends it first
            async with asyncio.timeout_at(deadline + MARGIN):
                topic = self._topic(incoming.channel)
                if not await self._redis.publish(topic, json.dumps(message)):
                    return Routed(fallback, "no-console")
                remaining = deadline - loop.time()
                if remaining > 0.001:  # BLPOP's 0 would mean forever
                    popped = await self._redis.blpop([reply_key], timeout=remaining)
            reply: Any = json.loads(popped[1]) if popped else {}
        except (RedisError, OSError, TimeoutError, ValueError):
            return Routed(fallback, "timeout")
        if not isinstance(reply, dict):
            reply = {}
        if reply.get("source") == "console":
            return Routed(str(reply.get("body", "")), "console")
        return Routed(fallback, str(reply.get("source", "timeout")))

    def answer(self, subscriber: Subscriber, request_id: str, body: str) -> bool:
        """See `BxmlRouter.answer`."""
        return self.local.answer(subscriber, request_id, body)

    # -- the answering side ----------------------------------------------

    async def joined(self, subscriber: Subscriber) -> None:
        """Subscribe to the channel's requests once its first answering console is here.

        Returns once subscribed (at most about a second), so a request that
        reaches another instance right after finds this console.
        """
        if not subscriber.answers_requests:
            return
        channel = subscriber.channel
        if channel not in self._listening:
            ready = asyncio.Event()
            task = asyncio.create_task(self._listen(channel, ready), name=f"relay-bxml-{channel}")
            self._listening[channel] = (task, ready)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening[channel][1].wait(), 1.0)

    def disconnected(self, subscriber: Subscriber) -> None:
        """Re-route its requests; unsubscribe when no answering console is left here."""
        self.local.disconnected(subscriber)
        channel = subscriber.channel
        if channel in self._listening and not self.local.has_console(channel):
            task, _ = self._listening.pop(channel)
            task.cancel()

    async def _listen(self, channel: str, ready: asyncio.Event) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self._topic(channel))
                    ready.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._spawn(channel, str(message["data"]))
            except (RedisError, OSError):
                await asyncio.sleep(RETRY_DELAY)

    def _spawn(self, channel: str, data: str) -> None:
        task = asyncio.create_task(self._handle(channel, data))
        self._handlers.add(task)
        task.add_done_callback(self._handlers.discard)

    async def _handle(self, channel: str, data: str) -> None:
        try:
            message: Any = json.loads(data)
            request_id, reply_key, frame = message["id"], message["reply"], message["frame"]
            timeout = float(message["timeout"]) - MARGIN
        except (ValueError, KeyError, TypeError):
            return
        expire_ms = int((timeout + 5) * 1000)
        try:
            claimed = await self._redis.set(
                f"{self._prefix}:bxml-claim:{request_id}", "1", nx=True, px=expire_ms
            )
            if not claimed:
                return  # another instance answers this one
            routed = await self.local.ask_frame(channel, request_id, frame, max(timeout, 0.0))
            reply = {"source": routed.source}
            if routed.source == "console":
                reply["body"] = routed.body
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.lpush(reply_key, json.dumps(reply))
                pipe.pexpire(reply_key, expire_ms)
                await pipe.execute()
        except (RedisError, OSError):
            return

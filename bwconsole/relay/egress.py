"""The `/events/{channel}` websocket: replay from `?after=N`, then live, with pings and acks.

Seam without gap or duplicate: stored events are replayed page by page; the
subscriber joins live fan-out only once a read comes back empty, and the
store is read once more after joining. An event committed before joining is
in that read; one committed after is in the live queue; a frame whose seq was
already sent is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from typing import TYPE_CHECKING, Any

from starlette.responses import PlainTextResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from bwconsole.relay.hub import Subscriber
from bwconsole.relay.ingress import valid_channel
from bwconsole.relay.model import iso_time

if TYPE_CHECKING:
    from bwconsole.relay.state import Relay

__all__ = ["events_endpoint"]

REPLAY_PAGE = 500
#: a replay page holds about this many bytes at most (frames may be up to 4 MiB each)
REPLAY_PAGE_BYTES = 4 * 1024 * 1024
#: a batching console (`?batch=1`) gets up to about this many characters of frames per message
BATCH_BYTES = 256 * 1024
#: seconds to wait for the close frame to get through to a consumer that stopped reading
CLOSE_WAIT = 10.0
_NAME = re.compile(r"[A-Za-z0-9._~:@-]{1,64}")


_AFTER = re.compile(r"[0-9]{1,19}")
#: seqs are SQLite integers and Redis stream ids: at most 2**63 - 1
MAX_SEQ = 2**63 - 1


async def _deny(websocket: WebSocket, status: int, message: str) -> None:
    """Refuse the upgrade with an HTTP status and say why (logged, bursts summarised)."""
    relay: Relay = websocket.app.state.relay
    client = websocket.client.host if websocket.client else "?"
    relay.refusals.refused(status, message, client)
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(PlainTextResponse(message, status_code=status))
    else:
        await websocket.close(code=1008, reason=message)


def _after(text: str | None) -> int | None:
    """`after=` as a seq, None when absent; ValueError for anything but 0 .. 2**63-1 in ASCII."""
    if text is None:
        return None
    if _AFTER.fullmatch(text) is None or int(text) > MAX_SEQ:
        raise ValueError(text)
    return int(text)


async def events_endpoint(websocket: WebSocket) -> None:
    """Authenticate (before upgrading), then stream the channel's events to one console."""
    relay: Relay = websocket.app.state.relay
    channel = websocket.path_params["channel"]
    scheme, _, token = websocket.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return await _deny(websocket, 401, "missing bearer token")
    grant = relay.grant(token)
    if grant is None:
        return await _deny(websocket, 403, "wrong token")
    if not valid_channel(channel):
        return await _deny(websocket, 400, "bad channel name")
    if not grant.allows(channel):
        return await _deny(websocket, 403, f"this token may not follow channel {channel}")
    params = websocket.query_params
    try:
        after_given = _after(params.get("after"))
    except ValueError:
        return await _deny(websocket, 400, f"after= must be a seq: ASCII digits, 0 to {MAX_SEQ}")
    name = params.get("subscriber", "")
    if name and _NAME.fullmatch(name) is None:
        return await _deny(websocket, 400, "bad subscriber name")
    await websocket.accept()
    after = await relay.store.last_seq(channel) if after_given is None else after_given
    subscriber = Subscriber(
        channel=channel,
        name=name,
        limit=relay.queue_limit,
        limit_bytes=relay.queue_bytes,
        grant=grant,
        answers_requests=params.get("requests", "1") != "0",
        batch=params.get("batch") == "1",
        acked=after,
        forwarder=params.get("role") == "forwarder",
    )
    if not subscriber.name:
        subscriber.name = f"connection-{subscriber.connection_id}"
    await _serve(relay, websocket, subscriber, after)


async def _serve(relay: Relay, websocket: WebSocket, subscriber: Subscriber, after: int) -> None:
    relay.connected(subscriber)
    tasks = [
        asyncio.create_task(_send(relay, websocket, subscriber, after)),
        asyncio.create_task(_receive(relay, websocket, subscriber)),
        asyncio.create_task(_ping(relay, subscriber)),
        asyncio.create_task(subscriber.closed.wait()),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        relay.disconnected(subscriber)
    if subscriber.closing is not None:
        code, reason = subscriber.closing
        # bounded: a stalled peer's full socket blocks the close frame until it reads again
        with contextlib.suppress(Exception):
            await asyncio.wait_for(websocket.close(code=code, reason=reason), CLOSE_WAIT)


def _ping_frame(relay: Relay, subscriber: Subscriber, **extra: Any) -> str:
    fields = {"type": "ping", "time": iso_time(time.time()), "interval": relay.ping_interval}
    forwarders = _forwarders(relay, subscriber)
    if forwarders:  # absent when none, so the common ping stays as it was
        extra["forwarders"] = forwarders
    return json.dumps({**fields, **extra})


def _forwarders(relay: Relay, subscriber: Subscriber) -> list[str]:
    """Names of the channel's other forwarding subscribers on this instance."""
    others = relay.hub.subscribers(subscriber.channel)
    return sorted({s.name for s in others if s.forwarder and s is not subscriber})


def _forwarded(relay: Relay, subscriber: Subscriber, message: dict[str, Any]) -> None:
    """Pass a forwarder's delivery report on to the channel's other subscribers."""
    seq, status = message.get("seq"), message.get("status")
    if not isinstance(seq, int) or not isinstance(status, int | str):
        return
    report: dict[str, Any] = {"type": "forwarded", "seq": seq, "by": subscriber.name}
    report["status"] = status if isinstance(status, int) else status[:80]
    if isinstance(message.get("latency_ms"), int | float):
        report["latency_ms"] = round(float(message["latency_ms"]), 1)
    frame = json.dumps(report)
    for other in relay.hub.subscribers(subscriber.channel):
        if other is not subscriber:
            other.push_control(frame)


async def _send(relay: Relay, websocket: WebSocket, subscriber: Subscriber, after: int) -> None:
    # the first ping tells the interval at once, and the channel's last seq, so a console
    # whose saved position is beyond it (the relay's store was reset) can start over
    last_seq = await relay.store.last_seq(subscriber.channel)
    await websocket.send_text(_ping_frame(relay, subscriber, last_seq=last_seq))
    last = after
    joined = False
    page_size = 50  # grows to REPLAY_PAGE while frames are small
    while subscriber.closing is None:
        page = await relay.store.read(subscriber.channel, last, page_size)
        if page:
            average = sum(len(stored.frame) for stored in page) // len(page) + 1
            page_size = max(1, min(REPLAY_PAGE, REPLAY_PAGE_BYTES // average))
        if not page:
            if joined:
                break
            await relay.join(subscriber)
            joined = True
            continue
        frames = [stored.frame for stored in page]
        last = subscriber.sent_seq = page[-1].seq
        if subscriber.batch:
            for message in _batches(frames):
                await websocket.send_text(message)
        else:
            for frame in frames:
                await websocket.send_text(frame)
    queue = subscriber.queue
    while subscriber.closing is None:
        if not queue:
            subscriber.wake.clear()
            if not queue and subscriber.closing is None:
                await subscriber.wake.wait()
            continue
        parts: list[str] = []
        size = 0
        while queue and size < BATCH_BYTES and (subscriber.batch or not parts):
            seq, frame = subscriber.pop()
            if seq is not None:
                if seq <= last:
                    continue
                last = subscriber.sent_seq = seq
            parts.append(frame)
            size += len(frame)
        if parts:
            await websocket.send_text(parts[0] if len(parts) == 1 else "\n".join(parts))


def _batches(frames: list[str]) -> list[str]:
    """Join frames into newline-separated messages of about `BATCH_BYTES` each."""
    messages: list[str] = []
    parts: list[str] = []
    size = 0
    for frame in frames:
        parts.append(frame)
        size += len(frame)
        if size >= BATCH_BYTES:
            messages.append("\n".join(parts))
            parts, size = [], 0
    if parts:
        messages.append("\n".join(parts))
    return messages


async def _receive(relay: Relay, websocket: WebSocket, subscriber: Subscriber) -> None:
    while True:
        try:
            text = await websocket.receive_text()
        except (WebSocketDisconnect, RuntimeError, KeyError):
            return
        try:
            message: Any = json.loads(text)
        except ValueError:
            continue
        if not isinstance(message, dict):
            continue
        kind = message.get("type")
        if kind == "ack" and isinstance(message.get("seq"), int):
            relay.ack(subscriber, min(message["seq"], subscriber.sent_seq))
        elif kind == "response" and isinstance(message.get("id"), str):
            body = message.get("body")
            if message.get("fallback") is True:  # the console cannot answer: no need to wait
                body = relay.bxml_fallback
            relay.router.answer(subscriber, message["id"], body if isinstance(body, str) else "")
        elif kind == "forwarded" and subscriber.forwarder:
            _forwarded(relay, subscriber, message)


async def _ping(relay: Relay, subscriber: Subscriber) -> None:
    while True:
        await asyncio.sleep(relay.ping_interval)
        subscriber.push_control(_ping_frame(relay, subscriber))

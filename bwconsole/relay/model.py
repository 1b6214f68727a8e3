"""The relay's records and wire frames.

An event is encoded to its JSON frame exactly once, when it gets its `seq`;
that one string is stored, replayed and sent to every subscriber, so fan-out
never re-serialises per consumer.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Incoming", "StoredEvent", "encode_event", "encode_request", "iso_time"]


@dataclass(frozen=True, slots=True)
class Incoming:
    """A callback as received by ingress, before it has a `seq`."""

    channel: str
    method: str
    query: str
    """The raw query string, exactly as received (without the `?`)."""
    headers: dict[str, str]
    body: str
    """The raw body text, exactly as received (UTF-8)."""
    payload: Any
    """The parsed form: the JSON body, or the query/form parameters as a dict."""
    received_at: float = field(default_factory=time.time)
    bxml: bool = False
    """Received on `/bxml/{channel}`: a request waiting for BXML, also sent as a `request` frame."""


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A durable event: its channel, `seq`, receive time and its encoded frame."""

    channel: str
    seq: int
    received_at: float
    frame: str


def iso_time(timestamp: float) -> str:
    """UTC ISO 8601 with milliseconds, e.g. `2026-11-26T23:14:26.123Z`."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _fields(incoming: Incoming, seq: int) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "seq": seq,
        "channel": incoming.channel,
        "received_at": iso_time(incoming.received_at),
        "method": incoming.method,
        "query": incoming.query,
        "headers": incoming.headers,
        "body": incoming.body,
        "event": incoming.payload,
    }
    if incoming.bxml:
        fields["bxml"] = True
    return fields


def encode_event(incoming: Incoming, seq: int) -> StoredEvent:
    """Give `incoming` its `seq` and encode its `event` frame once."""
    frame = json.dumps({"type": "event", **_fields(incoming, seq)}, separators=(",", ":"))
    return StoredEvent(incoming.channel, seq, incoming.received_at, frame)


def encode_request(incoming: Incoming, seq: int, request_id: str) -> str:
    """The `request` frame asking one console for BXML (it carries the event's `seq` too)."""
    return json.dumps(
        {"type": "request", "id": request_id, **_fields(incoming, seq)}, separators=(",", ":")
    )

"""The relay's records and wire frames.

An event's fields are encoded to JSON once, at ingress (which is also where
an oversized frame is refused); getting a `seq` only puts the frame's head in
front of that text. The one frame string is stored, replayed and sent to every
subscriber, so fan-out never re-serialises per consumer. A JSON body that is
already on one line goes into the frame's `event` field as received, since it
was validated as strict JSON: it is not parsed into objects and encoded back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii
from typing import Any

__all__ = [
    "EVENT_HEAD",
    "ChannelStats",
    "Incoming",
    "Listener",
    "StoredEvent",
    "encode_event",
    "encode_request",
    "iso_time",
]

_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
_string: Any = encode_basestring_ascii  # a str -> its JSON string literal, in C

#: every event frame starts with this, then its seq, then `,` and `Incoming.fields`
EVENT_HEAD = '{"type":"event","seq":'


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
    raw_event: str | None = None
    """The body text to use as the frame's `event` as is (strict JSON on one line), if any."""
    fields: str = field(init=False)
    """Every frame field but `type`, `seq` and `id`, encoded: `"channel":…,"event":{…}}`."""

    def __post_init__(self) -> None:
        # strings through the C string encoder, once each: json.dumps would build an
        # encoder per call, which cost more than the encoding of a whole event
        headers = ",".join(f"{_string(k)}:{_string(v)}" for k, v in self.headers.items())
        event = self.raw_event if self.raw_event is not None else _encode(self.payload)
        tail = ',"bxml":true}' if self.bxml else "}"
        fields = (
            f'"channel":{_string(self.channel)},"received_at":"{iso_time(self.received_at)}",'
            f'"method":{_string(self.method)},"query":{_string(self.query)},'
            f'"headers":{{{headers}}},"body":{_string(self.body)},"event":{event}{tail}'
        )
        object.__setattr__(self, "fields", fields)


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A durable event: its channel, `seq`, receive time and its encoded frame."""

    channel: str
    seq: int
    received_at: float
    frame: str


Listener = Callable[[StoredEvent], None]
"""Told about every appended event, per channel in `seq` order (`Store.add_listener`)."""


@dataclass(frozen=True, slots=True)
class ChannelStats:
    """What `/healthz` shows about one channel's stored events."""

    count: int
    first_seq: int | None
    last_seq: int


_second: list[Any] = [None, ""]  # the last whole second formatted, and its text


def iso_time(timestamp: float) -> str:
    """UTC ISO 8601 with milliseconds, e.g. `2026-11-26T23:14:26.123Z`.

    Called once per event: the text up to the second is reused while the second lasts.
    """
    whole = int(timestamp)
    micros = round((timestamp - whole) * 1_000_000)  # rounded as datetime rounds
    if micros >= 1_000_000:
        whole, micros = whole + 1, micros - 1_000_000
    if _second[0] != whole:
        _second[0] = whole
        _second[1] = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
    return f"{_second[1]}{micros // 1000:03d}Z"


def encode_event(incoming: Incoming, seq: int) -> StoredEvent:
    """Give `incoming` its `seq`: its `event` frame (the fields were encoded at ingress)."""
    frame = f"{EVENT_HEAD}{seq},{incoming.fields}"
    return StoredEvent(incoming.channel, seq, incoming.received_at, frame)


def encode_request(incoming: Incoming, seq: int, request_id: str, deadline: float) -> str:
    """The `request` frame asking one console for BXML (it carries the event's `seq` too).

    `deadline` (epoch seconds) is when the relay stops waiting and answers with its
    fallback; sent in the relay's clock like `received_at`, so a console counts down
    `deadline - received_at` whatever its own clock says.
    """
    head = f'{{"type":"request","id":{json.dumps(request_id)},"seq":{seq}'
    return f'{head},"deadline":"{iso_time(deadline)}",{incoming.fields}'

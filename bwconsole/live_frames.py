"""The relay's frames as typed records: `LiveEvent`, `BxmlRequest`, `Forwarded`.

Kept apart from `bwconsole.live` (the connection) so that code reading stored
frames (`bwconsole events`) shares one decoding with the live client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bwconsole.events import Event, parse

__all__ = ["BxmlRequest", "Forwarded", "LiveEvent", "event_from_frame", "forwarded_from_frame"]


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """One callback as the relay received it, with its typed form."""

    seq: int
    channel: str
    received_at: str
    method: str
    query: str
    headers: dict[str, str]
    body: str
    """The raw body text, exactly as the v1 API sent it."""
    payload: Mapping[str, object] | None
    """The parsed form the relay forwarded (JSON body or query parameters); None when the
    frame's `event` is not a JSON object."""
    event: Event | None
    """`bwconsole.events.parse(payload)`, or None when parsing failed (see `parse_error`)."""
    parse_error: str | None = None
    history: bool = False
    """True for an event this console had already processed in an earlier run, replayed at
    start so the panes can rebuild what happened (no alert, no prompt should come of it)."""
    bxml: bool = False
    """Received on the relay's `/bxml/` door: a request for BXML (also sent as a `BxmlRequest`)."""


@dataclass(frozen=True, slots=True)
class Forwarded:
    """A `bwconsole listen` on the channel delivered (or failed to deliver) event `seq`."""

    seq: int
    by: str
    """The forwarder's subscriber name (`listen-<host>`)."""
    status: int | str
    """The app's HTTP status, or what went wrong in a few words."""
    latency_ms: float | None = None


@dataclass(frozen=True, slots=True)
class BxmlRequest:
    """A BXML request the relay wants this console to answer (its event also arrives as a `LiveEvent`)."""

    id: str
    live: LiveEvent
    deadline: str | None = None
    """When the relay stops waiting and answers with its fallback (ISO 8601, the relay's
    clock like `live.received_at`); None from a relay that does not say."""

    @property
    def budget(self) -> float | None:
        """Seconds the relay gives this request from its arrival (`deadline - received_at`)."""
        from datetime import datetime

        try:
            end = datetime.fromisoformat(str(self.deadline).replace("Z", "+00:00"))
            start = datetime.fromisoformat(self.live.received_at.replace("Z", "+00:00"))
        except ValueError:
            return None
        return (end - start).total_seconds()


def _parse(payload: object) -> tuple[Event | None, str | None]:
    if not isinstance(payload, Mapping | str | bytes):
        return None, f"not an event: cannot parse a {type(payload).__name__}"
    try:
        return parse(payload), None
    except ValueError as exc:
        return None, str(exc)


def event_from_frame(frame: dict[str, Any], *, history: bool = False) -> LiveEvent:
    """The `LiveEvent` of an `event` (or `request`) frame of the relay."""
    payload = frame.get("event")
    event, error = _parse(payload)
    return LiveEvent(
        seq=int(frame["seq"]),
        channel=str(frame.get("channel", "")),
        received_at=str(frame.get("received_at", "")),
        method=str(frame.get("method", "")),
        query=str(frame.get("query", "")),
        headers=dict(frame.get("headers") or {}),
        body=str(frame.get("body", "")),
        payload=payload if isinstance(payload, Mapping) else None,
        event=event,
        parse_error=error,
        history=history,
        bxml=frame.get("bxml") is True,
    )


def forwarded_from_frame(frame: dict[str, Any]) -> Forwarded:
    """The `Forwarded` of a `forwarded` frame.

    Raises:
        KeyError, TypeError, ValueError: a frame without a usable seq, name or status.
    """
    latency = frame.get("latency_ms")
    status = frame["status"]
    if not isinstance(status, int | str):
        raise TypeError("status must be a number or words")
    return Forwarded(
        int(frame["seq"]),
        str(frame["by"]),
        status,
        float(latency) if latency is not None else None,
    )

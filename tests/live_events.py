"""Relay events as the live client hands them to the console, for tests that feed panes."""

from __future__ import annotations

import json
from collections.abc import Mapping

from bwconsole.events import parse
from bwconsole.live import LiveEvent


def relay_event(
    seq: int = 1,
    *,
    payload: Mapping[str, object] | None = None,
    body: str | None = None,
    method: str = "POST",
    query: str = "",
    channel: str = "ch",
    typed: bool = False,
    parse_error: str | None = None,
) -> LiveEvent:
    """One relay event. `body` defaults to the payload's JSON on a POST and to nothing on
    a GET (whose payload came as parameters); `typed` parses the payload with the real
    `events.parse`, as the live client does (an unparseable one is left untyped)."""
    if body is None:
        body = json.dumps(payload) if payload is not None and method == "POST" else ""
    event = None
    if typed and payload is not None:
        try:
            event = parse(dict(payload))
        except ValueError:
            event = None
    return LiveEvent(
        seq=seq,
        channel=channel,
        received_at="2026-11-26T12:00:00Z",
        method=method,
        query=query,
        headers={},
        body=body,
        payload=payload,
        event=event,
        parse_error=parse_error,
    )

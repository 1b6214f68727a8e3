"""Read a channel's stored events from the relay, for `bwconsole events list` and `resend`.

It uses the relay's own egress, as a viewer: `after=N&requests=0`, no
subscriber name and no acks, so reading the log changes nobody's position and
is never asked for BXML. The first `ping` frame tells the channel's last seq;
the replay is read up to it, then the connection is closed.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from bwconsole.live import LiveEvent, event_from_frame
from bwconsole.relay_urls import relay_urls

__all__ = ["HistoryError", "read_events"]


class HistoryError(Exception):
    """The relay could not be read; the message says why."""

    def __init__(self, message: str, *, refused: bool = False) -> None:
        super().__init__(message)
        self.refused = refused


async def read_events(
    url: str,
    channel: str,
    token: str,
    *,
    after: int | None,
    until: int | None = None,
    newest: int = 1000,
    within: float = 30.0,
) -> tuple[list[LiveEvent], int]:
    """The stored events of `channel` with `after < seq <= until`, and the channel's last seq.

    Args:
        after: read from the event after this seq; None: the newest `newest` events.
        until: stop at this seq (default: the last one stored when reading began).
        within: seconds the whole read may take.

    Raises:
        HistoryError: the relay refused the token or could not be reached.
    """
    try:
        async with asyncio.timeout(within):
            return await _read(url, channel, token, after, until, newest)
    except InvalidStatus as exc:
        status = exc.response.status_code
        raise HistoryError(
            f"the relay refused the connection: HTTP {status}", refused=status in (401, 403)
        ) from None
    except TimeoutError:
        raise HistoryError(f"the relay did not send the events within {within:g} s") from None
    except OSError as exc:
        raise HistoryError(f"cannot reach the relay at {url}: {exc}") from None


async def _read(
    url: str, channel: str, token: str, after: int | None, until: int | None, newest: int
) -> tuple[list[LiveEvent], int]:
    headers = {"Authorization": f"Bearer {token}"}
    base = relay_urls(url, channel).events
    if after is None:  # where does the channel end? (live only: nothing is replayed)
        async with connect(f"{base}?requests=0", additional_headers=headers) as ws:
            last = int(_first_ping(await ws.recv()).get("last_seq") or 0)
        after = max(0, last - newest)
    if not await _stored_after(url, channel, headers, after):
        return [], after  # nothing kept past `after` (none yet, or pruned by retention)
    events: list[LiveEvent] = []
    query = f"after={after}&requests=0&batch=1"
    async with connect(f"{base}?{query}", additional_headers=headers, max_size=None) as ws:
        last = int(_first_ping(await ws.recv()).get("last_seq") or 0)
        end = last if until is None else min(until, last)
        seen = after  # the replay skips pruned seqs: stop on the seq reached, not the count
        while seen < end:
            raw = await ws.recv()
            text = raw if isinstance(raw, str) else raw.decode()
            for line in text.split("\n"):
                frame = json.loads(line)
                if isinstance(frame, dict) and frame.get("type") == "event":
                    event = event_from_frame(frame)
                    seen = max(seen, event.seq)
                    if event.seq <= end:
                        events.append(event)
    return events, last


async def _stored_after(url: str, channel: str, headers: dict[str, str], after: int) -> bool:
    """Whether the relay keeps an event of `channel` above `after` (its `/healthz` counts)."""
    http_url = "http" + url[len("ws") :] if url.startswith("ws") else url
    async with httpx.AsyncClient(trust_env=False) as http:
        try:
            response = await http.get(f"{http_url.rstrip('/')}/healthz", headers=headers)
            channels = response.json().get("channels")
        except (httpx.HTTPError, ValueError, AttributeError):
            return True  # cannot tell: read the log and see
    if not isinstance(channels, dict):
        return True  # no details for this token: the websocket will say why
    stats = channels.get(channel)
    if not isinstance(stats, dict):
        return False  # nothing ever stored on this channel
    return bool(stats.get("events")) and int(stats.get("last_seq") or 0) > after


def _first_ping(raw: str | bytes) -> dict[str, Any]:
    frame = json.loads(raw)
    if not isinstance(frame, dict) or frame.get("type") != "ping":
        raise HistoryError("the relay did not start with a ping frame (an older relay?)")
    return frame

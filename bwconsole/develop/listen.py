"""`Listener`: follow a relay channel and hand every callback to the developer's local app.

The order of a channel is the order of delivery: one event at a time, the
next only after the app answered the previous one 2xx and it was acked, so an
app that is down holds the stream back instead of losing it. BXML requests
are the exception: the API is waiting on the line, so each is forwarded at
once, in its own task (the live client reads ahead of the event being
delivered, so a request is never stuck behind a retried callback), and its answer (or, if the app fails or is too slow,
a request for the relay's fallback) goes back within `bxml_timeout`.

A request received on the relay's `/bxml/` door reaches a subscriber twice:
as an `event` frame (it is in the log like any callback) and as a `request`
frame. It is forwarded once, as the request; its event is acked unsent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection
from datetime import datetime
from pathlib import Path

import httpx

from bwconsole.bxml import BxmlError, parse
from bwconsole.develop.forward import Forwarder, NotOk, describe, event_type
from bwconsole.develop.output import Printer
from bwconsole.live import BxmlRequest, LiveClient, LiveEvent

__all__ = ["DEFAULT_BXML_TIMEOUT", "Listener", "RelayRefused", "inspect_bxml"]

DEFAULT_BXML_TIMEOUT = 4.0
"""Seconds the app has for a BXML answer: inside the relay's default 5 s, so the
fallback request still gets there first."""


READ_AHEAD = 1000
"""Event frames read ahead of the one being delivered: BXML requests and pings behind
them still get through while a delivery is retried."""


BXML_MARGIN = 0.5
"""Seconds kept from the relay's deadline for the answer to travel back to it."""


class RelayRefused(Exception):
    """The relay refused the token (HTTP 401/403): retrying will not help."""


class Listener:
    """Forwards one channel's callbacks to a local URL.

    Args:
        relay_url, channel, token: the relay channel to follow.
        forwarder: sends each event to the app.
        printer: reports deliveries.
        state_dir: where the last acked seq is kept (per relay and channel).
        events: forward only these event types (the rest are acked unsent); empty: all.
        after: start from the event after this seq instead of the saved position.
        bxml_timeout: seconds the app has to answer a BXML request.
    """

    def __init__(
        self,
        relay_url: str,
        channel: str,
        token: str,
        *,
        forwarder: Forwarder,
        printer: Printer,
        state_dir: Path | None,
        events: Collection[str] = (),
        after: int | None = None,
        bxml_timeout: float = DEFAULT_BXML_TIMEOUT,
        subscriber: str | None = None,
    ) -> None:
        self.forwarder = forwarder
        self.printer = printer
        self.events = frozenset(events)
        self.bxml_timeout = bxml_timeout
        self.delivered = 0
        self._refused = asyncio.Event()
        self._reports: set[asyncio.Task[None]] = set()
        forwarder.on_retry = self._retrying
        self.client = LiveClient(
            relay_url,
            channel,
            token,
            state_path=state_dir,
            on_event=self._on_event,
            on_state=self._on_state,
            on_request=self._on_request,
            backoff=(0.2, 5.0),
            after=after,
            subscriber=subscriber,
            forwarder=True,
            read_ahead=READ_AHEAD,
            save_every=0.0,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Forward until `stop` is set; then stop cleanly (the event in flight stays unacked).

        Raises:
            RelayRefused: the relay turned the token down.
        """
        await self.client.start()
        stopping = asyncio.create_task(stop.wait())
        refused = asyncio.create_task(self._refused.wait())
        try:
            await asyncio.wait([stopping, refused], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            refused.cancel()
            await self.client.stop()
            await self.forwarder.aclose()
        if self._refused.is_set():
            raise RelayRefused(self.client.last_error or "the relay refused the token")

    def _wanted(self, live: LiveEvent) -> bool:
        return not self.events or event_type(live) in self.events

    def _on_state(self, state: str) -> None:
        error = self.client.last_error or ""
        if state == "connected":
            self.printer.info(
                f"forwarding {self.client.url} channel {self.client.channel} "
                f"to {self.forwarder.url} (from seq {self.client.last_seq + 1})"
            )
        elif state == "reconnecting":
            if "HTTP 401" in error or "HTTP 403" in error:
                self._refused.set()
            else:
                self.printer.problem(f"relay connection lost ({error}); reconnecting")

    async def _on_event(self, live: LiveEvent) -> None:
        if live.bxml:
            if _age(live) > self.bxml_timeout + 1.0:
                self.printer.skipped(
                    live, "BXML request made while listen was away (relay answered)"
                )
            return
        if not self._wanted(live):
            return
        answer = await self.forwarder.deliver(live)
        self.delivered += 1
        self.printer.delivered(live, answer)
        self._report(live, answer.status, answer.latency)

    def _retrying(self, live: LiveEvent, reason: str, wait: float, attempt: int) -> None:
        self.printer.retrying(live, reason, wait, attempt)
        self._report(live, f"{reason}; retry {attempt + 1}")

    def _report(self, live: LiveEvent, status: int | str, latency: float | None = None) -> None:
        """Tell the consoles on the channel how the delivery went (without holding it up)."""
        report = self.client.report_forwarded(
            live.seq, status, latency * 1000 if latency is not None else None
        )
        task = asyncio.create_task(report)
        self._reports.add(task)
        task.add_done_callback(self._reports.discard)

    async def _on_request(self, request: BxmlRequest) -> str | None:
        live = request.live
        if not self._wanted(live):
            self.printer.bxml_failed(live, "filtered out by --events")
            return None
        within = self.bxml_timeout
        if request.budget is not None:  # the relay's own deadline, less time to get back
            within = max(0.1, min(within, request.budget - BXML_MARGIN))
        try:
            answer = await self.forwarder.deliver(live, within=within)
        except NotOk as exc:
            self.printer.bxml_failed(live, f"app answered {exc.answer.status}")
            self._report(live, f"BXML {exc.answer.status}: fallback")
            return None
        except httpx.TransportError as exc:
            self.printer.bxml_failed(live, f"app {describe(exc)} within {within:.1f} s")
            self._report(live, "BXML: no answer, fallback")
            return None
        verbs, problem = inspect_bxml(answer.body)
        self.delivered += 1
        self.printer.bxml(live, answer, verbs, problem)
        self._report(
            live, f"BXML {answer.status}" + (" invalid" if problem else ""), answer.latency
        )
        return answer.body


def inspect_bxml(body: str) -> tuple[list[str], str | None]:
    """The verbs of an app's BXML answer, and why the API would reject it (None: it would not).

    An empty answer (to a hangup, say) is no document: `["(no BXML)"]`, no problem.
    """
    if not body.strip():
        return ["(no BXML)"], None
    try:
        return [type(verb).__name__ for verb in parse(body).children], None
    except BxmlError as exc:
        return [], str(exc)


def _age(live: LiveEvent) -> float:
    """Seconds since the relay received `live` (0 when its time cannot be read)."""
    try:
        received = datetime.fromisoformat(live.received_at.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return time.time() - received.timestamp()

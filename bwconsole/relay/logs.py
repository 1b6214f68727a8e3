"""What the relay logs when it is attacked or overloaded: a line per burst, not per request.

A public relay sees wrong tokens, scanners and connection floods. Logging
each one in full (a traceback per refused handshake, an `EMFILE` traceback per
failed accept) turns an attack into a full disk, so refusals and resource
exhaustion are logged once, then summarised once per interval. Credentials
that a sender put in a callback URL's query string never reach the access log.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import re
import time
from collections import Counter
from typing import Any

__all__ = [
    "SUMMARY_INTERVAL",
    "AccessLogRedactor",
    "ExhaustionLog",
    "RefusalLog",
    "QuietRefusals",
    "redact_query",
]

SUMMARY_INTERVAL = 10.0
"""Seconds between two log lines about the same kind of trouble."""

log = logging.getLogger("bwconsole.relay")

#: query parameters whose values are credentials (the v1 API's own and the usual names)
_SECRET_KEY = re.compile(r"pass|pwd|secret|token|key|auth|user|sig|session", re.IGNORECASE)
_PARAM = re.compile(r"([^&=?]+)=([^&]*)")


def redact_query(path: str) -> str:
    """`/cb?user=u&password=p&x=1` -> `/cb?user=***&password=***&x=1`."""
    base, question, query = path.partition("?")
    if not question:
        return path

    def hide(match: re.Match[str]) -> str:
        key = match.group(1)
        return f"{key}=***" if _SECRET_KEY.search(key) else match.group(0)

    return f"{base}?{_PARAM.sub(hide, query)}"


class AccessLogRedactor(logging.Filter):
    """Redacts credentials in the path of uvicorn's access log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_query(args[2]), *args[3:])
        return True


class QuietRefusals(logging.Filter):
    """Drops uvicorn's and websockets' per-request lines about refused handshakes.

    `RefusalLog` says the same once per burst.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith("connection rejected"):
            return False
        if message == '%s - "WebSocket %s" %d':
            args = record.args
            status = args[2] if isinstance(args, tuple) and len(args) == 3 else 0
            return not (isinstance(status, int) and status >= 400)
        return True


class RefusalLog:
    """Refused websocket handshakes: the first of a burst at INFO, then one summary per interval."""

    def __init__(self, interval: float | None = None) -> None:
        self.interval = SUMMARY_INTERVAL if interval is None else interval
        self._quiet_until = 0.0
        self._held: Counter[str] = Counter()
        self._flush: asyncio.TimerHandle | None = None

    def refused(self, status: int, reason: str, client: str) -> None:
        """Record one refusal (`client` is the peer's address)."""
        now = time.monotonic()
        if now >= self._quiet_until:
            log.info("refused websocket from %s: %d %s", client, status, reason)
            self._quiet_until = now + self.interval
            return
        self._held[f"{status} {reason}"] += 1
        if self._flush is None:
            loop = asyncio.get_running_loop()
            self._flush = loop.call_later(self._quiet_until - now, self.summarise)

    def summarise(self) -> None:
        """Log what was held back since the last line (called by the timer)."""
        self._flush = None
        if self._held:
            counts = ", ".join(f"{n} × {what}" for what, n in self._held.most_common())
            log.info(
                "refused %d more websocket(s) in %g s: %s",
                self._held.total(),
                self.interval,
                counts,
            )
            self._held.clear()
            self._quiet_until = time.monotonic() + self.interval


_EXHAUSTED = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


class ExhaustionLog:
    """An event-loop exception handler: out-of-resource errors once per interval, the rest as usual."""

    def __init__(self, interval: float = SUMMARY_INTERVAL) -> None:
        self.interval = interval
        self._next = 0.0
        self._held = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if not (isinstance(exc, OSError) and exc.errno in _EXHAUSTED):
            loop.default_exception_handler(context)
            return
        now = time.monotonic()
        if now < self._next:
            self._held += 1
            return
        more = f" ({self._held} more since the last report)" if self._held else ""
        log.error(
            "out of resources: %s: %s%s; raise the file limit (ulimit -n) or add instances",
            context.get("message", "error"),
            exc.strerror,
            more,
        )
        self._next, self._held = now + self.interval, 0

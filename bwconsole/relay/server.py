"""The relay's uvicorn protocols and options: bounded idle connections, quiet refusals.

A public relay must keep answering callbacks while someone opens connections
and sends nothing. uvicorn closes a keep-alive connection that goes idle
after a response, but not a fresh one that never completes its headers, so:

- every request must have its headers within `HEADER_TIMEOUT` of its first
  byte (or of the connection opening), or the connection is closed;
- near the file-descriptor limit, each new connection evicts the oldest one
  that is still waiting for its headers, so idle connections cannot starve
  callbacks of descriptors;
- `limit_concurrency` answers 503 beyond that, `timeout_keep_alive` bounds
  idle keep-alive connections.

The websocket protocol is uvicorn's own, with a denial (`401`/`403` before
the upgrade) counted as a completed handshake: uvicorn would otherwise log an
error for each refused console.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from bwconsole.relay.logs import AccessLogRedactor, QuietRefusals

__all__ = [
    "FD_RESERVE",
    "HEADER_TIMEOUT",
    "KEEP_ALIVE_TIMEOUT",
    "raise_fd_limit",
    "server_config",
]

HEADER_TIMEOUT = 10.0
"""Seconds a request may take to send its headers (slow clients on a phone network included)."""

KEEP_ALIVE_TIMEOUT = 5
"""Seconds an idle keep-alive connection stays open."""

FD_RESERVE = 64
"""Descriptors kept free of HTTP connections: the store, Redis connections, log files."""

_access_log = logging.getLogger("uvicorn.access.relay")
_access_log.addFilter(AccessLogRedactor())
_ws_log = logging.getLogger("uvicorn.error.relay")
_ws_log.addFilter(QuietRefusals())


def raise_fd_limit() -> int:
    """Raise the soft file-descriptor limit to the hard one; return the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def _http_protocol(max_connections: int, header_timeout: float) -> type[asyncio.Protocol]:
    """An httptools protocol class with its own registry of connections awaiting headers.

    The registry maps each connection to its header deadline, oldest first; one
    timer a second sweeps it, so a request costs a dict insert and a pop, not
    a timer of its own.
    """
    waiting: dict[RelayHttpProtocol, float] = {}
    sweeping: list[asyncio.TimerHandle] = []

    def sweep() -> None:
        sweeping.clear()
        if not waiting:
            return
        now = next(iter(waiting)).loop.time()
        for late, deadline in list(waiting.items()):
            if deadline > now:
                break
            del waiting[late]
            if not late.transport.is_closing():
                late.transport.close()
        if waiting:
            sweeping.append(next(iter(waiting)).loop.call_later(1.0, sweep))

    class RelayHttpProtocol(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.access_logger = _access_log
            self.access_log = _access_log.hasHandlers()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._await_headers()
            if len(self.connections) > max_connections:
                idle = next((c for c in waiting if c is not self), None)
                if idle is not None:
                    del waiting[idle]
                    idle.transport.close()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            if self not in waiting:
                self._await_headers()

        def on_headers_complete(self) -> None:
            waiting.pop(self, None)
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            waiting.pop(self, None)
            super().connection_lost(exc)

        def _await_headers(self) -> None:
            waiting[self] = self.loop.time() + header_timeout
            if not sweeping:
                sweeping.append(self.loop.call_later(1.0, sweep))

    return RelayHttpProtocol


class RelayWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websocket protocol, logging through a logger that drops per-refusal lines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.logger = _ws_log
        self.conn.logger = _ws_log

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body"):
            self.handshake_complete = True  # a denial is a complete answer, not an app error


def server_config(**options: Any) -> dict[str, Any]:
    """uvicorn options for the relay (`options` are passed through), sized to the fd limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = soft if soft != resource.RLIM_INFINITY else 65536
    max_connections = max(limit - 2 * FD_RESERVE, 16)
    return {
        "http": _http_protocol(max_connections, HEADER_TIMEOUT),
        "ws": RelayWebSocketProtocol,
        "limit_concurrency": max(limit - FD_RESERVE, 32),
        "timeout_keep_alive": KEEP_ALIVE_TIMEOUT,
        **options,
    }

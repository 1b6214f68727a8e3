"""The relay's ASGI application: routes, shared state and background tasks.

`create_app` builds a Starlette app whose lifespan opens the store, feeds the
store's appended events to the hub, flushes subscriber acks every second and
prunes old events when a retention is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from bwconsole.relay.bxml import DEFAULT_FALLBACK_BXML, BxmlRouter, Router
from bwconsole.relay.egress import events_endpoint
from bwconsole.relay.hub import Hub, Subscriber
from bwconsole.relay.ingress import Rejected, check_basic_auth, read_incoming
from bwconsole.relay.logs import RefusalLog
from bwconsole.relay.server import server_config
from bwconsole.relay.store import SharedStore, Store, open_store
from bwconsole.relay.tokens import Grant, TokenSet

__all__ = ["DEFAULT_QUEUE_BYTES", "DEFAULT_QUEUE_LIMIT", "Relay", "create_app", "server_options"]

DEFAULT_QUEUE_LIMIT = 10_000
"""Frames queued for one console before it is cut off as too slow."""

DEFAULT_QUEUE_BYTES = 32 * 1024 * 1024
"""Bytes of frames queued for one console before it is cut off (whichever bound comes first)."""

#: websocket close code for a console whose token was revoked (policy violation)
CLOSE_REVOKED = 1008

log = logging.getLogger("bwconsole.relay")

ACK_FLUSH_INTERVAL = 1.0


class Relay:
    """Everything the relay's handlers share (reachable as `app.state.relay`)."""

    def __init__(
        self,
        store: Store,
        *,
        tokens: Iterable[str],
        ingress_auth: tuple[str, str] | None,
        bxml_timeout: float,
        bxml_fallback: str | None,
        retention: float | None,
        ping_interval: float,
        queue_limit: int,
        queue_bytes: int = DEFAULT_QUEUE_BYTES,
    ) -> None:
        self.store = store
        self.hub = Hub()
        local = BxmlRouter(
            self.hub, timeout=bxml_timeout, fallback=bxml_fallback or DEFAULT_FALLBACK_BXML
        )
        self.bxml_timeout = bxml_timeout
        self.bxml_fallback = local.fallback
        self.shared = store if isinstance(store, SharedStore) else None
        self.router: Router = local if self.shared is None else self.shared.bxml_router(local)
        self.ingress_auth = ingress_auth
        self.retention = retention
        self.ping_interval = ping_interval
        self.queue_limit = queue_limit
        self.queue_bytes = queue_bytes
        self.started_at = time.time()
        self.connections: set[Subscriber] = set()
        self.tokens = TokenSet()
        self.refusals = RefusalLog()
        self.set_tokens(tokens)
        self._dirty_acks: dict[str, dict[str, int]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    # -- tokens ----------------------------------------------------------

    def set_tokens(self, tokens: Iterable[str]) -> int:
        """Replace the accepted tokens (`TOKEN` or `TOKEN ch-a,ch-b`; SIGHUP reloads through this).

        Open connections whose token is gone, or no longer covers their channel,
        are closed with 1008; returns how many.

        Raises:
            ValueError: a malformed line (nothing is replaced).
        """
        self.tokens = TokenSet(tokens)
        revoked = [
            s
            for s in self.connections
            if s.grant is not None and not self.tokens.still_allows(s.grant, s.channel)
        ]
        for subscriber in revoked:
            subscriber.close(CLOSE_REVOKED, "token revoked")
        if revoked:
            log.warning("closed %d console connection(s) whose token was revoked", len(revoked))
        return len(revoked)

    def grant(self, token: str) -> Grant | None:
        """What `token` may read, or None (checked in constant time against every token)."""
        return self.tokens.grant(token)

    # -- subscribers -----------------------------------------------------

    def connected(self, subscriber: Subscriber) -> None:
        """Track a new connection (for `/healthz`)."""
        self.connections.add(subscriber)

    async def join(self, subscriber: Subscriber) -> None:
        """Start live fan-out to `subscriber` (its replay is done but for one last read).

        Everything appended once this returns reaches the subscriber's queue,
        from this instance or, with a shared store, any other.
        """
        self.hub.add(subscriber)
        await self.router.joined(subscriber)
        if self.shared is not None:
            await self.shared.follow(subscriber.channel)
            subscriber.following = True

    def disconnected(self, subscriber: Subscriber) -> None:
        """Forget a connection: stop fan-out, re-route its BXML requests, keep its ack."""
        self.hub.remove(subscriber)
        self.router.disconnected(subscriber)
        self.connections.discard(subscriber)
        if self.shared is not None and subscriber.following:
            subscriber.following = False
            self.shared.unfollow(subscriber.channel)

    def ack(self, subscriber: Subscriber, seq: int) -> None:
        """Record an ack; acks reach the store in batches every second."""
        if seq > subscriber.acked:
            subscriber.acked = seq
            self._dirty_acks.setdefault(subscriber.channel, {})[subscriber.key] = seq

    async def flush_acks(self) -> None:
        """Write the acks received since the last flush."""
        dirty, self._dirty_acks = self._dirty_acks, {}
        for channel, acks in dirty.items():
            await self.store.save_acks(channel, acks)

    # -- lifecycle -------------------------------------------------------

    async def start(self) -> None:
        """Open the store and start the background tasks."""
        await self.store.open()
        self.store.add_listener(self.hub.publish)
        await self.router.start()
        self._tasks.append(asyncio.create_task(self._flush_loop(), name="relay-acks"))
        if self.retention is not None:
            self._tasks.append(asyncio.create_task(self._retention_loop(), name="relay-retention"))

    async def stop(self) -> None:
        """Disconnect consoles, stop the tasks, flush acks and close the store."""
        self.hub.close_all(1001, "relay shutting down")
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.router.stop()
        with contextlib.suppress(Exception):
            await self.flush_acks()
        await self.store.close()

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(ACK_FLUSH_INTERVAL)
            with contextlib.suppress(Exception):
                await self.flush_acks()

    async def _retention_loop(self) -> None:
        assert self.retention is not None
        while True:
            await self.store.prune(time.time() - self.retention)
            await asyncio.sleep(min(max(self.retention / 4, 0.05), 60.0))

    # -- health ----------------------------------------------------------

    async def health(self, grant: Grant | None) -> dict[str, Any]:
        """The `/healthz` document; details of the channels `grant`'s token may read."""
        result: dict[str, Any] = {
            "status": "ok",
            "uptime_s": round(time.time() - self.started_at, 3),
        }
        if grant is None:
            result["subscribers"] = len(self.connections)
            return result
        visible = [s for s in self.connections if grant.allows(s.channel)]
        result["subscribers"] = len(visible)
        now = time.time()
        channels: dict[str, Any] = {}
        for channel, stats in (await self.store.stats()).items():
            if not grant.allows(channel):
                continue
            subscribers = [s for s in visible if s.channel == channel]
            acks = await self.store.acks(channel)
            acks.update({s.key: s.acked for s in subscribers})
            oldest = await self.store.read(channel, min(acks.values(), default=0), 1)
            channels[channel] = {
                "events": stats.count,
                "first_seq": stats.first_seq,
                "last_seq": stats.last_seq,
                "subscribers": [
                    {
                        "name": s.name,
                        "connected_s": round(now - s.connected_at, 3),
                        "acked": s.acked,
                        "sent": s.sent_seq,
                        "queued": len(s.queue),
                        "queued_bytes": s.queued_bytes,
                    }
                    for s in subscribers
                ],
                "oldest_unacked": (
                    {"seq": oldest[0].seq, "age_s": round(now - oldest[0].received_at, 3)}
                    if oldest
                    else None
                ),
            }
        result["channels"] = channels
        return result


def _error(rejected: Rejected) -> Response:
    return JSONResponse({"error": rejected.message}, rejected.status, headers=rejected.headers)


async def _store_callback(request: Request) -> int | Response:
    """The seq of the stored callback, or the error response."""
    relay: Relay = request.app.state.relay
    try:
        check_basic_auth(request, relay.ingress_auth)
        incoming = await read_incoming(request, request.path_params["channel"])
    except Rejected as rejected:
        return _error(rejected)
    try:
        stored = await relay.store.append(incoming)
    except Exception:  # noqa: BLE001 - the sender must retry: no 200 without durability
        return JSONResponse({"error": "event store unavailable"}, 503)
    return stored.seq


async def _callback(request: Request) -> Response:
    stored = await _store_callback(request)
    if isinstance(stored, Response):
        return stored
    return Response(b'{"seq":%d}' % stored, media_type="application/json")


class _RelayApp(Starlette):
    """Starlette, with callbacks (the hot path: one per event) handled before routing.

    A callback needs neither the router nor the middleware stack, which cost
    about as much CPU as the rest of ingress together; everything else,
    errors included, goes through Starlette as usual.
    """

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] == "http"
            and path.startswith("/callbacks/")
            and scope["method"] in ("GET", "POST")
            and "/" not in path[11:]
        ):
            request = Request(scope, receive)
            request.scope["path_params"] = {"channel": path[11:]}
            request.scope["app"] = self
            try:
                response = await _store_callback(request)
            except Exception:  # noqa: BLE001 - logged, and the body is JSON like any error
                log.exception("callback failed")
                response = JSONResponse({"error": "internal error"}, 500)
            if isinstance(response, int):  # the common answer, without a Response object
                body = b'{"seq":%d}' % response
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", b"%d" % len(body)),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
            else:
                await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


async def _bxml(request: Request) -> Response:
    relay: Relay = request.app.state.relay
    loop = asyncio.get_running_loop()
    # the API waits for the answer from the moment it sent the request, so the timeout
    # runs from the request's arrival, not from when the store had room for it
    deadline = loop.time() + relay.bxml_timeout
    try:
        check_basic_auth(request, relay.ingress_auth)
        incoming = await read_incoming(request, request.path_params["channel"], bxml=True)
    except Rejected as rejected:
        return _error(rejected)
    try:
        async with asyncio.timeout_at(deadline):
            stored = await relay.store.append(incoming)
    except TimeoutError:
        return _bxml_response(relay.bxml_fallback, "timeout")
    except Exception:  # noqa: BLE001
        return JSONResponse({"error": "event store unavailable"}, 503)
    routed = await relay.router.ask(incoming, stored, deadline)
    return _bxml_response(routed.body, routed.source)


def _bxml_response(body: str, source: str) -> Response:
    return Response(body, media_type="application/xml", headers={"X-Relay-Bxml-Source": source})


async def _healthz(request: Request) -> Response:
    relay: Relay = request.app.state.relay
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    grant = relay.grant(token) if scheme.lower() == "bearer" else None
    return JSONResponse(await relay.health(grant))


async def _internal_error(request: Request, exc: Exception) -> Response:
    """Whatever went wrong, the body is JSON like every other error (the traceback is logged)."""
    return JSONResponse({"error": "internal error"}, 500)


def create_app(
    store: Store | str = "memory",
    *,
    tokens: Iterable[str] = (),
    ingress_auth: tuple[str, str] | None = None,
    bxml_timeout: float = 5.0,
    bxml_fallback: str | None = None,
    retention: float | None = None,
    ping_interval: float = 5.0,
    queue_limit: int = DEFAULT_QUEUE_LIMIT,
    queue_bytes: int = DEFAULT_QUEUE_BYTES,
    compression: bool = False,
) -> Starlette:
    """Build the relay app; the app opens and closes `store` in its lifespan.

    Args:
        store: a `Store`, or its command-line form (`memory`, `sqlite`, `sqlite:PATH`,
            `redis://HOST:PORT/DB`). A `SharedStore` (Redis) also routes BXML requests to
            consoles connected to other instances.
        tokens: bearer tokens accepted on `/events/{channel}`, each `TOKEN` (every channel) or
            `TOKEN ch-a,ch-b` (those channels); none means no console may connect.
        ingress_auth: `(user, password)` required as basic auth on `/callbacks` and `/bxml`.
        bxml_timeout: seconds to wait for a console's BXML answer (keep below the API's 10 s).
        bxml_fallback: BXML returned without a console answer (default `DEFAULT_FALLBACK_BXML`).
        retention: seconds to keep events; None keeps them forever.
        ping_interval: seconds between `ping` frames to each console.
        queue_limit: frames queued for one console before it is cut off as too slow.
        queue_bytes: bytes queued for one console before it is cut off as too slow.
        compression: per-message deflate; the server must be started with `server_options(app)`.
    """
    relay = Relay(
        open_store(store) if isinstance(store, str) else store,
        tokens=tokens,
        ingress_auth=ingress_auth,
        bxml_timeout=bxml_timeout,
        bxml_fallback=bxml_fallback,
        retention=retention,
        ping_interval=ping_interval,
        queue_limit=queue_limit,
        queue_bytes=queue_bytes,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await relay.start()
        try:
            yield
        finally:
            await relay.stop()

    app = _RelayApp(
        routes=[
            Route("/callbacks/{channel}", _callback, methods=["GET", "POST"]),
            Route("/bxml/{channel}", _bxml, methods=["GET", "POST"]),
            WebSocketRoute("/events/{channel}", events_endpoint),
            Route("/healthz", _healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
        exception_handlers={Exception: _internal_error},
    )
    app.state.relay = relay
    app.state.compression = compression
    return app


def server_options(app: Starlette) -> dict[str, Any]:
    """The uvicorn options the relay app needs (`BackgroundServer(app, **server_options(app))`).

    Compression is negotiated by the server before the app runs, so it is a
    server option; uvicorn's own default (on) is not the relay's (off). The
    rest bound idle connections and make refused handshakes quiet
    (`bwconsole.relay.server`).
    """
    return server_config(ws_per_message_deflate=bool(app.state.compression))

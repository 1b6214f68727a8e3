"""The relay's ASGI application: ingress routes, `/healthz`, and `create_app`.

`create_app` builds a Starlette app around one `Relay` (`state.py`) whose
lifespan opens the store, feeds the store's appended events to the hub,
flushes subscriber acks every second and prunes old events when a retention
is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from bwconsole.relay.egress import events_endpoint
from bwconsole.relay.ingress import Rejected, check_basic_auth, read_incoming
from bwconsole.relay.server import server_config
from bwconsole.relay.state import DEFAULT_QUEUE_BYTES, DEFAULT_QUEUE_LIMIT, Relay
from bwconsole.relay.store import Store
from bwconsole.relay.store_spec import open_store

__all__ = ["create_app", "server_options"]

log = logging.getLogger("bwconsole.relay")


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

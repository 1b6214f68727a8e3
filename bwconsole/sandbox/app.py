"""The sandbox ASGI app: the resource routes, each guarded the same way.

Each resource family lives in its own module exposing `routes(sandbox) -> list[BaseRoute]`;
this module wraps every `/v1` route so that authentication (`auth.py`), the documented
error body (`faults.py`), the errors resource and rate limits work the same everywhere.
It loads the route modules by name, so they never import it back.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from types import ModuleType

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.auth import check_credentials
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, error_body
from bwconsole.sandbox.ratelimit import Limiter

#: Route modules, in the order their routes are matched.
RESOURCE_MODULES = (
    "account",
    "applications",
    "numbers",
    "number_search",
    "messages",
    "media",
    "domains",
    "errors",
    "message_control",
    "calls",
    "bridges",
    "conferences",
    "conference_members",
    "recordings",
    "call_control",
)

Endpoint = Callable[[Request], Awaitable[Response]]


def fault_response(sandbox: Sandbox, fault: ApiFault, request: Request) -> Response:
    body = error_body(fault, request)
    if request.url.path.startswith("/v1/") and 400 <= fault.status < 500:
        sandbox.record_error(
            fault.status, fault.category, fault.code, fault.message, body["details"]
        )
    return JSONResponse(body, status_code=fault.status, headers=fault.headers)


def guarded(sandbox: Sandbox, endpoint: Endpoint) -> Endpoint:
    """Wrap a `/v1` endpoint with authentication and (optionally) rate limits."""

    async def wrapper(request: Request) -> Response:
        check_credentials(sandbox, request)
        sandbox.base_url = str(request.base_url).rstrip("/")
        if sandbox.rate_limits:
            await sandbox.service(Limiter).check(request)
        return await endpoint(request)

    return wrapper


def resource_modules() -> list[ModuleType]:
    """The route modules that exist in this build, in matching order."""
    modules = []
    for name in RESOURCE_MODULES:
        module_name = f"bwconsole.sandbox.{name}"
        try:
            modules.append(importlib.import_module(module_name))
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # family not built yet
            raise
    return modules


def collect_routes(sandbox: Sandbox) -> list[BaseRoute]:
    """Every module's routes; `/v1` ones guarded and also served with a trailing slash.

    The docs write URLs both ways (`.../calls/`), and a redirect would turn a
    POST into a second request many clients do not follow.
    """
    routes: list[BaseRoute] = []
    for module in resource_modules():
        for route in module.routes(sandbox):
            if isinstance(route, Route) and route.path.startswith("/v1"):
                endpoint = guarded(sandbox, route.endpoint)
                paths = [route.path]
                if not route.path.endswith(("/", ":path}")):
                    paths.append(route.path + "/")
                for path in paths:
                    routes.append(Route(path, endpoint, methods=route.methods, name=route.name))
                continue
            routes.append(route)
    return routes


def create_app(sandbox: Sandbox | None = None) -> Starlette:
    """The sandbox as an ASGI app; `app.state.sandbox` is the emulated account."""
    sandbox = sandbox or Sandbox()

    async def on_fault(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiFault)
        return fault_response(sandbox, exc, request)

    async def on_crash(request: Request, exc: Exception) -> Response:
        # A bug in the sandbox still answers in the API's shape (JSON, documented body).
        fault = ApiFault(
            500, "internal-error", f"An internal error occurred: {exc.__class__.__name__}"
        )
        return JSONResponse(error_body(fault, request), status_code=500)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            fault = ApiFault(
                405, "method-not-allowed", f"Method {request.method} is not supported here"
            )
        else:
            fault = ApiFault(
                exc.status_code, "resource-not-found", f"No resource at {request.url.path}"
            )
        return fault_response(sandbox, fault, request)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # A module may resume background work left by a previous run (`--state`).
        for module in resource_modules():
            startup = getattr(module, "startup", None)
            if startup is not None:
                await startup(sandbox)
        yield
        await sandbox.aclose()

    app = Starlette(
        routes=collect_routes(sandbox),
        exception_handlers={ApiFault: on_fault, HTTPException: on_http, Exception: on_crash},
        lifespan=lifespan,
    )
    app.state.sandbox = sandbox
    return app

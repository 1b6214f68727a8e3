"""The errors resource (methods/errors/*.md): recent API and callback failures, newest first.

`Sandbox.record_error` fills it (4xx answers of the API, failed callbacks,
inbound messages with nowhere to go); it keeps the newest `ERRORS_CAP`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import not_found
from bwconsole.sandbox.store import public
from bwconsole.sandbox.web import ok, paged

__all__ = ["routes"]


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    errors = sandbox.collection("errors")
    base = "/v1/users/{userId}/errors"

    async def list_all(request: Request) -> Response:
        items = [public(e) for e in errors]
        items.reverse()
        return paged(request, items)

    async def get(request: Request) -> Response:
        error_id = request.path_params["errorId"]
        record = errors.get(error_id)
        if record is None:
            raise not_found("user-error", error_id)
        return ok(public(record))

    return [
        Route(base, list_all, methods=["GET"]),
        Route(base + "/{errorId}", get, methods=["GET"]),
    ]

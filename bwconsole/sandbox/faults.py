"""API errors as the v1 API words them (SEMANTICS.md §7).

A route raises `ApiFault`; the app turns it into the documented body
`{"category", "code", "message", "details": [...]}` (`error_body`) and records it
in the errors resource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.requests import Request

#: HTTP status -> the category the docs pair with it (overridable per fault).
DEFAULT_CATEGORY = {
    400: "bad-request",
    401: "authentication",
    403: "forbidden",
    404: "not-found",
    405: "bad-request",
    409: "conflict",
    413: "bad-request",
    429: "too-many-requests",
    500: "backend",
    503: "unavailable",
}


class ApiFault(Exception):
    """An error answer of the emulated API.

    Args:
        status: HTTP status.
        code: the API's error code, e.g. `call-not-found`.
        message: the sentence the API gives.
        category: overrides the category the status implies (e.g. `limit` for 403).
        headers: extra response headers (e.g. `X-RateLimit-Reset`).
        details: extra `{"name", "value"}` details beyond the request's own.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        category: str | None = None,
        headers: dict[str, str] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.category = category or DEFAULT_CATEGORY.get(status, "backend")
        self.headers = headers or {}
        self.details = details or []


def not_found(kind: str, ident: str) -> ApiFault:
    """The documented `{kind}-not-found` 404."""
    return ApiFault(
        404, f"{kind}-not-found", f"The {kind.replace('-', ' ')} {ident} could not be found"
    )


def validation(message: str, code: str = "validation-error") -> ApiFault:
    return ApiFault(400, code, message)


def error_body(fault: ApiFault, request: Request) -> dict[str, Any]:
    """`{"category","code","message","details"}` with the request's own details."""
    client = request.client.host if request.client else ""
    details = [
        {"name": "requestMethod", "value": request.method},
        {"name": "remoteAddress", "value": client},
        {"name": "requestPath", "value": request.url.path.removeprefix("/v1/")},
        *fault.details,
    ]
    return {
        "category": fault.category,
        "code": fault.code,
        "message": fault.message,
        "details": details,
    }

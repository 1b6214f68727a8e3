"""Exceptions raised by the REST client.

One tree, so a caller can catch everything the API can throw with one clause::

    ApiError                 any failed request (HTTP status, API code, message)
    └── ApiConnectionError   the server was never reached or the connection dropped (status 0)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["ApiConnectionError", "ApiError"]


class ApiError(Exception):
    """A request the API refused, or a response the client could not understand.

    Attributes:
        status: HTTP status code (0 when no response arrived).
        code: The API's error code (``call-not-found``), or a client-made one for
            bodies that carry none (``http-502``, ``invalid-response``).
        message: Human-readable explanation from the API.
        category: The API's error category (``not-found``, ``limit``...), if given.
        details: The API's ``details`` list flattened to ``{name: value}``.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        category: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.category = category
        self.details: dict[str, str] = dict(details or {})
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, category={self.category!r})"
        )

    @classmethod
    def from_body(cls, status: int, body: bytes, reason: str = "") -> ApiError:
        """Build the error from a non-2xx response body, JSON or not.

        Args:
            status: The HTTP status of the response.
            body: The raw response body.
            reason: The HTTP reason phrase, used when the body says nothing.

        Returns:
            An ``ApiError`` carrying whatever the body told us.
        """
        data: Any = None
        try:
            data = json.loads(body) if body else None
        except (ValueError, RecursionError):  # RecursionError: nested too deep
            data = None
        if isinstance(data, dict) and ("code" in data or "message" in data):
            details: dict[str, str] = {}
            raw_details = data.get("details")
            if isinstance(raw_details, list):
                for item in raw_details:
                    if isinstance(item, dict) and "name" in item:
                        details[str(item["name"])] = str(item.get("value", ""))
            return cls(
                status,
                str(data.get("code") or f"http-{status}"),
                str(data.get("message") or reason or "no message"),
                str(data["category"]) if data.get("category") is not None else None,
                details,
            )
        text = body.decode("utf-8", "replace").strip()
        if len(text) > 200:
            text = text[:200] + "..."
        return cls(status, f"http-{status}", text or reason or "no message")


class ApiConnectionError(ApiError):
    """The request never got an HTTP response (refused, reset, timed out)."""

    def __init__(self, message: str) -> None:
        super().__init__(0, "connection-error", message)

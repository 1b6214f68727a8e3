"""The request engine every resource family shares.

One ``httpx.AsyncClient`` per ``Client`` (keep-alive, explicit timeouts). Here live
the rules that apply to every endpoint: error mapping, rate-limit waits, retries
with backoff for idempotent methods, the ``Location`` id of creates, and the API
log (``Exchange``) reported once per HTTP attempt.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from bwconsole.api._wire import query_value
from bwconsole.api.errors import ApiConnectionError, ApiError
from bwconsole.api.models import last_segment

__all__ = ["Engine", "Exchange", "default_clock", "default_sleep", "seg"]

_IDEMPOTENT = frozenset({"GET", "PUT", "DELETE"})


def seg(value: str) -> str:
    """Quote one path segment, so ``+1919...`` and media names with ``/`` stay one segment."""
    return quote(str(value), safe="")


@dataclass(frozen=True)
class Exchange:
    """One HTTP attempt, for the API log. Carries no credentials.

    Attributes:
        method: HTTP method.
        path: URL path (``/v1/users/u-.../calls``).
        query: Raw query string, ``""`` when none.
        status: HTTP status, or ``None`` when no response arrived.
        duration_ms: Time from sending to the whole response (headers only for
            streamed downloads), or to the failure.
        error_code: The API error code of a non-2xx response, or ``connection-error``.
        error_message: The API error message, if any.
        attempt: 1 for the first try, 2+ for retries of the same call.
        final: False when the client retries this call (the failure is not the
            caller's to see: the console logs it and tells only a final failure).
    """

    method: str
    path: str
    query: str
    status: int | None
    duration_ms: float
    error_code: str | None = None
    error_message: str | None = None
    attempt: int = 1
    final: bool = True


class Engine:
    """Sends requests for the resource families; owns the ``httpx.AsyncClient``."""

    def __init__(
        self,
        user_id: str,
        token: str,
        secret: str,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None,
        timeout: float,
        max_retries: int,
        on_exchange: Callable[[Exchange], None] | None,
        sleep: Callable[[float], Awaitable[None]],
        clock: Callable[[], float],
        max_rate_limit_wait: float,
        backoff: float,
    ) -> None:
        self.user_path = f"/users/{seg(user_id)}"
        self.max_retries = max_retries
        self._on_exchange = on_exchange
        self._sleep = sleep
        self._clock = clock
        self._max_wait = max_rate_limit_wait
        self._backoff = backoff
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            auth=httpx.BasicAuth(token, secret),
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_keepalive_connections=10, keepalive_expiry=30.0),
            headers={"Accept": "application/json", "User-Agent": "bwconsole"},
        )

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self.http.aclose()

    # -- sending -------------------------------------------------------------

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        content: Callable[[], Any] | None = None,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
        replayable: bool = True,
    ) -> httpx.Response:
        """Send one API call, retrying what the rules allow, and return a 2xx response.

        Args:
            method: HTTP method.
            path: Path under the base URL, or an absolute URL (a ``Link`` target).
            params: Query parameters; ``None`` values are left out.
            json_body: JSON body, sent when not ``None``.
            content: Factory for a raw body, called once per attempt.
            replayable: ``False`` when the body can be sent only once (a caller's
                async iterator): then nothing is retried.
            headers: Extra request headers.
            stream: Leave the body unread (the caller must close the response).

        Returns:
            The successful response.

        Raises:
            ApiError: A non-2xx status after the allowed retries.
            ApiConnectionError: No response after the allowed retries.
        """
        query = {k: query_value(v) for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            attempt += 1
            body = content() if content is not None else None
            may_retry = replayable and attempt <= self.max_retries
            request = self.http.build_request(
                method,
                path,
                params=query or None,
                json=json_body,
                content=body,
                headers=headers,
            )
            started = time.perf_counter()
            try:
                response = await self.http.send(request, stream=True)
                if not (stream and response.is_success):
                    await response.aread()
            except httpx.RequestError as exc:
                elapsed = (time.perf_counter() - started) * 1000
                retrying = method in _IDEMPOTENT and may_retry
                self._log(
                    request,
                    None,
                    elapsed,
                    attempt,
                    "connection-error",
                    str(exc),
                    final=not retrying,
                )
                if retrying:
                    await self._sleep(self._backoff * 2 ** (attempt - 1))
                    continue
                raise ApiConnectionError(
                    f"{method} {request.url.path}: {type(exc).__name__}: {exc or 'no response'}"
                ) from exc
            elapsed = (time.perf_counter() - started) * 1000
            if response.is_success:
                self._log(request, response.status_code, elapsed, attempt)
                return response
            error = ApiError.from_body(
                response.status_code, response.content, response.reason_phrase
            )
            wait = self._retry_wait(method, response, error, attempt) if may_retry else None
            self._log(
                request,
                response.status_code,
                elapsed,
                attempt,
                error.code,
                error.message,
                final=wait is None,
            )
            if wait is not None:
                await self._sleep(wait)
                continue
            raise error

    def _retry_wait(
        self, method: str, response: httpx.Response, error: ApiError, attempt: int
    ) -> float | None:
        """Seconds to wait before retrying, or ``None`` when this failure must surface."""
        if response.status_code == 429 or (
            response.status_code == 403 and error.category == "limit"
        ):
            # Rate-limited requests were not executed, so any method may be repeated.
            reset = response.headers.get("X-RateLimit-Reset") or error.details.get(
                "rateLimitResetTime"
            )
            try:
                wait = float(reset) / 1000.0 - self._clock() if reset else 1.0
            except ValueError:
                wait = 1.0
            return min(max(wait, 0.0), self._max_wait)
        if response.status_code >= 500 and method in _IDEMPOTENT:
            return float(self._backoff * 2 ** (attempt - 1))
        return None

    def _log(
        self,
        request: httpx.Request,
        status: int | None,
        elapsed_ms: float,
        attempt: int,
        code: str | None = None,
        message: str | None = None,
        *,
        final: bool = True,
    ) -> None:
        if self._on_exchange is None:
            return
        self._on_exchange(
            Exchange(
                method=request.method,
                path=request.url.path,
                query=request.url.query.decode("ascii", "replace"),
                status=status,
                duration_ms=round(elapsed_ms, 3),
                error_code=code,
                error_message=message,
                attempt=attempt,
                final=final,
            )
        )

    # -- shapes of answers ---------------------------------------------------

    @staticmethod
    def json_of(response: httpx.Response) -> Any:
        """The decoded JSON body, or an ``ApiError`` naming what was wrong with it."""
        try:
            return json.loads(response.content)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
            snippet = response.content[:80].decode("utf-8", "replace")
            raise ApiError(
                response.status_code,
                "invalid-response",
                f"Response body is not valid JSON ({exc}): {snippet!r}",
            ) from exc

    async def get_object(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET a JSON object."""
        data = self.json_of(await self.send("GET", path, params=params))
        if not isinstance(data, dict):
            raise ApiError(200, "invalid-response", f"Expected a JSON object from {path}")
        return data

    async def get_array(self, path: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        """GET a JSON array."""
        return _array(self.json_of(await self.send("GET", path, params=params)), path)

    async def create(self, path: str, body: Any, params: Mapping[str, Any] | None = None) -> str:
        """POST a create and return the new id from the ``Location`` header."""
        response = await self.send("POST", path, json_body=body, params=params)
        new_id = last_segment(response.headers.get("Location"))
        if new_id is None:
            raise ApiError(
                response.status_code, "missing-location", f"POST {path} returned no Location header"
            )
        return new_id

    async def post(self, path: str, body: Any) -> httpx.Response:
        """POST an update or action whose response carries nothing we need."""
        return await self.send("POST", path, json_body=body)

    # -- lists ---------------------------------------------------------------

    async def pages(
        self, path: str, params: Mapping[str, Any], *, paged: bool = True
    ) -> AsyncGenerator[list[Any], None]:
        """Yield pages of a list lazily (SEMANTICS.md 4).

        ``Link: rel="next"`` is followed whenever the server sends it; once a server
        has shown Link headers their absence ends the list. Without them a page
        shorter than ``size`` (default 25) is the last one. Lists that take no
        ``page`` (messages, unpaged lists) end when no Link comes.
        """
        query = dict(params)
        size = int(query.get("size") or 25)
        page = int(query.get("page") or 0)
        url = path
        seen_link = False
        while True:
            response = await self.send("GET", url, params=query)
            items = _array(self.json_of(response), path)
            yield items
            next_url = response.links.get("next", {}).get("url")
            if next_url:
                seen_link, url, query = True, str(response.url.join(next_url)), {}
                continue
            if seen_link or not paged or len(items) < size or not items:
                return
            page += 1
            url, query = path, {**params, "page": page}


def _array(data: Any, path: str) -> list[Any]:
    if not isinstance(data, list):
        raise ApiError(200, "invalid-response", f"Expected a JSON array from {path}")
    return data


def default_clock() -> float:
    """Wall-clock seconds since the epoch (``X-RateLimit-Reset`` is epoch ms)."""
    return time.time()


default_sleep = asyncio.sleep

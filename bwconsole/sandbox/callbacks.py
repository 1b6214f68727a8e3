"""Delivers callback events to application servers the way the v1 API does (SEMANTICS.md §9).

POST with a JSON body (default) or GET with the fields as query parameters;
`User-Agent: BandwidthAPI/v1 (...)`; credentials in the URL's userinfo sent as
basic auth; `callbackTimeout` honoured; the `fallbackUrl` tried when the
primary fails; failures reported so the sandbox can record them in the errors
resource. Events sharing an ordering key (one call, one conference, one
message) are delivered one after another, in the order they were queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx

USER_AGENT = "BandwidthAPI/v1 (bwconsole-sandbox)"
DEFAULT_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Delivery:
    """One event to deliver."""

    url: str
    payload: Mapping[str, Any]
    method: str = "POST"
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    fallback_url: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What the application server answered (`ok` False when nothing usable came back)."""

    ok: bool
    status: int | None = None
    body: str = ""
    content_type: str = ""
    error: str | None = None


def query_value(value: Any) -> str:
    """A field as it appears in a GET callback's query string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """`https://user:pass@host/p` -> (`https://host/p`, (user, pass))."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return bare, (unquote(parts.username), unquote(parts.password or ""))


class CallbackSender:
    """Sends deliveries over one pooled HTTP client, serialised per ordering key.

    Args:
        on_failure: called with (url, message) whenever a delivery attempt fails,
            so the sandbox can record a callback error.
    """

    def __init__(self, on_failure: Callable[[Delivery, str], None] | None = None) -> None:
        self._on_failure = on_failure
        # Created on first use: building it loads the TLS certificates (~60 ms of start-up).
        self._client: httpx.AsyncClient | None = None
        self._tails: dict[str, asyncio.Task[Outcome]] = {}

    def send(self, key: str, delivery: Delivery) -> asyncio.Task[Outcome]:
        """Queue a delivery behind earlier ones with the same key; the task yields its outcome."""
        previous = self._tails.get(key)
        task = asyncio.create_task(self._after(previous, delivery))
        self._tails[key] = task
        task.add_done_callback(lambda done: self._forget(key, done))
        return task

    async def deliver(self, delivery: Delivery) -> Outcome:
        """Send now, trying the fallback URL if the primary fails."""
        outcome = await self._attempt(delivery.url, delivery)
        if not outcome.ok and delivery.fallback_url:
            outcome = await self._attempt(delivery.fallback_url, delivery)
        return outcome

    async def aclose(self) -> None:
        for task in list(self._tails.values()):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        if self._client is not None:
            await self._client.aclose()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(headers={"User-Agent": USER_AGENT})
        return self._client

    async def _after(self, previous: asyncio.Task[Outcome] | None, delivery: Delivery) -> Outcome:
        if previous is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(previous)
        return await self.deliver(delivery)

    def _forget(self, key: str, task: asyncio.Task[Outcome]) -> None:
        if self._tails.get(key) is task:
            del self._tails[key]

    async def _attempt(self, url: str, delivery: Delivery) -> Outcome:
        bare, credentials = split_credentials(url)
        auth: httpx.BasicAuth | httpx._client.UseClientDefault = (
            httpx.BasicAuth(*credentials) if credentials else httpx.USE_CLIENT_DEFAULT
        )
        timeout = max(delivery.timeout_ms, 1) / 1000
        try:
            if delivery.method.upper() == "GET":
                params = {key: query_value(value) for key, value in delivery.payload.items()}
                response = await self._http().get(bare, params=params, auth=auth, timeout=timeout)
            else:
                response = await self._http().post(
                    bare,
                    content=json.dumps(delivery.payload).encode(),
                    headers={"Content-Type": "application/json; charset=utf-8"},
                    auth=auth,
                    timeout=timeout,
                )
        except httpx.TimeoutException:
            return self._failed(delivery, url, f"callback timed out after {delivery.timeout_ms} ms")
        except httpx.HTTPError as exc:
            return self._failed(delivery, url, f"callback failed: {exc.__class__.__name__}: {exc}")
        if response.status_code >= 400:
            return self._failed(
                delivery, url, f"callback answered HTTP {response.status_code}", response
            )
        return Outcome(
            ok=True,
            status=response.status_code,
            body=response.text,
            content_type=response.headers.get("content-type", ""),
        )

    def _failed(
        self, delivery: Delivery, url: str, message: str, response: httpx.Response | None = None
    ) -> Outcome:
        if self._on_failure is not None:
            self._on_failure(delivery, f"{message} ({split_credentials(url)[0]})")
        return Outcome(ok=False, status=response.status_code if response else None, error=message)

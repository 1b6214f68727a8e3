"""``Client``: the entry point, one attribute per resource family."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self

import httpx

from bwconsole.api._base import Engine, Exchange, default_clock, default_sleep
from bwconsole.api.account import AccountApi
from bwconsole.api.applications import ApplicationsApi
from bwconsole.api.available_numbers import AvailableNumbersApi
from bwconsole.api.bridges import BridgesApi
from bwconsole.api.calls import CallsApi
from bwconsole.api.conferences import ConferencesApi
from bwconsole.api.domains import DomainsApi
from bwconsole.api.endpoints import EndpointsApi
from bwconsole.api.media import MediaApi
from bwconsole.api.messages import MessagesApi
from bwconsole.api.number_info import NumberInfoApi
from bwconsole.api.phone_numbers import PhoneNumbersApi
from bwconsole.api.recordings import RecordingsApi, TranscriptionsApi
from bwconsole.api.user_errors import UserErrorsApi

__all__ = ["DEFAULT_BASE_URL", "Client"]

DEFAULT_BASE_URL = "https://api.catapult.inetwork.com/v1"


class Client:
    """Async client for the Bandwidth (Catapult) v1 REST API.

    One instance holds one pooled ``httpx.AsyncClient``; use it as an async
    context manager or call ``aclose()``.

    Example::

        async with Client("u-...", token, secret) as client:
            call_id = await client.calls.create(from_="+19195551212", to="+19195553434")
            async for call in client.calls.list(size=100):
                ...
    """

    def __init__(
        self,
        user_id: str,
        token: str,
        secret: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        max_retries: int = 3,
        on_exchange: Callable[[Exchange], None] | None = None,
        max_rate_limit_wait: float = 10.0,
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = default_sleep,
        clock: Callable[[], float] = default_clock,
    ) -> None:
        """Create the client; no connection is opened until the first request.

        Args:
            user_id: The ``u-...`` user id (a path element, not the login).
            token: API token (Basic auth user).
            secret: API secret (Basic auth password).
            base_url: API root including ``/v1``.
            transport: Alternative transport, e.g. ``httpx.ASGITransport(sandbox_app)``.
            timeout: Seconds for connect/read/write/pool each.
            max_retries: Retries after the first attempt (rate limits; 5xx and
                connection errors on GET/PUT/DELETE only).
            on_exchange: Called once per HTTP attempt with its ``Exchange`` (the API log).
            max_rate_limit_wait: Cap, in seconds, on one wait for a rate-limit reset.
            backoff: First backoff delay in seconds for 5xx/connection retries (doubles).
            sleep: Awaitable sleep, injectable for tests.
            clock: Epoch-seconds clock used against ``X-RateLimit-Reset``, injectable for tests.
        """
        self._engine = Engine(
            user_id,
            token,
            secret,
            base_url,
            transport=transport,
            timeout=timeout,
            max_retries=max_retries,
            on_exchange=on_exchange,
            sleep=sleep,
            clock=clock,
            max_rate_limit_wait=max_rate_limit_wait,
            backoff=backoff,
        )
        self.account = AccountApi(self._engine)
        self.applications = ApplicationsApi(self._engine)
        self.available_numbers = AvailableNumbersApi(self._engine)
        self.bridges = BridgesApi(self._engine)
        self.calls = CallsApi(self._engine)
        self.conferences = ConferencesApi(self._engine)
        self.domains = DomainsApi(self._engine)
        self.endpoints = EndpointsApi(self._engine)
        self.errors = UserErrorsApi(self._engine)
        self.media = MediaApi(self._engine)
        self.messages = MessagesApi(self._engine)
        self.number_info = NumberInfoApi(self._engine)
        self.phone_numbers = PhoneNumbersApi(self._engine)
        self.recordings = RecordingsApi(self._engine)
        self.transcriptions = TranscriptionsApi(self._engine)

    async def aclose(self) -> None:
        """Close pooled connections."""
        await self._engine.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

"""Applications: where the API sends callbacks for numbers and endpoints."""

from __future__ import annotations

from typing import Any

from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import wire_dict
from bwconsole.api.models import Application

__all__ = ["ApplicationsApi"]


class ApplicationsApi(Resource):
    """``/users/{userId}/applications``."""

    def list(self, *, page: int | None = None, size: int | None = None) -> Listing[Application]:
        """List applications, page by page."""
        return self._listing(
            Application, f"{self._user}/applications", wire_dict(page=page, size=size)
        )

    async def create(
        self,
        *,
        name: str,
        incoming_call_url: str | None = None,
        incoming_call_url_callback_timeout: int | None = None,
        incoming_call_fallback_url: str | None = None,
        incoming_message_url: str | None = None,
        incoming_message_url_callback_timeout: int | None = None,
        incoming_message_fallback_url: str | None = None,
        callback_http_method: str | None = None,
        auto_answer: bool | None = None,
    ) -> str:
        """Create an application; one of the incoming URLs is required by the API.

        Returns:
            The new application id.
        """
        body = wire_dict(
            name=name,
            incoming_call_url=incoming_call_url,
            incoming_call_url_callback_timeout=incoming_call_url_callback_timeout,
            incoming_call_fallback_url=incoming_call_fallback_url,
            incoming_message_url=incoming_message_url,
            incoming_message_url_callback_timeout=incoming_message_url_callback_timeout,
            incoming_message_fallback_url=incoming_message_fallback_url,
            callback_http_method=callback_http_method,
            auto_answer=auto_answer,
        )
        return await self._engine.create(f"{self._user}/applications", body)

    async def get(self, application_id: str) -> Application:
        """Fetch one application."""
        return await self._get(Application, f"{self._user}/applications/{seg(application_id)}")

    async def update(self, application_id: str, **fields: Any) -> None:
        """Change some properties; the ones not passed stay as they are.

        Args:
            application_id: The ``a-...`` id.
            **fields: Any ``create`` keyword (``name=``, ``incoming_call_url=``...).
        """
        await self._engine.post(
            f"{self._user}/applications/{seg(application_id)}", wire_dict(**fields)
        )

    async def delete(self, application_id: str) -> None:
        """Delete an application for good."""
        await self._engine.send("DELETE", f"{self._user}/applications/{seg(application_id)}")

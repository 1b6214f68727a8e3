"""SMS and MMS: send one or a batch, list by ``sortKeyLT`` pages, redact."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import camel, wire_dict, wire_value
from bwconsole.api.errors import ApiError
from bwconsole.api.models import BatchResult, Message

__all__ = ["MessagesApi"]


class MessagesApi(Resource):
    """``/users/{userId}/messages``."""

    def list(
        self,
        *,
        from_: str | None = None,
        to: str | None = None,
        from_date_time: str | None = None,
        to_date_time: str | None = None,
        direction: str | None = None,
        state: str | None = None,
        delivery_state: str | None = None,
        sort_order: str | None = None,
        size: int | None = None,
    ) -> Listing[Message]:
        """List messages; further pages come from the ``Link: rel="next"`` URL (``sortKeyLT``)."""
        params = wire_dict(
            from_=from_,
            to=to,
            from_date_time=from_date_time,
            to_date_time=to_date_time,
            direction=direction,
            state=state,
            delivery_state=delivery_state,
            sort_order=sort_order,
            size=size,
        )
        return self._listing(Message, f"{self._user}/messages", params, paged=False)

    async def send(
        self,
        *,
        from_: str,
        to: str,
        text: str,
        media: str | Sequence[str] | None = None,
        receipt_requested: str | None = None,
        callback_url: str | None = None,
        callback_http_method: str | None = None,
        callback_timeout: int | None = None,
        fallback_url: str | None = None,
        tag: str | None = None,
    ) -> str:
        """Send one SMS (or MMS with ``media``). Never retried on a server error.

        Returns:
            The new message id.
        """
        body = wire_dict(
            from_=from_,
            to=to,
            text=text,
            media=list(media) if isinstance(media, list | tuple) else media,
            receipt_requested=receipt_requested,
            callback_url=callback_url,
            callback_http_method=callback_http_method,
            callback_timeout=callback_timeout,
            fallback_url=fallback_url,
            tag=tag,
        )
        return await self._engine.create(f"{self._user}/messages", body)

    async def send_batch(self, messages: Sequence[Mapping[str, Any]]) -> builtins.list[BatchResult]:
        """Send up to 50 messages in one request; one result per message, in order.

        Args:
            messages: One dict per message, with ``send`` keywords (``from_``, ``text``...)
                or wire names (``from``, ``receiptRequested``...).
        """
        body = [
            {_wire_key(str(k)): wire_value(v) for k, v in item.items() if v is not None}
            for item in messages
        ]
        response = await self._engine.send("POST", f"{self._user}/messages", json_body=body)
        data = self._engine.json_of(response)
        if not isinstance(data, list):
            raise ApiError(
                response.status_code, "invalid-response", "Expected a batch result array"
            )
        return [BatchResult.from_wire(item) for item in data]

    async def get(self, message_id: str) -> Message:
        """Fetch one message (its text is kept 3 days)."""
        return await self._get(Message, f"{self._user}/messages/{seg(message_id)}")

    async def redact(self, message_id: str) -> None:
        """Erase the message's text (PATCH ``{"text": ""}``)."""
        await self._engine.send(
            "PATCH", f"{self._user}/messages/{seg(message_id)}", json_body={"text": ""}
        )


def _wire_key(key: str) -> str:
    return camel(key) if "_" in key else key

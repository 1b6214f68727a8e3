"""Messages (methods/messages/*.md): send (one, or a batch of up to 50), list, get, redact.

Sending answers at once and a background task carries the message through
`queued` -> `sending` -> `sent` (and a delivery receipt when one was
requested), sending `sms`/`mms` events to the message's `callbackUrl`, or to
the sending number's application when the message names none. A message to a
number this account owns then arrives on that number as an inbound message,
as on the real network (see `message_delivery`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox import message_delivery
from bwconsole.sandbox.account import ensure_funds
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, error_body, not_found, validation
from bwconsole.sandbox.message_delivery import new_message
from bwconsole.sandbox.numbers import owned
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.web import (
    E164,
    MAX_PAGE_SIZE,
    Body,
    absolute,
    callback_method,
    callback_timeout,
    check_url,
    created,
    number_param,
    ok,
    read_json,
)

__all__ = ["BATCH_MAX", "TEXT_MAX", "get_message", "routes", "send_one", "view"]

TEXT_MAX = 2048
BATCH_MAX = 50
TEXT_KEPT = timedelta(days=3)
SHORT_CODE = re.compile(r"^\d{3,8}$")
DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?)?Z?$"
)
STATES = ("received", "queued", "sending", "sent", "error")
DELIVERY_STATES = ("waiting", "delivered", "not-delivered")


def parse_time(value: str) -> datetime:
    """An API timestamp (`2013-02-08T13:15:47.587Z`) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _query_time(value: str, field: str) -> datetime:
    """`yyyy-MM-dd hh:mm:ss.sss`, any tail left out (zero-filled), as getMessages.md allows."""
    found = DATE_TIME.match(value.strip())
    if not found:
        raise validation(f"The property `{field}` must look like 2014-05-25 12:00:00.000")
    year, month, day, hour, minute, second, millis = found.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((millis or "0").ljust(3, "0")) * 1000,
            tzinfo=UTC,
        )
    except ValueError as exc:
        raise validation(f"The property `{field}` is not a real date and time: {exc}") from None


def view(sandbox: Sandbox, record: Record) -> Record:
    """The message as the API shows it; text is kept 3 days only."""
    shown = public(record)
    if sandbox.clock.now() - parse_time(record["time"]) > TEXT_KEPT:
        shown.pop("text", None)
    return shown


def get_message(sandbox: Sandbox, message_id: str) -> Record:
    record = sandbox.collection("messages").get(message_id)
    if record is None:
        raise not_found("message", message_id)
    return record


def _required(body: Body, field: str) -> str:
    if field not in body:
        raise ApiFault(
            400,
            "missing-property",
            f"The 'message' resource property '{field}' is required but was not specified",
        )
    value = body.text(field) or ""
    if not value.strip():
        raise ApiFault(
            400,
            "blank-property",
            f"The 'message' resource property '{field}' must contain at least one non-whitespace character",
        )
    return value


def _media(body: Body) -> list[str]:
    raw = body.raw("media")
    if raw is None:
        return []
    urls = [raw] if isinstance(raw, str) else raw
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise validation("The property `media` must be a URL or a list of URLs")
    for url in urls:
        try:
            check_url(url, "media")
        except ApiFault:
            raise ApiFault(403, "media-invalid-url", f"The media URL {url} is invalid.") from None
    return list(urls)


def send_one(sandbox: Sandbox, data: Any) -> Record:
    """Validate one message of a send request, store it and start its delivery."""
    if not isinstance(data, dict):
        raise validation("Each message must be a JSON object")
    body = Body(data)
    sender = number_param(_required(body, "from"))
    to = number_param(_required(body, "to"))
    text = body.text("text") or ""
    media = _media(body)
    if not media:
        _required(body, "text")
    if len(text) > TEXT_MAX:
        raise validation(f"The 'message' resource property 'text' exceeds the limit of {TEXT_MAX}")
    if not E164.match(sender):
        raise validation(f"Invalid phone number {sender}")
    if not (E164.match(to) or SHORT_CODE.match(to)):
        raise validation(f"Invalid phone number {to}")
    if owned(sandbox, sender) is None:
        raise ApiFault(
            401,
            "number-access-denied",
            f"User {sandbox.user_id} does not have permission to use number {sender}",
            category="authorization",
        )
    receipt = (body.text("receiptRequested") or "none").lower()
    if receipt not in ("none", "all", "error"):
        raise validation(
            "The 'message' resource property 'receiptRequested' must be one of the following values: none, all, error"
        )
    if media and receipt != "none":
        raise validation("A message with media cannot request a receipt (receiptRequested)")
    record = new_message(
        sandbox, direction="out", sender=sender, to=to, text=text, media=media, state="queued"
    )
    for field in ("callbackUrl", "fallbackUrl"):
        if url := body.text(field):
            try:
                record[field] = check_url(url, field)
            except ApiFault:
                raise ApiFault(
                    400,
                    "callback-invalid-url",
                    f"The URL {url} is not a valid callbackUrl/fallbackUrl",
                ) from None
    if (method := callback_method(body)) is not None:
        record["callbackHttpMethod"] = method
    if (timeout := callback_timeout(body, "callbackTimeout")) is not None:
        record["callbackTimeout"] = timeout
    record["receiptRequested"] = receipt
    if receipt != "none" or media:
        # An MMS cannot ask for a receipt, but its event reports "certain errors"
        # (apiCallbacks/mms.md): it waits like `error`, and its resource shows the outcome.
        record["deliveryState"] = "waiting"
    if (tag := body.text("tag")) is not None:
        record["_tag"] = tag  # echoed in events, never shown on the resource
    ensure_funds(sandbox, message_delivery.price(record))
    sandbox.collection("messages").put(record["id"], record)
    message_delivery.charge_message(sandbox, record)
    sandbox.spawn(message_delivery.progress(sandbox, record["id"]))
    return record


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    messages = sandbox.collection("messages")
    base = "/v1/users/{userId}/messages"

    async def send(request: Request) -> Response:
        data = await read_json(request, allow_empty=False)
        if not isinstance(data, list):
            record = send_one(sandbox, data)
            return created(request, sandbox.user_path("messages", record["id"]))
        if len(data) > BATCH_MAX:
            raise ApiFault(
                403,
                "multi-message-limit",
                f"The number of messages [{len(data)}] in the multi message request"
                f" is greater than the limit [{BATCH_MAX}].",
                category="limit",
            )
        results: list[Record] = []
        for item in data:
            try:
                record = send_one(sandbox, item)
            except ApiFault as fault:
                body = error_body(fault, request)
                sandbox.record_error(
                    fault.status, fault.category, fault.code, fault.message, body["details"]
                )
                results.append({"result": "error", "error": {**body, "details": []}})
                continue
            location = absolute(request, sandbox.user_path("messages", record["id"]))
            results.append({"result": "accepted", "location": location})
        return ok(results, status=202)

    async def list_all(request: Request) -> Response:
        query = Body(dict(request.query_params))
        items = list(messages)
        for field in ("from", "to"):
            if (value := query.text(field)) is not None:
                wanted = number_param(value)
                items = [m for m in items if m[field] == wanted]
        for field, allowed in (
            ("direction", ("in", "out")),
            ("state", STATES),
            ("deliveryState", DELIVERY_STATES),
        ):
            if (value := query.text(field)) is not None:
                if value not in allowed:
                    raise validation(f"The property `{field}` must be one of: {', '.join(allowed)}")
                items = [m for m in items if m.get(field) == value]
        if (start := query.text("fromDateTime")) is not None:
            since = _query_time(start, "fromDateTime")
            items = [m for m in items if parse_time(m["time"]) >= since]
        if (end := query.text("toDateTime")) is not None:
            until = _query_time(end, "toDateTime")
            items = [m for m in items if parse_time(m["time"]) <= until]
        order = (query.text("sortOrder") or "desc").lower()
        if order not in ("asc", "desc"):
            raise validation("The property `sortOrder` must be one of: asc, desc")
        size = query.number("size", 25, low=1, high=MAX_PAGE_SIZE)
        assert size is not None
        items.sort(key=lambda m: m["_sortKey"], reverse=order == "desc")
        cursor_name = "sortKeyLT" if order == "desc" else "sortKeyGT"
        if (below := query.number("sortKeyLT")) is not None:
            items = [m for m in items if m["_sortKey"] < below]
        if (above := query.number("sortKeyGT")) is not None:
            items = [m for m in items if m["_sortKey"] > above]
        page = items[:size]
        headers = {}
        if len(items) > size:
            keep = [
                (k, v)
                for k, v in request.query_params.multi_items()
                if k not in ("sortKeyLT", "sortKeyGT", "size")
            ]
            keep += [(cursor_name, str(page[-1]["_sortKey"])), ("size", str(size))]
            headers["Link"] = f'<{request.url.replace(query=urlencode(keep))}>; rel="next"'
        return ok([view(sandbox, m) for m in page], headers=headers)

    async def get(request: Request) -> Response:
        return ok(view(sandbox, get_message(sandbox, request.path_params["messageId"])))

    async def redact(request: Request) -> Response:
        record = get_message(sandbox, request.path_params["messageId"])
        data = await read_json(request, allow_empty=False)
        if data != {"text": ""}:
            raise validation('The only body allowed to redact a message is {"text": ""}')
        record["text"] = ""
        messages.save(record["id"])
        return ok()

    return [
        Route(base, list_all, methods=["GET"]),
        Route(base, send, methods=["POST"]),
        Route(base + "/{messageId}", get, methods=["GET"]),
        Route(base + "/{messageId}", redact, methods=["PATCH"]),
    ]


async def startup(sandbox: Sandbox) -> None:
    """Resume deliveries a previous run (`--state`) left half-way."""
    for record in sandbox.collection("messages"):
        if record["state"] in ("queued", "sending") or record.get("deliveryState") == "waiting":
            sandbox.spawn(message_delivery.progress(sandbox, record["id"]))

"""What happens to a message after the API accepted it: states, receipts, events, arrival.

Outbound: `queued` -> `sending` -> `sent`; an `sms`/`mms` event with the
`sent` state goes to the message's `callbackUrl` (or, when it has none, to the
sending number's application), and a requested receipt follows as a second
event with `deliveryState`/`deliveryCode`/`deliveryDescription`. An MMS, which
cannot request one, gets that event only when it was not delivered. Destinations
in the fictional range `NXX-555-01XX` are "not delivered" (code 720), so
error receipts can be tried. Inbound (a message to an owned number, or one
injected through the control route): a `received` message and an event to
the number's application `incomingMessageUrl`.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from bwconsole.sandbox.account import charge
from bwconsole.sandbox.callbacks import Delivery
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.numbers import owned
from bwconsole.sandbox.store import Record

__all__ = [
    "SortKeys",
    "charge_message",
    "deliver_inbound",
    "new_message",
    "payload",
    "price",
    "progress",
    "segments",
]

SEGMENT_CHARS = 160
SMS_PRICE = Decimal("0.00750")
MMS_PRICE = Decimal("0.01500")
#: API seconds between the steps of an outbound message.
TO_SENDING, TO_SENT, TO_RECEIPT, TO_ARRIVAL = 0.2, 0.8, 2.0, 0.5
DELIVERED = (0, "Message Delivered to Carrier")
NOT_DELIVERED = (720, "Invalid Destination Address")


def segments(text: str) -> int:
    """160-character segments an SMS is sent as (at least 1)."""
    return max(1, math.ceil(len(text) / SEGMENT_CHARS))


class SortKeys:
    """The messages' strictly increasing `_sortKey`s, like the docs' `1458576004287000989`
    (epoch ms * 10^6 + n), one series per sandbox: `sandbox.service(SortKeys)`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.clock = sandbox.clock
        # Made with the first message of this run: continue after any restored ones.
        self.last: int = max((m["_sortKey"] for m in sandbox.collection("messages")), default=0)

    def next(self) -> int:
        self.last = max(self.clock.epoch_ms() * 1_000_000, self.last + 1)
        return self.last


def new_message(
    sandbox: Sandbox,
    *,
    direction: str,
    sender: str,
    to: str,
    text: str,
    media: list[str],
    state: str,
) -> Record:
    """A message record in its wire form, not yet stored."""
    message_id = sandbox.ids.new("message")
    return {
        "id": message_id,
        "messageId": message_id,
        "from": sender,
        "to": to,
        "direction": direction,
        "text": text,
        "media": media,
        "state": state,
        "time": sandbox.clock.iso(),
        "segmentCount": 1 if media else segments(text),
        "skipMMSCarrierValidation": False,
        "_sortKey": sandbox.service(SortKeys).next(),
    }


def price(record: Record) -> Decimal:
    """What a message costs: per segment for SMS, flat for MMS."""
    return MMS_PRICE if record["media"] else SMS_PRICE * record["segmentCount"]


def charge_message(sandbox: Sandbox, record: Record) -> None:
    kind = "mms" if record["media"] else "sms"
    direction = "in" if record["direction"] == "in" else "out"
    number = record["to"] if direction == "in" else record["from"]
    charge(
        sandbox,
        f"{kind}-{direction}",
        str(price(record)),
        units=1 if record["media"] else record["segmentCount"],
        number=number,
        resource_id=record["id"],
    )


def payload(sandbox: Sandbox, record: Record, application_id: str | None = None) -> dict[str, Any]:
    """The `sms`/`mms` event for the message's current state (apiCallbacks/sms.md, mms.md)."""
    event: dict[str, Any] = {
        "eventType": "mms" if record["media"] else "sms",
        "direction": record["direction"],
        "from": record["from"],
        "to": record["to"],
        "messageId": record["id"],
        "messageUri": sandbox.url(sandbox.user_path("messages", record["id"])),
        "text": record.get("text", ""),
        "time": record["time"],
        "state": record["state"],
        "segmentCount": record["segmentCount"],
    }
    if record["media"]:
        event["media"] = list(record["media"])
    if application_id:
        event["applicationId"] = application_id
    for field in ("deliveryState", "deliveryCode", "deliveryDescription"):
        if field in record and record.get("deliveryState") != "waiting":
            event[field] = record[field]
    if "_tag" in record:
        event["tag"] = record["_tag"]
    return event


def _application_target(sandbox: Sandbox, number: str) -> tuple[Record | None, Record | None]:
    """(number record, application record) for an owned number."""
    number_record = owned(sandbox, number)
    if number_record is None or not number_record.get("applicationId"):
        return number_record, None
    return number_record, sandbox.collection("applications").get(number_record["applicationId"])


def _app_delivery(application: Record, event: dict[str, Any]) -> Delivery | None:
    url = application.get("incomingMessageUrl")
    if not url:
        return None
    return Delivery(
        url,
        event,
        method=application.get("callbackHttpMethod", "POST"),
        timeout_ms=application.get("incomingMessageUrlCallbackTimeout", 10000),
        fallback_url=application.get("incomingMessageFallbackUrl"),
    )


def _outbound_event(sandbox: Sandbox, record: Record) -> None:
    event = payload(sandbox, record)
    delivery: Delivery | None = None
    if record.get("callbackUrl"):
        delivery = Delivery(
            record["callbackUrl"],
            event,
            method=record.get("callbackHttpMethod", "POST"),
            timeout_ms=record.get("callbackTimeout", 10000),
            fallback_url=record.get("fallbackUrl"),
        )
    else:
        _, application = _application_target(sandbox, record["from"])
        if application is not None:
            delivery = _app_delivery(application, event)
    if delivery is not None:
        sandbox.callbacks.send(record["id"], delivery)


def deliver_inbound(
    sandbox: Sandbox, *, sender: str, to: str, text: str, media: list[str]
) -> Record:
    """A message arriving on an owned number: store it, charge it, tell its application."""
    record = new_message(
        sandbox, direction="in", sender=sender, to=to, text=text, media=media, state="received"
    )
    sandbox.collection("messages").put(record["id"], record)
    charge_message(sandbox, record)
    number_record, application = _application_target(sandbox, to)
    if application is None:
        sandbox.record_error(
            0,
            "unavailable",
            "no-application-for-number",
            f"No application is configured for number {to}",
            [{"name": "number", "value": to}, {"name": "messageId", "value": record["id"]}],
        )
        return record
    delivery = _app_delivery(application, payload(sandbox, record, application["id"]))
    if delivery is None:
        sandbox.record_error(
            0,
            "unavailable",
            "no-callback-for-message",
            f'Application {application["id"]} ("{application["name"]}") for number {to}'
            " does not specify a URL for message events",
            [
                {"name": "applicationId", "value": application["id"]},
                {"name": "number", "value": to},
                {"name": "messageId", "value": record["id"]},
            ],
        )
        return record
    sandbox.callbacks.send(record["id"], delivery)
    return record


def _undeliverable(number: str) -> bool:
    return number.startswith("+1") and number[5:10] == "55501"


async def progress(sandbox: Sandbox, message_id: str) -> None:
    """Carry an outbound message from where it is to its end (also resumes after a restart)."""
    messages = sandbox.collection("messages")

    def step(**changes: Any) -> Record | None:
        record = messages.get(message_id)
        if record is not None:
            record.update(changes)
            messages.save(message_id)
        return record

    record = messages.get(message_id)
    if record is None:
        return
    if record["state"] == "queued":
        await sandbox.clock.sleep(TO_SENDING)
        record = step(state="sending")
    if record is not None and record["state"] == "sending":
        await sandbox.clock.sleep(TO_SENT)
        record = step(state="sent")
        if record is not None:
            _outbound_event(sandbox, record)
            if owned(sandbox, record["to"]) is not None:
                await sandbox.clock.sleep(TO_ARRIVAL)
                deliver_inbound(
                    sandbox,
                    sender=record["from"],
                    to=record["to"],
                    text=record.get("text", ""),
                    media=list(record["media"]),
                )
    if record is not None and record.get("deliveryState") == "waiting":
        await sandbox.clock.sleep(TO_RECEIPT)
        failed = _undeliverable(record["to"])
        code, description = NOT_DELIVERED if failed else DELIVERED
        record = step(
            deliveryState="not-delivered" if failed else "delivered",
            deliveryCode=code,
            deliveryDescription=description,
        )
        if record is not None and (failed or record["receiptRequested"] == "all"):
            _outbound_event(sandbox, record)

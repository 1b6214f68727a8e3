"""A realistic starting account for the console's embedded mode (issue 7).

`seed(sandbox, relay_url=...)` gives a newcomer something to look at and
drive: three owned numbers (two linked to an application whose callback URLs
point at the relay), a SIP domain with one endpoint, and a short history of
messages in and out. It seeds only what the numbers/messaging/domains
families own; the voice families add their own history (calls, a recording)
by calling their seeding after this one, using the returned numbers.
"""

from __future__ import annotations

from typing import Any

from bwconsole.sandbox import inventory
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.domains import SIP_HOST_SUFFIX
from bwconsole.sandbox.message_delivery import DELIVERED, charge_message, new_message
from bwconsole.sandbox.number_search import search
from bwconsole.sandbox.numbers import allocate
from bwconsole.sandbox.store import Record
from bwconsole.sandbox.web import Body

__all__ = ["APPLICATION_NAME", "ENDPOINT_PASSWORD", "seed"]

APPLICATION_NAME = "bwconsole demo"
DOMAIN_NAME = "bwconsole-demo"
ENDPOINT_NAME = "softphone"
ENDPOINT_PASSWORD = "sandbox-sip-1"
#: The people the history talks with (fictional 555-01XX numbers are not used: they fail delivery).
CONTACTS = ("+19195550123", "+14155550188")
HISTORY = (
    ("in", 1, "Hi! Is this the support line?"),
    ("out", 1, "Yes - how can we help?"),
    ("in", 0, "Your package ships tomorrow?"),
    ("out", 0, "It does. Tracking number follows by SMS."),
)


def _application(sandbox: Sandbox, relay_url: str | None) -> Record:
    app_id = sandbox.ids.new("application")
    record: Record = {
        "id": app_id,
        "name": APPLICATION_NAME,
        "callbackHttpMethod": "POST",
        "autoAnswer": True,
    }
    if relay_url:
        record["incomingCallUrl"] = relay_url
        record["incomingMessageUrl"] = relay_url
    return sandbox.collection("applications").put(app_id, record)


def _endpoint(sandbox: Sandbox, app_id: str) -> tuple[Record, Record]:
    domain_id = sandbox.ids.new("domain")
    domain: Record = {
        "id": domain_id,
        "name": DOMAIN_NAME,
        "description": "Seeded by bwconsole",
        "endpoints": sandbox.user_path("domains", domain_id, "endpoints"),
    }
    sandbox.collection("domains").put(domain_id, domain)
    realm = DOMAIN_NAME + SIP_HOST_SUFFIX
    endpoint: Record = {
        "id": sandbox.ids.new("endpoint"),
        "name": ENDPOINT_NAME,
        "description": "A SIP client for trying calls",
        "domainId": domain_id,
        "applicationId": app_id,
        "enabled": True,
        "sipUri": f"{ENDPOINT_NAME}@{realm}",
        "credentials": {"realm": realm, "username": ENDPOINT_NAME},
        "_password": ENDPOINT_PASSWORD,
    }
    sandbox.collection("endpoints").put(endpoint["id"], endpoint)
    return domain, endpoint


def _history(sandbox: Sandbox, number: str) -> list[str]:
    messages = sandbox.collection("messages")
    ids = []
    for direction, contact, text in HISTORY:
        other = CONTACTS[contact]
        sender, to = (other, number) if direction == "in" else (number, other)
        state = "received" if direction == "in" else "sent"
        record = new_message(
            sandbox, direction=direction, sender=sender, to=to, text=text, media=[], state=state
        )
        if direction == "out":
            code, description = DELIVERED
            record |= {
                "receiptRequested": "all",
                "deliveryState": "delivered",
                "deliveryCode": code,
                "deliveryDescription": description,
            }
        messages.put(record["id"], record)
        charge_message(sandbox, record)
        ids.append(record["id"])
    return ids


def seed(sandbox: Sandbox, *, relay_url: str | None) -> dict[str, Any]:
    """Fill an empty account with a demo set-up; an account that owns numbers is left alone.

    Args:
        sandbox: the emulated account (its app need not be serving yet).
        relay_url: where the demo application's callbacks go (the relay's
            ingress URL for this console), or None for an application without URLs.

    Returns:
        `{"seeded": False}` for an account that already had numbers; otherwise
        `seeded`, `applicationId`, `numbers` (E.164, the first two linked to the
        application), `domainId`, `endpointId`, `sipUri`, `endpointPassword` and `messageIds`.
    """
    if len(sandbox.collection("phoneNumbers")):
        return {"seeded": False}
    application = _application(sandbox, relay_url)
    local = search(sandbox, Body({"state": "NC"}), toll_free=False, quantity=2)
    toll_free = search(sandbox, Body({}), toll_free=True, quantity=1)
    numbers: list[inventory.Available] = [*local, *toll_free]
    owned = []
    for index, entry in enumerate(numbers):
        fields: dict[str, Any] = {"name": ("main line", "support line", "toll-free line")[index]}
        if index < 2:
            fields["applicationId"] = application["id"]
        owned.append(allocate(sandbox, entry, Body(fields)))
    domain, endpoint = _endpoint(sandbox, application["id"])
    message_ids = _history(sandbox, owned[0]["number"])
    return {
        "seeded": True,
        "applicationId": application["id"],
        "numbers": [record["number"] for record in owned],
        "domainId": domain["id"],
        "endpointId": endpoint["id"],
        "sipUri": endpoint["sipUri"],
        "endpointPassword": ENDPOINT_PASSWORD,
        "messageIds": message_ids,
    }

"""The account's phone numbers (methods/phoneNumbers/*.md): order, import, list, get, update, release.

A number is addressed by its id or by the number itself (`+`, `%2B`, or the
`%20` the docs' example shows). Ordering takes a number from the inventory
and charges its monthly price; a released number leaves the account for good
(it is kept aside so `numberState=released` can still list it and nobody can
order it again).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox import inventory
from bwconsole.sandbox.account import charge, ensure_funds
from bwconsole.sandbox.applications import get_application
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, not_found, validation
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.web import (
    Body,
    absolute,
    created,
    number_param,
    ok,
    paged,
    read_body,
    require_e164,
)

__all__ = ["RELEASED", "allocate", "find_number", "owned", "routes", "view"]

#: Private collection of numbers released from the account.
RELEASED = "releasedNumbers"
LIST_FILTERS = ("applicationId", "state", "name", "city")


def owned(sandbox: Sandbox, number: str) -> Record | None:
    """The account's record for an E.164 number, if it owns it."""
    for record in sandbox.collection("phoneNumbers"):
        if record["number"] == number:
            return record
    return None


def find_number(sandbox: Sandbox, ident: str) -> Record:
    """A number by id or by the number itself, else 404 `number-not-found`."""
    numbers = sandbox.collection("phoneNumbers")
    record = numbers.get(ident)
    if record is None:
        record = owned(sandbox, number_param(ident))
    if record is None:
        raise not_found("number", ident)
    return record


def view(request: Request, sandbox: Sandbox, record: Record) -> Record:
    """The number as the API shows it, with `application` as a URL on this server.

    The URL is made per request, not stored, so it stays right when the
    sandbox comes back on another port with the same state file.
    """
    shown = public(record)
    if "applicationId" in shown:
        path = sandbox.user_path("applications", shown["applicationId"])
        shown["application"] = absolute(request, path)
    return shown


def _link_application(sandbox: Sandbox, record: Record, application_id: str) -> None:
    if application_id == "":
        record.pop("applicationId", None)
        return
    get_application(sandbox, application_id)
    record["applicationId"] = application_id


def _apply(sandbox: Sandbox, record: Record, body: Body) -> None:
    if (name := body.text("name")) is not None:
        record["name"] = name
    if (application_id := body.text("applicationId")) is not None:
        _link_application(sandbox, record, application_id)
    if (fallback := body.text("fallbackNumber")) is not None:
        if fallback == "":
            record.pop("fallbackNumber", None)
        else:
            record["fallbackNumber"] = require_e164(fallback, "fallbackNumber")


def allocate(sandbox: Sandbox, entry: inventory.Available, body: Body | None = None) -> Record:
    """Put a stock number on the account, charge its first month, and return its record."""
    number = entry.number
    if owned(sandbox, number) is not None:
        raise ApiFault(
            409,
            "duplicate-number",
            f"Cannot create another instance of number resource for number {number}",
        )
    ensure_funds(sandbox, entry.price)
    record: Record = {"id": sandbox.ids.new("number"), "number": number}
    record["nationalNumber"] = inventory.national(number)
    if entry.rate_center is not None:
        record["city"] = entry.rate_center.city
        record["state"] = entry.rate_center.state
    record["price"] = entry.price
    record["createdTime"] = sandbox.clock.iso()
    record["numberState"] = "enabled"
    if body is not None:
        _apply(sandbox, record, body)
    sandbox.collection("phoneNumbers").put(record["id"], record)
    product = "toll-free-number-per-month" if entry.toll_free else "local-number-per-month"
    charge(sandbox, product, entry.price, number=number, resource_id=record["id"])
    return record


def _import_entry(sandbox: Sandbox, body: Body, number: str) -> inventory.Available:
    """Check an import request; a dashboard number need not be in the sandbox's stock."""
    provider = body.object("provider")
    if provider is None or provider.text("providerName") != "bandwidth-dashboard":
        raise validation("The property `provider.providerName` must be `bandwidth-dashboard`")
    properties = provider.object("properties")
    for key in ("accountId", "userName", "password"):
        if properties is None or not properties.text(key):
            raise validation(f"The property `provider.properties.{key}` is required")
    found = inventory.find(number)
    if found is not None:
        return found
    code = number[2:5]
    if code in inventory.TOLL_FREE_CODES:
        return inventory.Available(number, None)
    centers = [c for c in inventory.rate_centers() if code in c.area_codes]
    return inventory.Available(number, centers[0] if centers else None)


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    numbers = sandbox.collection("phoneNumbers")
    released = sandbox.collection(RELEASED)
    base = "/v1/users/{userId}/phoneNumbers"

    async def order(request: Request) -> Response:
        body = await read_body(request)
        number = require_e164(body.text("number"), "number")
        if "provider" in body:
            entry = _import_entry(sandbox, body, number)
        else:
            stock = inventory.find(number)
            if stock is None or number in released:
                raise not_found("number", number)
            entry = stock
        record = allocate(sandbox, entry, body)
        return created(request, sandbox.user_path("phoneNumbers", record["id"]))

    async def list_all(request: Request) -> Response:
        query = Body(dict(request.query_params))
        state = query.text("numberState")
        if state is not None and state not in ("enabled", "released"):
            raise validation("The property `numberState` must be one of: enabled, released")
        source = released if state == "released" else numbers
        items = [view(request, sandbox, n) for n in source]
        for key in LIST_FILTERS:
            if (wanted := query.text(key)) is not None:
                items = [n for n in items if str(n.get(key, "")).lower() == wanted.lower()]
        return paged(request, items)

    async def get(request: Request) -> Response:
        return ok(view(request, sandbox, find_number(sandbox, request.path_params["numberId"])))

    async def update(request: Request) -> Response:
        record = find_number(sandbox, request.path_params["numberId"])
        body = await read_body(request)
        changed = dict(record)
        _apply(sandbox, changed, body)
        record.clear()
        record.update(changed)
        numbers.save(record["id"])
        return ok()

    async def release(request: Request) -> Response:
        record = find_number(sandbox, request.path_params["numberId"])
        numbers.delete(record["id"])
        record["numberState"] = "released"
        released.put(record["number"], record)
        return ok()

    return [
        Route(base, list_all, methods=["GET"]),
        Route(base, order, methods=["POST"]),
        Route(base + "/{numberId}", get, methods=["GET"]),
        Route(base + "/{numberId}", update, methods=["POST"]),
        Route(base + "/{numberId}", release, methods=["DELETE"]),
    ]

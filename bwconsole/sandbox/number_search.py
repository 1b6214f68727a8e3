"""Number search and search-and-order (methods/availableNumbers/*.md) and CNAM (methods/numberInfo/).

Searches run over the seeded inventory minus numbers that are owned or were
released. The criteria rules and messages are errors.md's. POST orders take
their criteria from the query string, as the docs say, and answer 201 with a
JSON array of the numbers ordered.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox import inventory
from bwconsole.sandbox.account import charge, ensure_funds
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, validation
from bwconsole.sandbox.numbers import RELEASED, allocate
from bwconsole.sandbox.store import Record
from bwconsole.sandbox.web import E164, Body, absolute, number_param, ok

__all__ = ["cnam_name", "routes", "search"]

Endpoint = Callable[[Request], Awaitable[Response]]
SEARCH_MAX = 5000
CNAM_PRICE = "0.00350"
FIRST = ("JOHN", "MARY", "JAMES", "LINDA", "ROBERT", "SUSAN", "DAVID", "KAREN", "CARLOS", "MEI")
LAST = ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "NGUYEN")
BUSINESSES = ("WIRELESS CALLER", "TOLL FREE CALL", "ACME PLUMBING", "CITY CAB CO")


def _search_fault(message: str, *, order: bool = False) -> ApiFault:
    code = "invalid-available-number-search" + ("-order" if order else "")
    return ApiFault(400, code, message)


def _local_filter(query: Body) -> Callable[[inventory.Available], bool]:
    """The criteria of a local search as a predicate (errors.md's combination rules)."""
    state, zip_code, area_code = query.text("state"), query.text("zip"), query.text("areaCode")
    city, local_number = query.text("city"), query.text("localNumber")
    if city and not state:
        raise _search_fault("For searching by City the State is also required.")
    if city and zip_code:
        raise _search_fault("A query cannot combine City with ZIP Code.")
    if city and (area_code or local_number):
        raise _search_fault("A query cannot combine City with Area Code or Local Number.")
    if zip_code and state and (area_code or local_number):
        raise _search_fault(
            "A query cannot combine ZIP Code and State with Area Code or Local Number."
        )
    if zip_code and (area_code or local_number):
        raise _search_fault("A query cannot combine ZIP Code with Area Code or Local Number.")
    if zip_code and state:
        raise _search_fault("A query cannot combine ZIP Code with State.")
    if state and (area_code or local_number):
        raise _search_fault("A query cannot combine State with Area Code or Local Number.")
    if not (state or zip_code or area_code):
        raise _search_fault("Specify a State ZIP Code or Area Code with your query.")
    if area_code is not None and not re.fullmatch(r"\d{3}", area_code):
        raise _search_fault("An Area Code must be 3 digits.")
    if local_number is not None:
        if not local_number.isdigit() or len(local_number) < 3:
            raise _search_fault("Local Number must contains at least 3 digits.")
        if len(local_number) > 4:
            raise _search_fault("localNumber must contain a maximum of 4 digits")
    centers = inventory.rate_centers()
    if zip_code:
        matching = [c for c in centers if zip_code in c.zips]
        if not matching:
            raise ApiFault(
                400,
                "invalid-zip-code",
                f"The ZIP code {zip_code} did not map to a location where telephone numbers are available",
            )
        return lambda entry: entry.rate_center in matching
    if state and city:
        wanted = [c for c in centers if c.state == state.upper() and c.city.upper() == city.upper()]
        if not wanted:
            raise ApiFault(
                403, "invalid-rate-center", f"The city {city} in the state {state} was not found"
            )
        return lambda entry: entry.rate_center in wanted
    if state:
        return lambda entry: (
            entry.rate_center is not None and entry.rate_center.state == state.upper()
        )
    assert area_code is not None
    if local_number is None:
        return lambda entry: entry.area_code == area_code
    prefix = f"+1{area_code}{local_number}"
    if query.flag("inLocalCallingArea", False):
        # Also every number of the rate centers where that prefix lives.
        local = {e.rate_center for e in inventory.local_numbers() if e.number.startswith(prefix)}
        return lambda entry: entry.number.startswith(prefix) or entry.rate_center in local
    return lambda entry: entry.number.startswith(prefix)


def search(
    sandbox: Sandbox, query: Body, *, toll_free: bool, quantity: int
) -> list[inventory.Available]:
    """Up to `quantity` numbers in stock (not owned, not released) that meet the query."""
    stock = inventory.toll_free_numbers() if toll_free else inventory.local_numbers()
    keep = (lambda entry: True) if toll_free else _local_filter(query)
    pattern = inventory.compile_pattern(p) if (p := query.text("pattern")) else None
    taken = {n["number"] for n in sandbox.collection("phoneNumbers")}
    taken |= {n["number"] for n in sandbox.collection(RELEASED)}
    found: list[inventory.Available] = []
    for entry in stock:
        if len(found) >= quantity:
            break
        if entry.number in taken or not keep(entry):
            continue
        if pattern is not None and not pattern.match(entry.number[2:]):
            continue
        found.append(entry)
    return found


def _describe(entry: inventory.Available, query: Body) -> Record:
    source = query.text("pattern")
    pattern = inventory.compile_pattern(source) if source else None
    item: Record = {
        "number": entry.number,
        "nationalNumber": inventory.national(entry.number),
        "patternMatch": inventory.pattern_match(entry.number, pattern, source),
    }
    if entry.rate_center is not None:
        center = entry.rate_center
        item |= {
            "city": center.city.upper(),
            "lata": center.lata,
            "rateCenter": center.rate_center,
            "state": center.state,
        }
    item["price"] = entry.price
    return item


def cnam_name(number: str) -> str:
    """A deterministic caller-ID name (at most 15 characters, upper case, as CNAM is)."""
    digest = hashlib.sha256(number.encode()).digest()
    if number[2:5] in inventory.TOLL_FREE_CODES:
        return "TOLL FREE CALL"
    if digest[0] % 7 == 0:
        return BUSINESSES[digest[1] % len(BUSINESSES)]
    return f"{LAST[digest[2] % len(LAST)]} {FIRST[digest[3] % len(FIRST)]}"[:15]


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    def quantity(query: Body, *, default: int, order: bool) -> int:
        value = query.number("quantity", default)
        assert value is not None
        if value <= 0:
            raise validation("Quantity must be greater than zero.")
        if order and value > 10:
            raise _search_fault(
                "The maximum quantity of numbers searching and ordering is 10", order=True
            )
        if value > SEARCH_MAX:
            raise _search_fault(f"The maximum quantity of numbers is {SEARCH_MAX}")
        return value

    def searcher(toll_free: bool) -> tuple[Endpoint, Endpoint]:
        async def list_available(request: Request) -> Response:
            query = Body(dict(request.query_params))
            found = search(
                sandbox,
                query,
                toll_free=toll_free,
                quantity=quantity(query, default=10, order=False),
            )
            return ok([_describe(entry, query) for entry in found])

        async def order_available(request: Request) -> Response:
            query = Body(dict(request.query_params))
            if "pattern" in query:
                raise _search_fault("A query and order numbers cannot contain pattern", order=True)
            wanted = quantity(query, default=1 if toll_free else 10, order=True)
            found = search(sandbox, query, toll_free=toll_free, quantity=wanted)
            if len(found) < wanted:
                raise ApiFault(
                    404,
                    "order-number-quantity-unavailable",
                    "Only a partial quantity of the total telephone numbers ordered could be fulfilled.",
                )
            ensure_funds(sandbox, sum((Decimal(e.price) for e in found), Decimal(0)))
            results = []
            for entry in found:
                record = allocate(sandbox, entry)
                location = absolute(request, sandbox.user_path("phoneNumbers", record["id"]))
                results.append(
                    {
                        "number": entry.number,
                        "nationalNumber": record["nationalNumber"],
                        "price": entry.price,
                        "location": location,
                    }
                )
            return ok(results, status=201, headers={"Location": results[0]["location"]})

        list_available.__name__ = "search_toll_free" if toll_free else "search_local"
        order_available.__name__ = "order_toll_free" if toll_free else "order_local"
        return list_available, order_available

    async def number_info(request: Request) -> Response:
        raw = request.path_params["number"]
        number = number_param(raw)
        if not E164.match(number):
            raise ApiFault(
                403,
                "invalid-cnam-search",
                f"Invalid number formatting: {raw}. Use E.164 formatted numbers",
            )
        charge(sandbox, "cnam-search", CNAM_PRICE, number=number)
        digest = hashlib.sha256(b"cnam:" + number.encode()).digest()
        created_at = datetime(2013, 1, 1, tzinfo=UTC) + timedelta(
            minutes=int.from_bytes(digest[:3])
        )
        updated_at = created_at + timedelta(minutes=int.from_bytes(digest[3:5]))
        return ok(
            {
                "created": created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "name": cnam_name(number),
                "number": number,
                "updated": updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )

    local_search, local_order = searcher(False)
    free_search, free_order = searcher(True)
    return [
        Route("/v1/availableNumbers/local", local_search, methods=["GET"]),
        Route("/v1/availableNumbers/local", local_order, methods=["POST"]),
        Route("/v1/availableNumbers/tollFree", free_search, methods=["GET"]),
        Route("/v1/availableNumbers/tollFree", free_order, methods=["POST"]),
        Route("/v1/phoneNumbers/numberInfo/{number}", number_info, methods=["GET"]),
    ]

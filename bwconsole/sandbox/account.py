"""Account balance and transactions (methods/account/*.md).

The balance starts at a fixed amount and every charge (numbers ordered,
messages sent, calls, transcriptions) is a transaction that lowers it.
"""

from __future__ import annotations

from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.web import Body, ok, paged

STARTING_BALANCE = Decimal("100.00000")


def balance(sandbox: Sandbox) -> Decimal:
    total = STARTING_BALANCE
    for transaction in sandbox.collection("transactions"):
        total += Decimal(transaction["amount"])
    return total


def charge(
    sandbox: Sandbox,
    product_type: str,
    amount: str,
    *,
    units: int = 1,
    number: str | None = None,
    resource_id: str | None = None,
) -> Record:
    """Record a charge (a negative amount, as the docs' examples show)."""
    transaction_id = sandbox.ids.new("transaction")
    record: Record = {
        "id": transaction_id,
        "time": sandbox.clock.iso(),
        "amount": str(-Decimal(amount)),
        "type": "charge",
        "units": units,
        "productType": product_type,
    }
    if number:
        record["number"] = number
    if resource_id:
        record["resourceId"] = resource_id
    return sandbox.collection("transactions").put(transaction_id, record)


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    async def get_account(request: Request) -> Response:
        return ok({"balance": f"{balance(sandbox):.5f}", "accountType": "pre-pay"})

    async def list_transactions(request: Request) -> Response:
        query = Body(dict(request.query_params))
        items = [public(t) for t in sandbox.collection("transactions")]
        items.reverse()  # newest first
        if kind := query.text("type"):
            items = [t for t in items if t["type"] == kind]
        if number := query.text("number"):
            items = [t for t in items if t.get("number") == number]
        # fromDate: newer than; toDate: older than (getAccountTransactions.md).
        if from_date := query.text("fromDate"):
            items = [t for t in items if t["time"] >= from_date]
        if to_date := query.text("toDate"):
            items = [t for t in items if t["time"] <= to_date]
        if (max_items := query.number("maxItems", low=1)) is not None:
            items = items[:max_items]
        return paged(request, items)

    base = "/v1/users/{userId}/account"
    return [
        Route(base, get_account, methods=["GET"]),
        Route(base + "/transactions", list_transactions, methods=["GET"]),
    ]

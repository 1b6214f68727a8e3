"""Account balance and transactions (methods/account/*.md).

A new account opens with one `credit` transaction (the docs' "initial account
credit"); every charge (numbers ordered, messages sent, calls, transcriptions)
is a `charge` transaction with a positive amount, as the docs' examples show,
and the balance is credits and payments minus charges.
"""

from __future__ import annotations

from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.web import Body, ok, paged

__all__ = ["STARTING_BALANCE", "balance", "charge", "ensure_funds", "money", "open_account"]

STARTING_BALANCE = Decimal("1000.00000")
#: Transaction types that lower the balance; the others (payment, credit, auto-recharge) raise it.
DEBITS = frozenset({"charge"})


def money(amount: Decimal | str) -> str:
    """Dollars as the API writes them: a string with five decimals (`"0.00750"`)."""
    return f"{Decimal(amount):.5f}"


def open_account(sandbox: Sandbox) -> None:
    """Give a brand-new account its initial credit (once; a restored state keeps its history)."""
    transactions = sandbox.collection("transactions")
    if len(transactions) == 0:
        transaction_id = sandbox.ids.new("transaction")
        transactions.put(
            transaction_id,
            {
                "id": transaction_id,
                "time": sandbox.clock.iso(),
                "amount": money(STARTING_BALANCE),
                "type": "credit",
                "units": 0,
            },
        )


def balance(sandbox: Sandbox) -> Decimal:
    open_account(sandbox)
    total = Decimal(0)
    for transaction in sandbox.collection("transactions"):
        amount = Decimal(transaction["amount"])
        total += -amount if transaction["type"] in DEBITS else amount
    return total


def ensure_funds(sandbox: Sandbox, amount: Decimal | str) -> None:
    """403 `insufficient-available-balance` unless the balance covers `amount`."""
    available = balance(sandbox)
    if available < Decimal(amount):
        raise ApiFault(
            403,
            "insufficient-available-balance",
            f"Your account's available balance of {money(available)} is insufficient"
            f" for this transaction in the amount of {money(amount)}.",
            category="credit",
        )


def charge(
    sandbox: Sandbox,
    product_type: str,
    amount: str,
    *,
    units: int = 1,
    number: str | None = None,
    resource_id: str | None = None,
) -> Record:
    """Record a charge of `amount` dollars (the total for all `units`)."""
    open_account(sandbox)
    transaction_id = sandbox.ids.new("transaction")
    record: Record = {
        "id": transaction_id,
        "time": sandbox.clock.iso(),
        "amount": money(amount),
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
    open_account(sandbox)

    async def get_account(request: Request) -> Response:
        return ok({"balance": money(balance(sandbox)), "accountType": "pre-pay"})

    async def list_transactions(request: Request) -> Response:
        query = Body(dict(request.query_params))
        items = [public(t) for t in sandbox.collection("transactions")]
        items.reverse()  # newest first
        if kind := query.text("type"):
            items = [t for t in items if t["type"] == kind.lower()]
        if number := query.text("number"):
            # A literal `+` in a query string arrives as a space.
            wanted = "+" + number.strip().lstrip("+")
            items = [t for t in items if t.get("number") == wanted]
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

"""Account balance and transactions as numbers are ordered and messages sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx

from bwconsole.sandbox.account import charge
from bwconsole.servers import BackgroundServer

OrderNumber = Callable[..., Awaitable[dict[str, Any]]]


async def test_a_new_account_has_its_initial_credit(
    sandbox_http: httpx.AsyncClient, user: str
) -> None:
    assert (await sandbox_http.get(f"{user}/account")).json() == {
        "balance": "1000.00000",
        "accountType": "pre-pay",
    }
    transactions = (await sandbox_http.get(f"{user}/account/transactions")).json()
    assert [(t["type"], t["amount"], t["units"]) for t in transactions] == [
        ("credit", "1000.00000", 0)
    ]


async def test_balance_falls_with_numbers_and_messages(
    sandbox_http: httpx.AsyncClient, user: str, order_number: OrderNumber
) -> None:
    sender = (await order_number())["number"]
    response = await sandbox_http.post(
        f"{user}/messages", json={"from": sender, "to": "+19195551212", "text": "hi"}
    )
    message_id = response.headers["location"].rsplit("/", 1)[1]
    balance = Decimal((await sandbox_http.get(f"{user}/account")).json()["balance"])
    assert balance == Decimal("1000") - Decimal("0.60") - Decimal("0.0075")
    newest = (await sandbox_http.get(f"{user}/account/transactions", params={"maxItems": 1})).json()
    assert len(newest) == 1
    assert newest[0]["productType"] == "sms-out" and newest[0]["resourceId"] == message_id
    assert newest[0]["number"] == sender and isinstance(newest[0]["amount"], str)
    by_number = await sandbox_http.get(f"{user}/account/transactions?number=+{sender[1:]}")
    assert {t["productType"] for t in by_number.json()} == {"sms-out", "local-number-per-month"}
    credits = (
        await sandbox_http.get(f"{user}/account/transactions", params={"type": "Credit"})
    ).json()
    assert [t["type"] for t in credits] == ["credit"]


async def test_date_filters(sandbox_http: httpx.AsyncClient, user: str) -> None:
    everything = (await sandbox_http.get(f"{user}/account/transactions")).json()
    stamp = everything[0]["time"]
    assert (
        await sandbox_http.get(
            f"{user}/account/transactions", params={"fromDate": "2100-01-01T00:00:00Z"}
        )
    ).json() == []
    assert (
        await sandbox_http.get(f"{user}/account/transactions", params={"toDate": stamp})
    ).json() == everything


async def test_insufficient_balance_is_403_credit(
    sandbox_server: BackgroundServer, sandbox_http: httpx.AsyncClient, user: str
) -> None:
    charge(sandbox_server.sandbox, "call-out", "999.90000")  # type: ignore[attr-defined]
    found = (
        await sandbox_http.get("/availableNumbers/local", params={"areaCode": "919", "quantity": 1})
    ).json()
    response = await sandbox_http.post(f"{user}/phoneNumbers", json={"number": found[0]["number"]})
    assert response.status_code == 403
    assert response.json()["category"] == "credit"
    assert response.json()["code"] == "insufficient-available-balance"
    assert (await sandbox_http.get(f"{user}/phoneNumbers")).json() == []

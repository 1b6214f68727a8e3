"""Number search, ordering, phone numbers and CNAM against the real sandbox server."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

OrderNumber = Callable[..., Awaitable[dict[str, Any]]]


async def test_local_search_by_area_code_gives_realistic_numbers(
    sandbox_http: httpx.AsyncClient,
) -> None:
    response = await sandbox_http.get(
        "/availableNumbers/local", params={"areaCode": "910", "quantity": 3}
    )
    assert response.status_code == 200
    found = response.json()
    assert len(found) == 3
    for item in found:
        assert re.fullmatch(r"\+1910\d{7}", item["number"])
        assert item["nationalNumber"] == f"(910) {item['number'][5:8]}-{item['number'][8:]}"
        assert item["state"] == "NC" and item["city"] == "WILMINGTON" and item["price"] == "0.60"
        assert {"lata", "rateCenter", "patternMatch"} <= set(item)


async def test_search_is_deterministic_and_honours_city_zip_pattern(
    sandbox_http: httpx.AsyncClient,
) -> None:
    params = {"city": "Cary", "state": "NC", "pattern": "*2?9*", "quantity": 2}
    first = (await sandbox_http.get("/availableNumbers/local", params=params)).json()
    again = (await sandbox_http.get("/availableNumbers/local", params=params)).json()
    assert first == again and len(first) == 2
    assert all(re.search(r"2\d9", item["number"][2:]) and item["city"] == "CARY" for item in first)
    by_zip = (await sandbox_http.get("/availableNumbers/local", params={"zip": "27601"})).json()
    assert len(by_zip) == 10 and {item["city"] for item in by_zip} == {"RALEIGH"}
    many = await sandbox_http.get(
        "/availableNumbers/local", params={"state": "NC", "quantity": 3000}
    )
    assert len(many.json()) == 3000


async def test_local_number_and_toll_free(sandbox_http: httpx.AsyncClient) -> None:
    some = (await sandbox_http.get("/availableNumbers/local", params={"areaCode": "919"})).json()[0]
    prefix = some["number"][5:8]
    found = (
        await sandbox_http.get(
            "/availableNumbers/local", params={"areaCode": "919", "localNumber": prefix}
        )
    ).json()
    assert found and all(n["number"].startswith("+1919" + prefix) for n in found)
    free = (await sandbox_http.get("/availableNumbers/tollFree", params={"pattern": "8**"})).json()
    assert len(free) == 10 and all(n["price"] == "2.00" and n["number"][2] == "8" for n in free)


async def test_search_validation(sandbox_http: httpx.AsyncClient) -> None:
    cases = [
        ({}, 400, "invalid-available-number-search"),
        ({"city": "Cary"}, 400, "invalid-available-number-search"),
        ({"state": "NC", "areaCode": "919"}, 400, "invalid-available-number-search"),
        ({"zip": "27601", "state": "NC"}, 400, "invalid-available-number-search"),
        ({"areaCode": "91"}, 400, "invalid-available-number-search"),
        ({"areaCode": "919", "localNumber": "12"}, 400, "invalid-available-number-search"),
        ({"areaCode": "919", "localNumber": "12345"}, 400, "invalid-available-number-search"),
        ({"areaCode": "919", "quantity": 5001}, 400, "invalid-available-number-search"),
        ({"areaCode": "919", "quantity": 0}, 400, "validation-error"),
        ({"zip": "00000"}, 400, "invalid-zip-code"),
        ({"city": "Nowhere", "state": "NC"}, 403, "invalid-rate-center"),
    ]
    for params, status, code in cases:
        response = await sandbox_http.get("/availableNumbers/local", params=params)
        assert (response.status_code, response.json()["code"]) == (status, code), params


async def test_search_and_order_uses_the_query_string_and_answers_201_array(
    sandbox_http: httpx.AsyncClient, user: str
) -> None:
    response = await sandbox_http.post("/availableNumbers/local?city=Cary&state=NC&quantity=2")
    assert response.status_code == 201
    ordered = response.json()
    assert len(ordered) == 2
    for item in ordered:
        assert set(item) == {"number", "nationalNumber", "price", "location"}
        record = (await sandbox_http.get(item["location"])).json()
        assert record["number"] == item["number"] and record["city"] == "Cary"
    again = (
        await sandbox_http.get("/availableNumbers/local", params={"city": "Cary", "state": "NC"})
    ).json()
    assert not {n["number"] for n in again} & {n["number"] for n in ordered}
    free = await sandbox_http.post("/availableNumbers/tollFree")
    assert free.status_code == 201 and len(free.json()) == 1
    too_many = await sandbox_http.post("/availableNumbers/local?areaCode=919&quantity=11")
    assert too_many.json()["code"] == "invalid-available-number-search-order"
    patterned = await sandbox_http.post("/availableNumbers/local?areaCode=919&pattern=9*")
    assert patterned.json()["code"] == "invalid-available-number-search-order"


async def test_order_get_by_id_or_number_update_and_release(
    sandbox_http: httpx.AsyncClient, user: str, order_number: OrderNumber
) -> None:
    app = await sandbox_http.post(
        f"{user}/applications", json={"name": "a", "incomingCallUrl": "http://example.com/c"}
    )
    app_id = app.headers["location"].rsplit("/", 1)[1]
    record = await order_number("919", name="home phone", fallbackNumber="+19195550000")
    number, number_id = record["number"], record["id"]
    assert number_id.startswith("n-") and record["numberState"] == "enabled"
    assert record["name"] == "home phone" and record["price"] == "0.60"
    for ident in (number_id, number, number.replace("+", "%2B")):
        got = await sandbox_http.get(f"{user}/phoneNumbers/{ident}")
        assert got.status_code == 200 and got.json() == record, ident
    update = await sandbox_http.post(
        f"{user}/phoneNumbers/{number.replace('+', '%2B')}",
        json={"applicationId": app_id, "name": "work"},
    )
    assert update.status_code == 200
    got = (await sandbox_http.get(f"{user}/phoneNumbers/{number_id}")).json()
    assert got["applicationId"] == app_id and got["name"] == "work"
    assert got["application"].endswith(f"/applications/{app_id}")
    listed = (
        await sandbox_http.get(f"{user}/phoneNumbers", params={"applicationId": app_id})
    ).json()
    assert [n["id"] for n in listed] == [number_id]
    await sandbox_http.post(f"{user}/phoneNumbers/{number_id}", json={"applicationId": ""})
    assert (
        "applicationId" not in (await sandbox_http.get(f"{user}/phoneNumbers/{number_id}")).json()
    )
    assert (await sandbox_http.delete(f"{user}/phoneNumbers/{number_id}")).status_code == 200
    assert (await sandbox_http.get(f"{user}/phoneNumbers/{number_id}")).status_code == 404
    released = (
        await sandbox_http.get(f"{user}/phoneNumbers", params={"numberState": "released"})
    ).json()
    assert [n["number"] for n in released] == [number]
    again = await sandbox_http.post(f"{user}/phoneNumbers", json={"number": number})
    assert again.status_code == 404


async def test_order_errors(
    sandbox_http: httpx.AsyncClient, user: str, order_number: OrderNumber
) -> None:
    record = await order_number("919")
    duplicate = await sandbox_http.post(f"{user}/phoneNumbers", json={"number": record["number"]})
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate-number"
    bad = await sandbox_http.post(f"{user}/phoneNumbers", json={"number": "9195551212"})
    assert bad.status_code == 400
    unknown_app = await sandbox_http.post(
        f"{user}/phoneNumbers/{record['id']}", json={"applicationId": "a-doesnotexist"}
    )
    assert unknown_app.status_code == 404


async def test_ordering_charges_the_account(
    sandbox_http: httpx.AsyncClient, user: str, order_number: OrderNumber
) -> None:
    record = await order_number("919")
    account = (await sandbox_http.get(f"{user}/account")).json()
    assert account["balance"] == "999.40000"
    transactions = (
        await sandbox_http.get(f"{user}/account/transactions", params={"number": record["number"]})
    ).json()
    assert transactions == [
        {
            "id": transactions[0]["id"],
            "time": transactions[0]["time"],
            "amount": "0.60000",
            "type": "charge",
            "units": 1,
            "productType": "local-number-per-month",
            "number": record["number"],
            "resourceId": record["id"],
        }
    ]


async def test_import_from_the_dashboard(sandbox_http: httpx.AsyncClient, user: str) -> None:
    body = {
        "number": "+14352154439",
        "name": "text messaging TN",
        "provider": {
            "providerName": "bandwidth-dashboard",
            "properties": {
                "accountId": "9999999",
                "userName": "wileCoyote",
                "password": "catchThatBird",
            },
        },
    }
    response = await sandbox_http.post(f"{user}/phoneNumbers", json=body)
    assert response.status_code == 201
    got = (await sandbox_http.get(response.headers["location"])).json()
    assert got["number"] == "+14352154439" and got["name"] == "text messaging TN"
    no_provider = {**body, "number": "+14352154440", "provider": {"providerName": "other"}}
    assert (await sandbox_http.post(f"{user}/phoneNumbers", json=no_provider)).status_code == 400


async def test_number_info_is_deterministic(sandbox_http: httpx.AsyncClient) -> None:
    first = await sandbox_http.get("/phoneNumbers/numberInfo/%2B19195551212")
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"created", "name", "number", "updated"}
    assert body["number"] == "+19195551212" and body["name"] and len(body["name"]) <= 15
    assert (await sandbox_http.get("/phoneNumbers/numberInfo/+19195551212")).json() == body
    bad = await sandbox_http.get("/phoneNumbers/numberInfo/12")
    assert bad.status_code == 403 and bad.json()["code"] == "invalid-cnam-search"

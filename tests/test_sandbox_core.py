"""Sandbox wire rules common to every resource: auth, error bodies, 405, Location, paging."""

from __future__ import annotations

import httpx
import pytest

from bwconsole.sandbox.account import charge
from bwconsole.sandbox.app import create_app
from bwconsole.sandbox.bridges import Bridges
from bwconsole.sandbox.conferences import Conferences
from bwconsole.sandbox.core import DEFAULT_USER_ID, Sandbox
from bwconsole.sandbox.voice.engine import CallEngine
from bwconsole.servers import BackgroundServer


async def test_wrong_credentials_are_401_with_the_documented_body(
    sandbox_server: BackgroundServer,
) -> None:
    user = sandbox_server.sandbox.user_id  # type: ignore[attr-defined]
    async with httpx.AsyncClient(auth=("nope", "nope")) as client:
        response = await client.get(f"{sandbox_server.url}/v1/users/{user}/account")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"category", "code", "message", "details"}
    assert {"name": "requestPath", "value": f"users/{user}/account"} in body["details"]


async def test_another_users_id_is_403(sandbox_http: httpx.AsyncClient) -> None:
    response = await sandbox_http.get("/users/u-someoneelse00000000000000/account")
    assert response.status_code == 403
    assert response.json()["code"] == "user-access-denied"


async def test_unsupported_method_is_405_json(
    sandbox_server: BackgroundServer, sandbox_http: httpx.AsyncClient
) -> None:
    user = sandbox_server.sandbox.user_id  # type: ignore[attr-defined]
    response = await sandbox_http.delete(f"/users/{user}/account")
    assert response.status_code == 405
    assert response.json()["category"]


async def test_account_balance_is_a_string_and_falls_with_charges(
    sandbox_server: BackgroundServer, sandbox_http: httpx.AsyncClient
) -> None:
    sandbox = sandbox_server.sandbox  # type: ignore[attr-defined]
    before = (await sandbox_http.get(f"/users/{sandbox.user_id}/account")).json()
    assert before == {"balance": "1000.00000", "accountType": "pre-pay"}
    charge(sandbox, "sms-out", "0.00750", number="+19195551212")
    after = (await sandbox_http.get(f"/users/{sandbox.user_id}/account")).json()
    assert after["balance"] == "999.99250"


async def test_transactions_page_with_absolute_link_repeating_filters(
    sandbox_server: BackgroundServer, sandbox_http: httpx.AsyncClient
) -> None:
    sandbox = sandbox_server.sandbox  # type: ignore[attr-defined]
    for _ in range(5):
        charge(sandbox, "sms-out", "0.01")
    seen: list[str] = []
    url: str | None = f"/users/{sandbox.user_id}/account/transactions?type=charge&size=2"
    pages = 0
    while url and pages < 10:
        response = await sandbox_http.get(url)
        assert response.status_code == 200
        seen += [t["id"] for t in response.json()]
        pages += 1
        link = response.headers.get("link")
        if link:
            assert link.startswith(f"<{sandbox_server.url}/v1/") and "type=charge" in link
            url = link[1 : link.index(">")]
        else:
            url = None
    assert pages == 3 and len(seen) == 5 == len(set(seen))


async def test_api_errors_are_recorded(
    sandbox_server: BackgroundServer, sandbox_http: httpx.AsyncClient
) -> None:
    sandbox = sandbox_server.sandbox  # type: ignore[attr-defined]
    await sandbox_http.get(f"/users/{sandbox.user_id}/account/transactions?size=0")
    recorded = list(sandbox.collection("errors"))
    assert recorded and recorded[-1]["code"] == "validation-error"


async def test_a_sandbox_bug_still_answers_a_json_error_body(
    sandbox_http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bwconsole.sandbox import applications

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(applications, "get_application", broken)
    response = await sandbox_http.get(f"/users/{DEFAULT_USER_ID}/applications/a-x")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == {"category", "code", "message", "details"}


async def test_each_sandbox_has_one_of_each_service_shared_by_its_routes() -> None:
    first, second = Sandbox(), Sandbox()
    try:
        create_app(first)  # the routes take their services from the sandbox
        engine = first.service(CallEngine)
        assert first.service(Conferences).engine is engine
        assert first.service(Bridges).engine is engine
        assert first.service(CallEngine) is engine
        assert second.service(CallEngine) is not engine
    finally:
        await first.aclose()
        await second.aclose()

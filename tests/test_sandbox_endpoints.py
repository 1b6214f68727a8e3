"""SIP endpoints (and their auth tokens) against the real sandbox server."""

from __future__ import annotations

import httpx


async def make_domain(client: httpx.AsyncClient, user: str, name: str = "doname") -> str:
    response = await client.post(f"{user}/domains", json={"name": name, "description": "d"})
    return response.headers["location"]


async def test_create_reads_back_without_the_password(
    sandbox_http: httpx.AsyncClient, user: str
) -> None:
    domain = await make_domain(sandbox_http, user)
    domain_id = domain.rsplit("/", 1)[1]
    app = await sandbox_http.post(
        f"{user}/applications", json={"name": "a", "incomingCallUrl": "http://e.com/c"}
    )
    app_id = app.headers["location"].rsplit("/", 1)[1]
    response = await sandbox_http.post(
        f"{domain}/endpoints",
        json={
            "name": "jsmith-mobile",
            "description": "John Smiths mobile client",
            "applicationId": app_id,
            "enabled": "false",
            "credentials": {"password": "abc123"},
        },
    )
    assert response.status_code == 201
    location = response.headers["location"]
    endpoint_id = location.rsplit("/", 1)[1]
    assert endpoint_id.startswith("ep-")
    got = (await sandbox_http.get(location)).json()
    assert got == {
        "id": endpoint_id,
        "name": "jsmith-mobile",
        "description": "John Smiths mobile client",
        "domainId": domain_id,
        "applicationId": app_id,
        "enabled": False,
        "sipUri": "jsmith-mobile@doname.bwapp.bwsipp.io",
        "credentials": {"realm": "doname.bwapp.bwsipp.io", "username": "jsmith-mobile"},
    }
    assert (await sandbox_http.get(f"{domain}/endpoints")).json() == [got]


async def test_update_delete_and_paging(sandbox_http: httpx.AsyncClient, user: str) -> None:
    domain = await make_domain(sandbox_http, user)
    locations = []
    for index in range(3):
        response = await sandbox_http.post(
            f"{domain}/endpoints",
            json={"name": f"ep{index}", "credentials": {"password": "secret1"}},
        )
        locations.append(response.headers["location"])
    page = await sandbox_http.get(f"{domain}/endpoints", params={"size": 2})
    assert len(page.json()) == 2 and "next" in page.links
    rest = (await sandbox_http.get(page.links["next"]["url"])).json()
    assert [e["name"] for e in rest] == ["ep2"]
    update = await sandbox_http.post(
        locations[0],
        json={"description": "new", "enabled": False, "credentials": {"password": "another1"}},
    )
    assert update.status_code == 200
    got = (await sandbox_http.get(locations[0])).json()
    assert got["description"] == "new" and got["enabled"] is False
    assert (await sandbox_http.post(locations[0], json={"name": "renamed"})).status_code == 400
    assert (await sandbox_http.delete(locations[0])).status_code == 200
    assert (await sandbox_http.get(locations[0])).status_code == 404


async def test_credential_and_name_rules(sandbox_http: httpx.AsyncClient, user: str) -> None:
    domain = await make_domain(sandbox_http, user)
    cases = [
        {"name": "x"},
        {"name": "x", "credentials": {"password": "12345"}},
        {"name": "x", "credentials": {"password": "abcdef€"}},
        {"name": "bad name", "credentials": {"password": "abcdef"}},
        {"credentials": {"password": "abcdef"}},
    ]
    for body in cases:
        assert (await sandbox_http.post(f"{domain}/endpoints", json=body)).status_code == 400, body
    ok = {"name": "same", "credentials": {"password": "abcdef"}}
    assert (await sandbox_http.post(f"{domain}/endpoints", json=ok)).status_code == 201
    assert (await sandbox_http.post(f"{domain}/endpoints", json=ok)).status_code == 409
    missing = await sandbox_http.post(f"{user}/domains/dom-nothere/endpoints", json=ok)
    assert missing.status_code == 404


async def test_auth_token(sandbox_http: httpx.AsyncClient, user: str) -> None:
    domain = await make_domain(sandbox_http, user)
    location = (
        await sandbox_http.post(
            f"{domain}/endpoints", json={"name": "web", "credentials": {"password": "abcdef"}}
        )
    ).headers["location"]
    response = await sandbox_http.post(f"{location}/tokens")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "expires"} and body["expires"] == 3600 and len(body["token"]) > 20
    assert response.headers["location"].endswith("/tokens/" + body["token"])
    custom = (await sandbox_http.post(f"{location}/tokens", json={"expires": 60})).json()
    assert custom["expires"] == 60 and custom["token"] != body["token"]

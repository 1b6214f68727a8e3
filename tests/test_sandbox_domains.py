"""Domains against the real sandbox server (endpoints live in test_sandbox_endpoints.py)."""

from __future__ import annotations

import httpx

from bwconsole.sandbox.domains import MAX_DOMAINS
from bwconsole.servers import BackgroundServer


async def test_create_get_list_delete(sandbox_http: httpx.AsyncClient, user: str) -> None:
    body = {"name": "mycoolapp", "description": "disruptive app"}
    response = await sandbox_http.post(f"{user}/domains", json=body)
    assert response.status_code == 201
    location = response.headers["location"]
    domain_id = location.rsplit("/", 1)[1]
    assert domain_id.startswith("dom-") and len(domain_id) == 27
    got = (await sandbox_http.get(location)).json()
    assert got == {**body, "id": domain_id, "endpoints": f"/v1{user}/domains/{domain_id}/endpoints"}
    assert (await sandbox_http.get(f"{user}/domains")).json() == [got]
    assert (await sandbox_http.delete(location)).status_code == 200
    missing = await sandbox_http.get(location)
    assert missing.status_code == 404 and missing.json()["code"] == "domain-not-found"
    assert (await sandbox_http.get(f"{user}/domains")).json() == []


async def test_name_rules_and_uniqueness(sandbox_http: httpx.AsyncClient, user: str) -> None:
    assert (
        await sandbox_http.post(f"{user}/domains", json={"description": "x"})
    ).status_code == 400
    assert (
        await sandbox_http.post(f"{user}/domains", json={"name": "has space"})
    ).status_code == 400
    assert (await sandbox_http.post(f"{user}/domains", json={"name": "dup"})).status_code == 201
    again = await sandbox_http.post(f"{user}/domains", json={"name": "dup"})
    assert again.status_code == 409


async def test_at_most_100_domains(
    sandbox_server: BackgroundServer, sandbox_http: httpx.AsyncClient, user: str
) -> None:
    for index in range(MAX_DOMAINS):
        response = await sandbox_http.post(f"{user}/domains", json={"name": f"d{index}"})
        assert response.status_code == 201
    over = await sandbox_http.post(f"{user}/domains", json={"name": "one-too-many"})
    assert over.status_code == 403
    assert set(over.json()) == {"category", "code", "message", "details"}
    assert len((await sandbox_http.get(f"{user}/domains")).json()) == MAX_DOMAINS

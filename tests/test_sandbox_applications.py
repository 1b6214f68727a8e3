"""Applications CRUD against the real sandbox server."""

from __future__ import annotations

import httpx

APP = {
    "name": "MyFirstApp",
    "incomingCallUrl": "http://example.com/calls.php",
    "incomingMessageUrl": "http://example.com/messages.php",
    "callbackHttpMethod": "GET",
    "autoAnswer": True,
}


async def test_create_answers_201_with_location_and_reads_back_equal(
    sandbox_http: httpx.AsyncClient, user: str
) -> None:
    response = await sandbox_http.post(f"{user}/applications", json=APP)
    assert response.status_code == 201
    location = response.headers["location"]
    app_id = location.rsplit("/", 1)[1]
    assert app_id.startswith("a-") and len(app_id) == 25
    assert location.startswith("http://127.0.0.1:")
    got = (await sandbox_http.get(location)).json()
    assert got == {"id": app_id, **APP}


async def test_update_is_partial_and_delete_removes(
    sandbox_http: httpx.AsyncClient, user: str
) -> None:
    location = (await sandbox_http.post(f"{user}/applications", json=APP)).headers["location"]
    response = await sandbox_http.post(
        location,
        json={"incomingCallUrl": "http://different.example.com/calls.php", "autoAnswer": "false"},
    )
    assert response.status_code == 200
    assert response.content == b"" and "content-type" not in response.headers
    got = (await sandbox_http.get(location)).json()
    assert got["incomingCallUrl"] == "http://different.example.com/calls.php"
    assert got["autoAnswer"] is False and got["name"] == "MyFirstApp"
    assert (await sandbox_http.delete(location)).status_code == 200
    missing = await sandbox_http.get(location)
    assert missing.status_code == 404 and missing.json()["code"] == "application-not-found"


async def test_list_pages_with_size(sandbox_http: httpx.AsyncClient, user: str) -> None:
    for index in range(3):
        await sandbox_http.post(f"{user}/applications", json={**APP, "name": f"app{index}"})
    first = await sandbox_http.get(f"{user}/applications", params={"size": 2})
    assert [a["name"] for a in first.json()] == ["app0", "app1"]
    second = await sandbox_http.get(first.links["next"]["url"])
    assert [a["name"] for a in second.json()] == ["app2"]
    assert "next" not in second.links


async def test_validation_rules(sandbox_http: httpx.AsyncClient, user: str) -> None:
    cases = [
        {"name": "no callbacks"},
        {"name": "x", "incomingCallFallbackUrl": "http://f.example.com"},
        {
            "name": "x",
            "incomingCallUrl": "http://a.example.com",
            "incomingCallUrlCallbackTimeout": 0,
        },
        {
            "name": "x",
            "incomingCallUrl": "http://a.example.com",
            "incomingCallUrlCallbackTimeout": 10001,
        },
        {"name": "x", "incomingCallUrl": "not a url"},
        {"name": "x", "incomingCallUrl": "http://a.example.com", "callbackHttpMethod": "PUT"},
        {"incomingCallUrl": "http://a.example.com"},
    ]
    for body in cases:
        response = await sandbox_http.post(f"{user}/applications", json=body)
        assert response.status_code == 400, body
        assert set(response.json()) == {"category", "code", "message", "details"}


async def test_null_means_not_given_and_unknown_fields_are_ignored(
    sandbox_http: httpx.AsyncClient, user: str
) -> None:
    body = {**APP, "incomingCallFallbackUrl": None, "somethingNew": 1}
    location = (await sandbox_http.post(f"{user}/applications", json=body)).headers["location"]
    got = (await sandbox_http.get(location)).json()
    assert "incomingCallFallbackUrl" not in got and "somethingNew" not in got


async def test_trailing_slash_is_the_same_resource(
    sandbox_http: httpx.AsyncClient, user: str
) -> None:
    response = await sandbox_http.post(f"{user}/applications/", json=APP)
    assert response.status_code == 201
    listed = await sandbox_http.get(f"{user}/applications/")
    assert len(listed.json()) == 1

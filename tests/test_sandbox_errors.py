"""The errors resource: failed API calls recorded, newest first, gettable, capped."""

from __future__ import annotations

import httpx
import pytest

from bwconsole.sandbox import core


async def test_failed_calls_are_listed_newest_first_and_gettable(
    sandbox_http: httpx.AsyncClient, user: str
) -> None:
    await sandbox_http.get(f"{user}/applications/a-missing1")
    await sandbox_http.post(f"{user}/applications", json={"name": "no urls"})
    listed = (await sandbox_http.get(f"{user}/errors")).json()
    assert [e["code"] for e in listed] == ["validation-error", "application-not-found"]
    newest = listed[0]
    assert newest["id"].startswith("ue-") and newest["category"] == "bad-request"
    assert {"time", "message", "details"} <= set(newest)
    names = {d["name"]: d["value"] for d in newest["details"]}
    assert names["requestMethod"] == "POST" and names["requestPath"] == f"{user[1:]}/applications"
    assert all(d["id"] for d in newest["details"])
    assert (await sandbox_http.get(f"{user}/errors/{newest['id']}")).json() == newest
    missing = await sandbox_http.get(f"{user}/errors/ue-nothere")
    assert missing.status_code == 404 and missing.json()["code"] == "user-error-not-found"


async def test_errors_page_and_are_capped(
    sandbox_http: httpx.AsyncClient, user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core, "ERRORS_CAP", 5)
    for index in range(8):
        await sandbox_http.get(f"{user}/applications/a-missing{index}")
    first = await sandbox_http.get(f"{user}/errors", params={"size": 3})
    assert len(first.json()) == 3 and "a-missing7" in first.json()[0]["message"]
    second = await sandbox_http.get(first.links["next"]["url"])
    assert len(second.json()) == 2 and "next" not in second.links
    assert "a-missing3" in second.json()[-1]["message"]

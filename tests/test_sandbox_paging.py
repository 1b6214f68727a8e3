"""Paging through big lists by following Link headers: page/size and messages' sortKeyLT."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

OrderNumber = Callable[..., Awaitable[dict[str, Any]]]


async def follow(
    client: httpx.AsyncClient, url: str, params: dict[str, Any], base: str
) -> list[list[Any]]:
    """Every page, following `rel="next"` (bounded); Links must be absolute on this server."""
    pages = []
    response = await client.get(url, params=params)
    for _ in range(20):
        assert response.status_code == 200
        pages.append(response.json())
        link = response.links.get("next")
        if link is None:
            return pages
        assert link["url"].startswith(base + "/v1/")
        response = await client.get(link["url"])
    raise AssertionError("too many pages")


async def test_250_numbers_in_3_pages_of_100(
    sandbox_http: httpx.AsyncClient, user: str, sandbox_server: Any
) -> None:
    ordered: list[str] = []
    for _ in range(25):
        response = await sandbox_http.post("/availableNumbers/local?state=NC&quantity=10")
        assert response.status_code == 201
        ordered += [n["number"] for n in response.json()]
    pages = await follow(
        sandbox_http, f"{user}/phoneNumbers", {"size": 100, "state": "NC"}, sandbox_server.url
    )
    assert [len(p) for p in pages] == [100, 100, 50]
    listed = [n["number"] for page in pages for n in page]
    assert listed == ordered and len(set(listed)) == 250


async def test_250_messages_in_3_pages_by_sort_key(
    sandbox_http: httpx.AsyncClient, user: str, order_number: OrderNumber, sandbox_server: Any
) -> None:
    sender = (await order_number())["number"]
    sent: list[str] = []
    for batch in range(5):
        body = [{"from": sender, "to": "+19195551212", "text": f"{batch}-{i}"} for i in range(50)]
        response = await sandbox_http.post(f"{user}/messages", json=body)
        assert response.status_code == 202
        sent += [r["location"].rsplit("/", 1)[1] for r in response.json()]
    first = await sandbox_http.get(f"{user}/messages", params={"size": 100, "direction": "out"})
    link = first.links["next"]["url"]
    assert "sortKeyLT=" in link and "direction=out" in link and "size=100" in link
    pages = await follow(
        sandbox_http, f"{user}/messages", {"size": 100, "direction": "out"}, sandbox_server.url
    )
    assert [len(p) for p in pages] == [100, 100, 50]
    listed = [m["id"] for page in pages for m in page]
    assert listed == list(reversed(sent))  # newest first, nothing missing or repeated
    ascending = await follow(
        sandbox_http, f"{user}/messages", {"size": 100, "sortOrder": "asc"}, sandbox_server.url
    )
    assert [m["id"] for page in ascending for m in page] == sent

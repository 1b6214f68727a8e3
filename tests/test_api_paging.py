"""Lists page lazily: Link rel="next" when the server sends it, short pages otherwise."""

from __future__ import annotations

import httpx
from fixtures.api.harness import BASE, Recorder, make_client


def page(ids: list[str], next_url: str | None = None) -> httpx.Response:
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return httpx.Response(200, json=[{"id": i} for i in ids], headers=headers)


CALLS = f"{BASE}/users/u-test/calls"


async def test_follows_link_headers_across_three_pages() -> None:
    recorder = Recorder(
        page(["c-1", "c-2"], f"{CALLS}?page=1&size=2"),
        page(["c-3", "c-4"], f"{CALLS}?page=2&size=2"),
        page(["c-5", "c-6"]),
    )
    async with make_client(recorder) as client:
        ids = [call.id async for call in client.calls.list(size=2)]
    assert ids == ["c-1", "c-2", "c-3", "c-4", "c-5", "c-6"]
    # A full last page without Link ends the list once the server has used Link headers.
    assert [dict(r.url.params) for r in recorder.requests] == [
        {"size": "2"},
        {"page": "1", "size": "2"},
        {"page": "2", "size": "2"},
    ]


async def test_relative_link_is_resolved_against_the_api_host() -> None:
    recorder = Recorder(page(["a-1"], "/v1/users/u-test/applications?page=1&size=1"), page([]))
    async with make_client(recorder) as client:
        apps = await client.applications.list(size=1)
    assert [a.id for a in apps] == ["a-1"]
    assert str(recorder.requests[1].url) == f"{BASE}/users/u-test/applications?page=1&size=1"


async def test_without_links_a_short_page_is_the_last() -> None:
    recorder = Recorder(page(["r-1", "r-2"]), page(["r-3", "r-4"]), page(["r-5"]))
    async with make_client(recorder) as client:
        ids = [r.id async for r in client.recordings.list(size=2)]
    assert ids == ["r-1", "r-2", "r-3", "r-4", "r-5"]
    assert [r.url.params.get("page") for r in recorder.requests] == [None, "1", "2"]


async def test_default_page_size_is_25_without_links() -> None:
    full = [f"n-{i}" for i in range(25)]
    recorder = Recorder(page(full), page([]))
    async with make_client(recorder) as client:
        numbers = await client.phone_numbers.list()
    assert len(numbers) == 25
    assert len(recorder.requests) == 2


async def test_pages_are_fetched_only_when_reached() -> None:
    recorder = Recorder(
        page(["c-1", "c-2"], f"{CALLS}?page=1&size=2"),
        page(["c-1", "c-2"], f"{CALLS}?page=1&size=2"),
    )
    async with make_client(recorder) as client:
        listing = client.calls.list(size=2)
        assert recorder.requests == []
        first = await listing.collect(limit=2)
        assert [c.id for c in first] == ["c-1", "c-2"]
        assert len(recorder.requests) == 1
        # Iterating again starts over; breaking early leaves page 2 unfetched.
        async for call in listing:
            assert call.id == "c-1"
            break
    assert len(recorder.requests) == 2
    assert all(r.url.params.get("page") is None for r in recorder.requests)


async def test_messages_follow_the_sort_key_link() -> None:
    messages = f"{BASE}/users/u-test/messages"
    recorder = Recorder(
        page(["m-1"], f"{messages}?sortKeyLT=1458576004287000989&size=1"),
        page(["m-2"], f"{messages}?sortKeyLT=1458576004287000001&size=1"),
        page(["m-3"]),
    )
    async with make_client(recorder) as client:
        ids = [m.id async for m in client.messages.list(size=1)]
    assert ids == ["m-1", "m-2", "m-3"]
    assert [r.url.params.get("sortKeyLT") for r in recorder.requests] == [
        None,
        "1458576004287000989",
        "1458576004287000001",
    ]
    assert all("page" not in r.url.params for r in recorder.requests)


async def test_calls_in_a_bridge_are_one_unpaged_request() -> None:
    recorder = Recorder(page([f"c-{i}" for i in range(25)]))
    async with make_client(recorder) as client:
        calls = await client.calls.list(bridge_id="brg-1")
    assert len(calls) == 25
    assert len(recorder.requests) == 1
    assert dict(recorder.last.url.params) == {"bridgeId": "brg-1"}


async def test_unknown_properties_survive_listing() -> None:
    recorder = Recorder(httpx.Response(200, json=[{"id": "dom-1", "newField": {"a": 1}}]))
    async with make_client(recorder) as client:
        (domain,) = await client.domains.list()
    assert domain.extra == {"newField": {"a": 1}}
    assert domain.to_wire() == {"id": "dom-1", "newField": {"a": 1}}


async def test_anext_walks_one_shared_pass_across_pages() -> None:
    recorder = Recorder(page(["e-1"], f"{BASE}/users/u-test/errors?page=1&size=1"), page(["e-2"]))
    async with make_client(recorder) as client:
        errors = client.errors.list(size=1)
        assert (await anext(errors)).id == "e-1"
        assert (await anext(errors)).id == "e-2"
        assert await anext(errors, None) is None
    assert len(recorder.requests) == 2

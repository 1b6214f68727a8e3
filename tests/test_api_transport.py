"""Error mapping, rate-limit waits, retries and the API log, with injected faults."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fixtures.api.harness import SECRET, TOKEN, FakeTime, Recorder, created, error, make_client

from bwconsole.api import ApiConnectionError, ApiError, Exchange


def ok_call() -> httpx.Response:
    return httpx.Response(200, json={"id": "c-1", "state": "active"})


def too_many(reset_ms: float) -> httpx.Response:
    return error(
        429,
        "rate-limit-reached",
        "You have exceeded the rate limit",
        "too-many-requests",
        **{"X-RateLimit-Reset": str(int(reset_ms))},
    )


async def test_api_error_carries_status_code_message_and_details() -> None:
    body = {
        "category": "not-found",
        "code": "call-not-found",
        "message": "The call c-abc was not found",
        "details": [{"name": "requestMethod", "value": "GET"}],
    }
    recorder = Recorder(httpx.Response(404, json=body))
    async with make_client(recorder) as client:
        with pytest.raises(ApiError) as info:
            await client.calls.get("c-abc")
    err = info.value
    assert str(err) == "404 call-not-found: The call c-abc was not found"
    assert (err.status, err.category, err.details) == (404, "not-found", {"requestMethod": "GET"})
    assert len(recorder.requests) == 1


async def test_non_json_error_body_still_becomes_api_error() -> None:
    recorder = Recorder(httpx.Response(502, text="<html>Bad Gateway</html>"))
    async with make_client(recorder, max_retries=0) as client:
        with pytest.raises(ApiError) as info:
            await client.account.get()
    assert info.value.status == 502
    assert info.value.code == "http-502"
    assert "Bad Gateway" in info.value.message


async def test_invalid_json_on_success_is_an_api_error() -> None:
    recorder = Recorder(httpx.Response(200, content=b'{"id": "c-1", '))
    async with make_client(recorder) as client:
        with pytest.raises(ApiError) as info:
            await client.calls.get("c-1")
    assert info.value.code == "invalid-response"
    assert info.value.status == 200


async def test_429_waits_until_reset_then_retries() -> None:
    time = FakeTime(now=1_000.0)
    recorder = Recorder(too_many(reset_ms=1_002_500), ok_call())
    async with make_client(recorder, time) as client:
        call = await client.calls.get("c-1")
    assert call.id == "c-1"
    assert len(recorder.requests) == 2
    assert time.sleeps == [pytest.approx(2.5)]


async def test_429_on_a_create_is_retried_because_it_was_not_executed() -> None:
    time = FakeTime(now=1_000.0)
    recorder = Recorder(too_many(reset_ms=1_000_200), created("/v1/users/u-test/calls/c-9"))
    async with make_client(recorder, time) as client:
        assert await client.calls.create(from_="+1", to="+2") == "c-9"
    assert [r.method for r in recorder.requests] == ["POST", "POST"]
    assert recorder.json(0) == recorder.json(1) == {"from": "+1", "to": "+2"}


async def test_403_limit_on_call_create_waits_and_retries() -> None:
    time = FakeTime()
    limit = error(403, "call-rate-limit", "You can create 1 calls per 1 seconds", "limit")
    recorder = Recorder(limit, created("/v1/users/u-test/calls/c-2"))
    async with make_client(recorder, time) as client:
        assert await client.calls.create(from_="+1", to="+2") == "c-2"
    assert time.sleeps == [1.0]


async def test_403_limit_reset_from_details_is_honoured() -> None:
    time = FakeTime(now=50.0)
    body = {
        "category": "limit",
        "code": "message-rate-limit",
        "message": "slow down",
        "details": [{"name": "rateLimitResetTime", "value": "53000"}],
    }
    recorder = Recorder(httpx.Response(403, json=body), created("/v1/users/u-test/messages/m-1"))
    async with make_client(recorder, time) as client:
        assert await client.messages.send(from_="+1", to="+2", text="x") == "m-1"
    assert time.sleeps == [pytest.approx(3.0)]


async def test_rate_limit_wait_is_capped() -> None:
    time = FakeTime(now=0.0)
    recorder = Recorder(too_many(reset_ms=3_600_000), ok_call())
    async with make_client(recorder, time, max_rate_limit_wait=10.0) as client:
        await client.calls.get("c-1")
    assert time.sleeps == [10.0]


async def test_rate_limit_retries_are_bounded() -> None:
    time = FakeTime(now=0.0)
    recorder = Recorder(default=too_many(reset_ms=100))
    async with make_client(recorder, time, max_retries=2) as client:
        with pytest.raises(ApiError) as info:
            await client.calls.get("c-1")
    assert info.value.status == 429
    assert len(recorder.requests) == 3


async def test_forbidden_that_is_not_a_limit_is_not_retried() -> None:
    recorder = Recorder(error(403, "call-invalid-state", "The call is completed", "forbidden"))
    async with make_client(recorder) as client:
        with pytest.raises(ApiError) as info:
            await client.calls.hang_up("c-1")
    assert info.value.code == "call-invalid-state"
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "action",
    [
        lambda c: c.calls.get("c-1"),
        lambda c: c.media.delete("a.wav"),
        lambda c: c.media.upload("a.wav", b"data"),
    ],
    ids=["GET", "DELETE", "PUT"],
)
async def test_500_then_success_is_retried_for_idempotent_methods(action) -> None:  # type: ignore[no-untyped-def]
    time = FakeTime()
    recorder = Recorder(error(500, "internal-error", "boom", "backend"), ok_call())
    async with make_client(recorder, time) as client:
        await action(client)
    assert len(recorder.requests) == 2
    assert time.sleeps == [0.5]
    if recorder.requests[0].method == "PUT":
        assert recorder.bodies == [b"data", b"data"]


async def test_backoff_doubles_and_gives_up_after_max_retries() -> None:
    time = FakeTime()
    recorder = Recorder(default=error(503, "call-unavailable", "retry", "unavailable"))
    async with make_client(recorder, time, max_retries=3) as client:
        with pytest.raises(ApiError) as info:
            await client.calls.get("c-1")
    assert info.value.status == 503
    assert len(recorder.requests) == 4
    assert time.sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(
    "action",
    [
        lambda c: c.calls.create(from_="+1", to="+2"),
        lambda c: c.messages.send(from_="+1", to="+2", text="x"),
        lambda c: c.phone_numbers.order(number="+1919"),
        lambda c: c.conferences.create(from_="+1"),
        lambda c: c.calls.update("c-1", state="completed"),
    ],
    ids=["call", "message", "number", "conference", "update"],
)
async def test_post_is_never_retried_on_500(action) -> None:  # type: ignore[no-untyped-def]
    time = FakeTime()
    recorder = Recorder(error(500, "internal-error", "boom", "backend"), created("/x/y"))
    async with make_client(recorder, time) as client:
        with pytest.raises(ApiError) as info:
            await action(client)
    assert info.value.status == 500
    assert len(recorder.requests) == 1
    assert time.sleeps == []


async def test_dropped_connection_on_get_is_retried() -> None:
    recorder = Recorder(httpx.ConnectError("connection reset"), ok_call())
    async with make_client(recorder) as client:
        assert (await client.calls.get("c-1")).state == "active"
    assert len(recorder.requests) == 2


async def test_dropped_connection_on_post_is_not_retried() -> None:
    recorder = Recorder(httpx.ReadError("peer closed"), created("/x/c-1"))
    async with make_client(recorder) as client:
        with pytest.raises(ApiConnectionError) as info:
            await client.calls.create(from_="+1", to="+2")
    assert info.value.status == 0
    assert "ReadError" in info.value.message
    assert len(recorder.requests) == 1


async def test_connection_errors_surface_after_retries() -> None:
    recorder = Recorder(default=httpx.ConnectTimeout("timed out"))
    async with make_client(recorder, max_retries=1) as client:
        with pytest.raises(ApiConnectionError):
            await client.account.get()
    assert len(recorder.requests) == 2


async def test_exchange_log_records_every_attempt_without_secrets() -> None:
    log: list[Exchange] = []
    recorder = Recorder(
        error(500, "internal-error", "boom", "backend"),
        httpx.Response(200, json=[]),
    )
    async with make_client(recorder, log=log) as client:
        await client.calls.list(size=5)
    assert [(e.method, e.path, e.query, e.status, e.attempt) for e in log] == [
        ("GET", "/v1/users/u-test/calls", "size=5", 500, 1),
        ("GET", "/v1/users/u-test/calls", "size=5", 200, 2),
    ]
    assert (log[0].error_code, log[0].error_message) == ("internal-error", "boom")
    assert log[1].error_code is None
    assert all(e.duration_ms >= 0 for e in log)
    assert not any(TOKEN in repr(e) or SECRET in repr(e) for e in log)


async def test_connection_failure_is_logged_without_status() -> None:
    log: list[Exchange] = []
    recorder = Recorder(httpx.ConnectError("refused"))
    async with make_client(recorder, log=log) as client:
        with pytest.raises(ApiConnectionError):
            await client.calls.create(from_="+1", to="+2")
    assert len(log) == 1
    assert (log[0].status, log[0].error_code) == (None, "connection-error")


async def test_create_without_location_is_an_error() -> None:
    recorder = Recorder(httpx.Response(201))
    async with make_client(recorder) as client:
        with pytest.raises(ApiError) as info:
            await client.domains.create(name="d")
    assert info.value.code == "missing-location"


def body_breaks_off(request: httpx.Request) -> httpx.Response:
    async def partial() -> AsyncIterator[bytes]:
        yield b'{"id": "c-'
        raise httpx.ReadError("connection reset mid-body")

    return httpx.Response(200, content=partial())


async def test_body_cut_off_mid_response_is_retried_for_get() -> None:
    recorder = Recorder(body_breaks_off, ok_call())
    async with make_client(recorder) as client:
        assert (await client.calls.get("c-1")).id == "c-1"
    assert len(recorder.requests) == 2


async def test_body_cut_off_mid_response_on_post_is_a_connection_error() -> None:
    recorder = Recorder(body_breaks_off)
    async with make_client(recorder) as client:
        with pytest.raises(ApiConnectionError):
            await client.messages.send_batch([{"from": "+1", "to": "+2", "text": "x"}])
    assert len(recorder.requests) == 1


async def test_a_retried_attempt_is_not_final_and_the_last_one_is() -> None:
    log: list[Exchange] = []
    recorder = Recorder(
        httpx.ConnectError("refused"), error(500, "internal-error", "boom", "x"), ok_call()
    )
    async with make_client(recorder, log=log) as client:
        await client.calls.get("c-1")
    assert [(e.error_code, e.final) for e in log] == [
        ("connection-error", False),
        ("internal-error", False),
        (None, True),
    ]
    log.clear()
    refused = Recorder(default=httpx.ConnectError("refused"))  # type: ignore[arg-type]
    async with make_client(refused, log=log) as client:
        with pytest.raises(ApiConnectionError):
            await client.calls.create(from_="+19195551234", to="+19195550000")
    assert [(e.error_code, e.final) for e in log] == [("connection-error", True)]

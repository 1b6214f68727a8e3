"""Documented rate limits, switched on per test: 429 + X-RateLimit-Reset, 403 `limit` for sends."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from bwconsole.sandbox.app import create_app
from bwconsole.sandbox.core import Sandbox
from bwconsole.servers import BackgroundServer, serving


async def test_off_by_default(sandbox_http: httpx.AsyncClient, user: str) -> None:
    for _ in range(5):
        assert (await sandbox_http.get(f"{user}/account")).status_code == 200


async def test_second_request_within_a_second_is_429_until_the_reset_time() -> None:
    sandbox = Sandbox(time_scale=2, seed=5)  # 1 s of API time is 0.5 s here
    async with serving(create_app(sandbox)) as server:
        creds = sandbox.credentials
        async with httpx.AsyncClient(
            base_url=server.url + "/v1", auth=(creds.token, creds.secret)
        ) as client:
            user = f"/users/{sandbox.user_id}"
            sandbox.rate_limits = True  # the per-test switch
            before_ms = time.time() * 1000
            assert (await client.get(f"{user}/account")).status_code == 200
            limited = await client.get(f"{user}/account")
            assert limited.status_code == 429
            assert limited.headers["content-type"].startswith("application/json")
            reset = int(limited.headers["x-ratelimit-reset"])
            assert before_ms < reset < before_ms + 600  # epoch milliseconds, wall clock
            body = limited.json()
            assert body["category"] == "too-many-requests"
            assert {"name": "rateLimitResetTime", "value": str(reset)} in body["details"]
            assert (await client.get(f"{user}/applications")).status_code == 200  # another family
            assert (await client.get(f"{user}/account")).status_code == 429
            await asyncio.sleep(max(0.0, reset / 1000 - time.time()) + 0.01)
            assert (await client.get(f"{user}/account")).status_code == 200


async def test_sending_over_the_rate_is_403_limit() -> None:
    # Real time (scale 1): the 10 s average window must not slide past the batch on a busy machine.
    sandbox = Sandbox(time_scale=1, seed=4)
    async with serving(create_app(sandbox)) as server:
        creds = sandbox.credentials
        async with httpx.AsyncClient(
            base_url=server.url + "/v1", auth=(creds.token, creds.secret)
        ) as client:
            user = f"/users/{sandbox.user_id}"
            found = await client.get("/availableNumbers/local", params={"areaCode": "919"})
            sender = found.json()[0]["number"]
            assert (
                await client.post(f"{user}/phoneNumbers", json={"number": sender})
            ).status_code == 201
            sandbox.rate_limits = True
            batch = [{"from": sender, "to": "+19195551212", "text": str(i)} for i in range(10)]
            assert (await client.post(f"{user}/messages", json=batch)).status_code == 202
            over = await client.post(f"{user}/messages", json=batch[:1])
            assert over.status_code == 403
            body = over.json()
            assert body["category"] == "limit" and body["code"] == "message-rate-limit"
            assert "average over 10 seconds" in body["message"]


@pytest.fixture
async def limited_server() -> AsyncIterator[tuple[BackgroundServer, Sandbox]]:
    sandbox = Sandbox(time_scale=1, seed=3, rate_limits=True)
    async with serving(create_app(sandbox)) as server:
        yield server, sandbox


async def test_constructor_flag_and_number_categories(
    limited_server: tuple[BackgroundServer, Sandbox],
) -> None:
    server, sandbox = limited_server
    creds = sandbox.credentials
    async with httpx.AsyncClient(
        base_url=server.url + "/v1", auth=(creds.token, creds.secret)
    ) as client:
        # Searching has a burst of 800 a minute: many searches in a row are fine.
        for _ in range(20):
            assert (
                await client.get("/availableNumbers/local", params={"areaCode": "919"})
            ).status_code == 200
        assert (await client.get(f"/users/{sandbox.user_id}/domains")).status_code == 200
        assert (await client.get(f"/users/{sandbox.user_id}/domains")).status_code == 429

"""Bodies the client cannot decode are `ApiError`s, whatever broke the decoder.

A real server on 127.0.0.1 answers with JSON nested 5,000 deep, which makes
`json.loads` raise `RecursionError` rather than `ValueError`; before, that escaped
the client and closed the console from a conference refresh or the balance timer.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bwconsole.api import ApiError, Client
from bwconsole.servers import serving

DEEP = b"[" * 5000 + b"]" * 5000


async def deep(request: Request) -> Response:
    status = int(request.query_params.get("status", "200"))
    return Response(DEEP, status_code=status, media_type="application/json")


async def deep_error(request: Request) -> Response:
    return Response(DEEP, status_code=404, media_type="application/json")


APP = Starlette(
    routes=[
        Route("/v1/users/u-test/account", deep),
        Route("/v1/users/u-test/conferences/{cid}", deep),
        Route("/v1/users/u-test/calls/{cid}", deep_error),
    ]
)


@pytest.mark.parametrize("what", ["account", "conference"])
async def test_deeply_nested_success_body_is_an_api_error(what: str) -> None:
    async with serving(APP) as server:
        async with Client("u-test", "t", "s", f"{server.url}/v1", max_retries=0) as client:
            with pytest.raises(ApiError) as info:
                if what == "account":
                    await client.account.get()
                else:
                    await client.conferences.get("conf-1")
    assert info.value.code == "invalid-response"
    assert "not valid JSON" in info.value.message


async def test_deeply_nested_error_body_is_still_an_api_error_with_its_status() -> None:
    async with serving(APP) as server:
        async with Client("u-test", "t", "s", f"{server.url}/v1", max_retries=0) as client:
            with pytest.raises(ApiError) as info:
                await client.calls.get("c-1")
    assert info.value.status == 404

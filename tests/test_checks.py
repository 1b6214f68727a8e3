"""`check_profile` against real servers on 127.0.0.1: each failure named in words."""

from __future__ import annotations

import base64
import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from bwconsole.checks import CheckResult, check_profile
from bwconsole.config import Profile
from bwconsole.servers import BackgroundServer, serving

USER_ID = "u-check0123456789"
TOKEN = "t-checktoken0123456789"
SECRET = "checksecret0123456789"
RELAY_TOKEN = "relaytoken0123456789"


def fake_v1_and_relay() -> Starlette:
    """The account endpoint of the v1 API and the relay's event websocket, nothing more."""
    expected = "Basic " + base64.b64encode(f"{TOKEN}:{SECRET}".encode()).decode()

    async def account(request: Request) -> Response:
        if request.headers.get("authorization") != expected:
            body = {"category": "authentication", "code": "user-access-denied", "message": "no"}
            return JSONResponse(body, status_code=401)
        if request.path_params["user_id"] != USER_ID:
            return JSONResponse({"code": "user-access-denied"}, status_code=403)
        return JSONResponse({"balance": "10.00", "accountType": "pre-pay"})

    async def not_an_api(request: Request) -> Response:
        return PlainTextResponse("<html>hello</html>")

    async def events(websocket: WebSocket) -> None:
        if websocket.headers.get("authorization") != f"Bearer {RELAY_TOKEN}":
            await websocket.send_denial_response(Response(status_code=401))
            return
        await websocket.accept()
        await websocket.close()

    return Starlette(
        routes=[
            Route("/v1/users/{user_id}/account", account),
            Route("/html/users/{user_id}/account", not_an_api),
            WebSocketRoute("/events/{channel}", events),
        ]
    )


@pytest.fixture
async def server() -> AsyncIterator[BackgroundServer]:
    async with serving(fake_v1_and_relay()) as running:
        yield running


@pytest.fixture
def good(server: BackgroundServer) -> Profile:
    return Profile(
        name="t",
        user_id=USER_ID,
        api_token=TOKEN,
        api_secret=SECRET,
        api_url=server.url + "/v1",
        relay_url=server.url,
        relay_token=RELAY_TOKEN,
        relay_channel="chan-1",
    )


def closed_port_url(scheme: str = "http") -> str:
    """A loopback URL on a port nobody listens on: connects are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"{scheme}://127.0.0.1:{port}"


async def run(profile: Profile) -> dict[str, CheckResult]:
    results = await check_profile(profile, time_limit=5)
    for result in results:
        for secret in (TOKEN, SECRET, RELAY_TOKEN, "wrong-secret-0123456789"):
            assert secret not in str(result)
    return {result.name: result for result in results}


async def test_good_profile_passes_both_checks(good: Profile) -> None:
    results = await run(good)
    assert list(results) == ["credentials", "relay"]
    assert all(result.ok for result in results.values()), results


async def test_without_relay_only_credentials_are_checked(good: Profile) -> None:
    results = await run(replace(good, relay_url=None))
    assert list(results) == ["credentials"] and results["credentials"].ok


async def test_wrong_secret_is_bad_credentials(good: Profile) -> None:
    result = (await run(replace(good, api_secret="wrong-secret-0123456789")))["credentials"]
    assert not result.ok
    assert result.detail == "bad credentials (HTTP 401)"


async def test_someone_elses_user_id_is_bad_credentials(good: Profile) -> None:
    result = (await run(replace(good, user_id="u-other")))["credentials"]
    assert not result.ok and result.detail.startswith("bad credentials (HTTP 403)")


async def test_closed_port_is_unreachable_host(good: Profile) -> None:
    result = (await run(replace(good, api_url=closed_port_url() + "/v1")))["credentials"]
    assert not result.ok
    assert result.detail.startswith("unreachable host: cannot connect to 127.0.0.1:")
    assert result.detail.endswith("(connection refused)")


async def test_unknown_host_name_is_unreachable_host(good: Profile) -> None:
    # .invalid never resolves (RFC 6761)
    results = await run(
        replace(
            good, api_url="http://no-such-host.invalid/v1", relay_url="http://no-such-host.invalid"
        )
    )
    assert results["credentials"].detail.startswith(
        "unreachable host: cannot connect to no-such-host.invalid (host name not found"
    )
    assert results["relay"].detail.startswith(
        "relay unreachable: cannot connect to no-such-host.invalid (host name not found"
    )


async def test_https_to_a_plain_http_server_is_a_tls_error(
    good: Profile, server: BackgroundServer
) -> None:
    api_url = server.url.replace("http://", "https://") + "/v1"
    result = (await run(replace(good, api_url=api_url)))["credentials"]
    assert not result.ok and result.detail.startswith("TLS error"), result


async def test_a_server_that_is_not_the_v1_api_is_named(
    good: Profile, server: BackgroundServer
) -> None:
    result = (await run(replace(good, api_url=server.url + "/html")))["credentials"]
    assert not result.ok and "not like the v1 API" in result.detail
    result = (await run(replace(good, api_url=server.url + "/v2")))["credentials"]
    assert not result.ok and "HTTP 404" in result.detail


async def test_wrong_relay_token_is_refused(good: Profile) -> None:
    results = await run(replace(good, relay_token="not-the-relay-token"))
    assert results["credentials"].ok
    assert not results["relay"].ok
    assert results["relay"].detail == "relay refused the token (HTTP 401)"


async def test_missing_relay_token_is_refused(good: Profile) -> None:
    result = (await run(replace(good, relay_token=None)))["relay"]
    assert result.detail == "relay refused the token (HTTP 401)"


async def test_closed_relay_port_is_relay_unreachable(good: Profile) -> None:
    result = (await run(replace(good, relay_url=closed_port_url())))["relay"]
    assert not result.ok and result.detail.startswith("relay unreachable"), result


async def test_relay_over_tls_to_a_plain_server_is_a_tls_error(
    good: Profile, server: BackgroundServer
) -> None:
    result = (await run(replace(good, relay_url=server.url.replace("http://", "https://"))))[
        "relay"
    ]
    assert not result.ok and result.detail.startswith("TLS error"), result


async def test_relay_without_channel_fails_before_connecting(good: Profile) -> None:
    result = (await run(replace(good, relay_channel=None)))["relay"]
    assert not result.ok and result.detail == "no relay channel configured"


async def test_relay_at_a_wrong_path_hints_at_the_url(
    good: Profile, server: BackgroundServer
) -> None:
    result = (await run(replace(good, relay_url=server.url + "/not-the-relay")))["relay"]
    assert not result.ok
    assert result.detail == "relay refused the token (HTTP 403; or no relay at this URL)"

"""Hostile and malformed input on every sandbox route: always a 4xx with the documented
error body, never a 500, and the keep-alive connection survives it.

The routes are enumerated from the Starlette app itself, so a route added later is
fuzzed without touching this file.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from bwconsole.sandbox.app import create_app
from bwconsole.sandbox.core import Sandbox
from bwconsole.servers import BackgroundServer, serving

pytestmark = pytest.mark.timeout(240)

DEEP_ARRAY = b"[" * 5000 + b"]" * 5000
DEEP_OBJECT = b'{"a":' * 5000 + b"1" + b"}" * 5000
#: Bodies that are not acceptable JSON for any route.
HOSTILE_BODIES = [
    DEEP_ARRAY,
    DEEP_OBJECT,
    b'{"callTimeout": NaN}',
    b'{"callTimeout": Infinity, "from": -Infinity}',
    b'{"callTimeout": 1e400, "maxDigits": 1e400, "volume": -1e400, "size": 1e400}',
    b'{"maxDigits": 1' + b"9" * 5000 + b"}",
    b"\xff\xfe{",
    b'"just a string"',
    b"[1, 2",
]
#: Property names the routes read (wrong values for them reach deeper validation).
FIELDS = (
    "from to text media callbackUrl callbackHttpMethod callbackTimeout fallbackUrl name "
    "incomingCallUrl incomingCallUrlCallbackTimeout incomingCallFallbackUrl incomingMessageUrl "
    "incomingMessageUrlCallbackTimeout incomingMessageFallbackUrl autoAnswer number "
    "applicationId state transferTo transferCallerId whisperAudio sentence fileUrl gender "
    "locale voice loopEnabled tag volume dtmfOut maxDigits interDigitTimeout terminatingDigits "
    "prompt callIds bridgeAudio callId mute hold joinTone leavingTone description credentials "
    "password enabled expires recordingEnabled recordingFileFormat recordingMaxDuration "
    "transcriptionEnabled callTimeout sipHeaders bridgeId conferenceId digits cause "
    "hangupAfter dtmf quantity receiptRequested provider fallbackNumber profile"
).split()
BAD_VALUES: list[Any] = [
    {"a": {"b": [1]}},
    [1, [2]],
    [],
    1.5,
    -1,
    0,
    10**30,
    True,
    "",
    " ",
    "x" * 3000,
    "\u0000\u001b]52;c;aGk=\u0007",
    "1e400",
    "NaN",
    "-Infinity",
    "2014-13-45",
    "+1",
    "sip:",
    "abc",
    "http://",
    "http://[::1",
    "\ud800",
]
QUERY_KEYS = (
    "page size fromDateTime toDateTime fromDate toDate sortOrder sortKeyLT sortKeyGT from to "
    "direction state deliveryState quantity areaCode zip city localNumber inLocalCallingArea "
    "pattern tollFreeNumber maxItems type number bridgeId conferenceId numberState"
).split()
BAD_QUERY_VALUES = [
    "1e400",
    "-1",
    "99999999999999999999999999",
    "2014-13-45",
    "2014-02-30 25:61:61.999",
    "0000-00-00",
    "abc",
    "",
    "²",
    "%ff",
    "true",
    "[]",
]
ERROR_KEYS = {"category", "code", "message", "details"}


def _good_string(rng: random.Random) -> str:
    return rng.choice(["+19195550100", "hello", "http://127.0.0.1:9/cb", "true", "5", "POST"])


def bodies(rng: random.Random, count: int) -> list[bytes]:
    """The hostile bodies, then `count` objects mixing good-looking and wrong values."""
    found = list(HOSTILE_BODIES)
    for _ in range(count):
        body = {}
        for field in FIELDS:
            roll = rng.random()
            if roll < 0.3:
                body[field] = rng.choice(BAD_VALUES)
            elif roll < 0.5:
                body[field] = _good_string(rng)
        found.append(json.dumps(body).encode("utf-8", "surrogatepass"))
    return found


def queries(rng: random.Random, count: int) -> list[dict[str, str]]:
    found = [{"toDateTime": "2014-13-45"}, {"fromDateTime": "2014-02-30"}, {"page": "1e400"}]
    for _ in range(count):
        found.append(
            {key: rng.choice(BAD_QUERY_VALUES) for key in rng.sample(QUERY_KEYS, rng.randint(1, 6))}
        )
    return found


@pytest.fixture
async def server() -> AsyncIterator[tuple[BackgroundServer, Sandbox]]:
    sandbox = Sandbox(time_scale=50, seed=1)
    async with serving(create_app(sandbox)) as running:
        yield running, sandbox


async def _id(response: httpx.Response) -> str:
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


async def _resources(http: httpx.AsyncClient, user: str) -> dict[str, str]:
    """One real resource of each kind, so routes get past their 404 to reading the body."""
    ids: dict[str, str] = {"userId": user.rsplit("/", 1)[-1]}
    ids["applicationId"] = await _id(
        await http.post(
            f"{user}/applications", json={"name": "fz", "incomingCallUrl": "http://127.0.0.1:9/"}
        )
    )
    found = (
        await http.get("/availableNumbers/local", params={"areaCode": "919", "quantity": 1})
    ).json()
    number = found[0]["number"]
    ids["numberId"] = await _id(await http.post(f"{user}/phoneNumbers", json={"number": number}))
    ids["number"] = number
    ids["domainId"] = await _id(await http.post(f"{user}/domains", json={"name": "fuzz"}))
    ids["endpointId"] = await _id(
        await http.post(
            f"{user}/domains/{ids['domainId']}/endpoints",
            json={
                "name": "fz",
                "applicationId": ids["applicationId"],
                "credentials": {"password": "secret1"},
            },
        )
    )
    ids["messageId"] = await _id(
        await http.post(
            f"{user}/messages", json={"from": number, "to": "+19195550123", "text": "hi"}
        )
    )
    assert (await http.put(f"{user}/media/fuzz.txt", content=b"x")).status_code == 200
    ids["mediaName"] = "fuzz.txt"
    ids["conferenceId"] = await _id(await http.post(f"{user}/conferences", json={"from": number}))
    ids["callId"] = await _id(
        await http.post(
            f"{user}/calls",
            json={
                "from": number,
                "to": "+15550000000",
                "conferenceId": ids["conferenceId"],
                "recordingEnabled": True,
            },
        )
    )
    for _ in range(200):
        if (await http.get(f"{user}/calls/{ids['callId']}")).json()["state"] == "active":
            break
    ids["memberId"] = await _id(
        await http.post(
            f"{user}/conferences/{ids['conferenceId']}/members", json={"callId": ids["callId"]}
        )
    )
    ids["gatherId"] = await _id(await http.post(f"{user}/calls/{ids['callId']}/gather", json={}))
    ids["bridgeId"] = await _id(await http.post(f"{user}/bridges", json={"callIds": []}))
    events = (await http.get(f"{user}/calls/{ids['callId']}/events")).json()
    ids["eventId"] = events[0]["id"]
    errors = (await http.get(f"{user}/errors")).json() or [{"id": "x"}]
    ids["errorId"] = errors[0]["id"]
    return ids


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: ids.get(m.group(1), "x-unknown"), path)


def _last(path: str, method: str) -> bool:
    """Requests that end or delete what the others need run at the end."""
    return method == "DELETE" or path.endswith(("/hangup", "/reject"))


def _check(response: httpx.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == ERROR_KEYS, f"{what}: {body}"
        assert isinstance(body["details"], list)


def _port(response: httpx.Response) -> int:
    return int(response.extensions["network_stream"].get_extra_info("client_addr")[1])


async def test_no_route_answers_5xx_and_the_connection_stays_open(
    server: tuple[BackgroundServer, Sandbox],
) -> None:
    running, sandbox = server
    app = create_app(Sandbox())
    targets = sorted(
        {
            (route.path, method)
            for route in app.routes
            if isinstance(route, Route) and not route.path.endswith("/")
            for method in (route.methods or ())
            if method != "HEAD"
        },
        key=lambda item: (_last(*item), item),
    )
    assert len(targets) > 70
    creds = sandbox.credentials
    rng = random.Random(18)
    async with httpx.AsyncClient(
        base_url=running.url + "/v1",
        auth=(creds.token, creds.secret),
        limits=httpx.Limits(max_connections=1),
        timeout=20,
    ) as http:
        ids = await _resources(http, f"/users/{creds.user_id}")
        port = _port(await http.get(f"/users/{creds.user_id}/account"))
        for path, method in targets:
            url = running.url + _fill(path, ids)
            if method in ("GET", "DELETE"):
                for params in queries(rng, 6):
                    response = await http.request(method, url, params=params)
                    _check(response, f"{method} {path} {params}")
                    assert _port(response) == port, (
                        f"{method} {path} {params} closed the connection"
                    )
                continue
            for body in bodies(rng, 12):
                response = await http.request(
                    method, url, content=body, headers={"content-type": "application/json"}
                )
                what = f"{method} {path} {body[:80]!r}"
                _check(response, what)
                assert _port(response) == port, f"{what} closed the connection"


async def test_examples_from_the_attack_run(
    sandbox_http: httpx.AsyncClient, user: str, sandbox_server: BackgroundServer
) -> None:
    response = await sandbox_http.get(f"{user}/messages", params={"toDateTime": "2014-13-45"})
    assert response.status_code == 400
    assert response.json()["code"] == "validation-error"
    assert "toDateTime" in response.json()["message"]
    for body in (DEEP_ARRAY, b'{"callTimeout": 1e400}', b'{"callTimeout": NaN}'):
        response = await sandbox_http.post(
            f"{user}/calls", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert response.json()["category"] == "bad-request"
    response = await sandbox_http.post(
        sandbox_server.url + "/sandbox/inject/call",
        content=DEEP_OBJECT,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert "deeper than" in response.json()["message"]
    # The same connection still serves the next request.
    assert (await sandbox_http.get(f"{user}/account")).status_code == 200

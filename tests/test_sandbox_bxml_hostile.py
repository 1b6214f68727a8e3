"""Hostile BXML and runaway call flows end their calls with a recorded reason: nothing
the application answers can crash a call's task silently, loop redirects forever, or
grow a transfer loop without bound."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from bwconsole.sandbox.account import balance, charge
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.voice.bxml_checks import MAX_REDIRECTS
from bwconsole.sandbox.voice.contract import CRASH_CAUSE
from bwconsole.sandbox.voice.dialing import MAX_TREE_LEGS, TREE_CAUSE
from bwconsole.sandbox.voice.engine import CallEngine
from bwconsole.servers import BackgroundServer, serving
from tests.test_sandbox_callback_sender import endless, rss_bytes
from tests.voice_helpers import (
    OTHER_NUMBER,
    OUR_NUMBER,
    USER,
    Receiver,
    call_state,
    create_app,
    dial,
    own_number,
    receiver,
    wait_state,
)

__all__ = ["receiver"]

pytestmark = pytest.mark.timeout(60)

CALLER = "+12025550123"
HOSTILE = {
    "gather-max-digits": f'<Gather requestUrl="http://127.0.0.1:9/" maxDigits="{"9" * 5000}"/>',
    "pause-length": f'<Pause length="{"9" * 4400}"/>',
    "transfer-to-abc": '<Transfer transferTo="abc"/>',
    "transfer-to-sip": '<Transfer transferTo="sip:"/>',
    "redirect-timeout": (
        f'<Redirect requestUrl="http://127.0.0.1:9/" requestUrlTimeout="{"9" * 4000}"/>'
    ),
    "gather-inter-digit": (
        f'<Gather requestUrl="http://127.0.0.1:9/" interDigitTimeout="{"9" * 400}"/>'
    ),
    "eight-destinations": "<Transfer>"
    + "".join(f"<PhoneNumber>+1555000000{n}</PhoneNumber>" for n in range(8))
    + "</Transfer>",
}


def sandbox_of(server: BackgroundServer) -> Sandbox:
    found = server.sandbox  # type: ignore[attr-defined]
    assert isinstance(found, Sandbox)
    return found


async def errors(http: httpx.AsyncClient) -> list[dict[str, object]]:
    found: list[dict[str, object]] = (await http.get(f"/users/{USER}/errors")).json()
    return found


def about(error: dict[str, object], call_id: str) -> bool:
    details = error["details"]
    assert isinstance(details, list)
    return any(d["name"] == "callId" and d["value"] == call_id for d in details)


async def hangup_cause(http: httpx.AsyncClient, call_id: str) -> str | None:
    events = (await http.get(f"/users/{USER}/calls/{call_id}/events")).json()
    return next((e.get("data") for e in events if e["name"] == "hangup"), None)


@pytest.fixture(autouse=True)
def _our_number(sandbox_server: BackgroundServer) -> None:
    own_number(sandbox_of(sandbox_server), OUR_NUMBER)


@pytest.mark.parametrize("verb", HOSTILE.values(), ids=HOSTILE.keys())
async def test_hostile_bxml_is_invalid_bxml_and_hangs_up(
    sandbox_http: httpx.AsyncClient,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
    verb: str,
) -> None:
    caplog.set_level(logging.INFO, logger="bwconsole.sandbox")
    receiver.reply("/bx", f"<Response>{verb}<SpeakSentence>after</SpeakSentence></Response>")
    call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/bx")
    await receiver.wait_for_event("hangup", path="/bx")
    assert (await call_state(sandbox_http, call_id))["state"] == "completed"
    found = [e for e in await errors(sandbox_http) if about(e, call_id)]
    assert [e["code"] for e in found] == ["invalid-bxml"]
    assert len(str(found[0]["message"])) <= 1000
    assert any(call_id in record.getMessage() for record in caplog.records)
    # Nothing else was placed or heard: the document was refused before it ran.
    assert receiver.events("/bx") == ["answer", "hangup"]


async def test_a_failing_call_task_is_logged_recorded_and_ends_the_call(
    sandbox_http: httpx.AsyncClient,
    sandbox_server: BackgroundServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    call_id = await dial(sandbox_http, to="+15550000000")
    await wait_state(sandbox_http, call_id, ("active",))

    async def broken() -> None:
        await asyncio.sleep(0)
        raise OverflowError("a bug in the sandbox")

    sandbox_of(sandbox_server).service(CallEngine).spawn(call_id, broken())
    await wait_state(sandbox_http, call_id, ("completed",))
    assert await hangup_cause(sandbox_http, call_id) == CRASH_CAUSE
    [error] = [e for e in await errors(sandbox_http) if e["code"] == "internal-error"]
    assert "OverflowError: a bug in the sandbox" in str(error["message"])
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR and "broken" in r.message]
    assert record.exc_info is not None


async def test_a_redirect_loop_stops_at_the_cap(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    loop = f'<Response><Redirect requestUrl="{receiver.url}/loop" requestUrlTimeout="5000"/></Response>'
    receiver.reply("/bx", loop)
    receiver.reply("/loop", loop)
    call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/bx")
    await receiver.wait_for_event("hangup", path="/bx", count=1)
    assert len(receiver.at("/loop")) == MAX_REDIRECTS
    assert (await call_state(sandbox_http, call_id))["state"] == "completed"
    [error] = [e for e in await errors(sandbox_http) if about(e, call_id)]
    assert error["code"] == "invalid-bxml"
    assert f"redirected {MAX_REDIRECTS} times" in str(error["message"])


async def test_a_transfer_to_the_number_being_called_stops_at_the_tree_cap(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    sandbox = sandbox_of(sandbox_server)
    receiver.reply("/voice", f'<Response><Transfer transferTo="{OTHER_NUMBER}"/></Response>')
    app_id = await create_app(sandbox_http, incomingCallUrl=receiver.url + "/voice")
    own_number(sandbox, OTHER_NUMBER, app_id)
    response = await sandbox_http.post(
        sandbox_server.url + "/sandbox/inject/call", json={"from": CALLER, "to": OTHER_NUMBER}
    )
    assert response.status_code == 201
    root = response.json()["id"]
    await wait_state(sandbox_http, root, ("completed",), within=20)
    async with asyncio.timeout(10):
        while True:
            calls = (await sandbox_http.get(f"/users/{USER}/calls", params={"size": 1000})).json()
            if all(c["state"] in ("completed", "rejected") for c in calls):
                break
            await asyncio.sleep(0.05)
    legs = [c for c in calls if c["direction"] == "out"]
    assert len(legs) == MAX_TREE_LEGS
    assert len(calls) <= 2 * MAX_TREE_LEGS + 1
    assert await hangup_cause(sandbox_http, root) == TREE_CAUSE
    [error] = [e for e in await errors(sandbox_http) if e["code"] == "call-tree-limit"]
    assert error["category"] == "limit"
    # Every leg that was up is paid for, like any call.
    transactions = (
        await sandbox_http.get(f"/users/{USER}/account/transactions", params={"size": 1000})
    ).json()
    charged = {t.get("resourceId") for t in transactions if t["type"] == "charge"}
    assert {c["id"] for c in legs if c.get("activeTime")} <= charged


async def test_a_transfer_without_balance_ends_the_call(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    sandbox = sandbox_of(sandbox_server)
    charge(sandbox, "test", str(balance(sandbox) - Decimal("0.001")))
    receiver.reply("/voice", '<Response><Transfer transferTo="+15550000000"/></Response>')
    app_id = await create_app(sandbox_http, incomingCallUrl=receiver.url + "/voice")
    own_number(sandbox, OTHER_NUMBER, app_id)
    response = await sandbox_http.post(
        sandbox_server.url + "/sandbox/inject/call", json={"from": CALLER, "to": OTHER_NUMBER}
    )
    call_id = response.json()["id"]
    await wait_state(sandbox_http, call_id, ("completed",))
    [error] = [e for e in await errors(sandbox_http) if about(e, call_id)]
    assert error["code"] == "insufficient-available-balance"
    calls = (await sandbox_http.get(f"/users/{USER}/calls")).json()
    assert [c["direction"] for c in calls] == ["in"]


async def test_a_300_mb_answer_reply_is_invalid_bxml_without_buffering_it(
    sandbox_http: httpx.AsyncClient,
) -> None:
    app = Starlette(routes=[Route("/{path:path}", endless, methods=["GET", "POST"])])
    async with serving(app) as server:
        before = rss_bytes()
        call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=server.url + "/bx")
        await wait_state(sandbox_http, call_id, ("completed",), within=20)
        grown = rss_bytes() - before
    [error] = [e for e in await errors(sandbox_http) if about(e, call_id)]
    assert error["code"] == "invalid-bxml"
    assert "over the 16384-byte limit" in str(error["message"])
    assert grown < 32 * 1024 * 1024, f"RSS grew by {grown / 2**20:.0f} MiB"


async def test_rest_transfers_share_the_tree_cap(sandbox_http: httpx.AsyncClient) -> None:
    call_id = await dial(sandbox_http, to="+15550000000")
    await wait_state(sandbox_http, call_id, ("active",))
    url = f"/users/{USER}/calls/{call_id}"
    for _ in range(MAX_TREE_LEGS):
        busy = {"state": "transferring", "transferTo": "+15551000000"}
        assert (await sandbox_http.post(url, json=busy)).status_code == 201
        await wait_state(sandbox_http, call_id, ("active",))  # the busy leg failed: back
    response = await sandbox_http.post(url, json=busy)
    assert response.status_code == 403
    assert response.json()["code"] == "call-tree-limit"
    assert response.json()["category"] == "limit"
    assert (await call_state(sandbox_http, call_id))["state"] == "completed"
    assert await hangup_cause(sandbox_http, call_id) == TREE_CAUSE

"""Call callbacks (GET, basic auth, fallback, timeout), transfers, inbound and linked calls."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest

from bwconsole.servers import BackgroundServer
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

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(autouse=True)
def _our_number(sandbox_server: BackgroundServer) -> None:
    own_number(sandbox_server.sandbox, OUR_NUMBER)  # type: ignore[attr-defined]


async def test_get_callbacks_with_basic_auth(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    url = receiver.url.replace("http://", "http://alice:s%20cret@") + "/cb"
    await dial(sandbox_http, to="+15554010000", callbackUrl=url, callbackHttpMethod="GET")
    hangup = await receiver.wait_for_event("hangup")
    answer = receiver.at("/cb")[0]
    assert answer.method == "GET" and hangup.method == "GET"
    assert answer.payload["eventType"] == "answer"
    assert answer.payload["callState"] == "active"
    expected = "Basic " + base64.b64encode(b"alice:s cret").decode()
    assert answer.headers["authorization"] == expected
    assert hangup.payload["cause"] == "NORMAL_CLEARING"


async def test_failing_callback_goes_to_fallback_and_is_recorded(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    receiver.reply("/broken", "nope", status=500)
    await dial(
        sandbox_http,
        to="+15554010000",
        callbackUrl=receiver.url + "/broken",
        fallbackUrl=receiver.url + "/fallback",
    )
    await receiver.wait_for_event("hangup", path="/fallback")
    assert receiver.events("/fallback") == ["answer", "hangup"]
    assert receiver.events("/broken") == ["answer", "hangup"]
    errors = (await sandbox_http.get(f"/users/{USER}/errors")).json()
    failed = [e for e in errors if e["code"] == "callback-failed"]
    assert len(failed) == 2
    assert "HTTP 500" in failed[0]["message"]


async def test_slow_receiver_past_callback_timeout_is_an_error(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    receiver.reply("/slow", delay=0.5)
    await dial(
        sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/slow", callbackTimeout=100
    )
    async with asyncio.timeout(5):
        while True:
            errors = (await sandbox_http.get(f"/users/{USER}/errors")).json()
            if any("timed out after 100 ms" in e["message"] for e in errors):
                break
            await asyncio.sleep(0.01)
    late = await receiver.wait_for_event("answer", path="/slow")  # it arrived, too late
    assert late.payload["eventType"] == "answer"


async def test_transfer_creates_a_new_leg_that_hears_the_whisper(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/a")
    await receiver.wait_for_event("answer", path="/a")
    response = await sandbox_http.post(
        f"/users/{USER}/calls/{call_id}",
        json={
            "state": "transferring",
            "transferTo": "+15550100000",  # answers after 10 s
            "transferCallerId": OUR_NUMBER,
            "whisperAudio": {"sentence": "You have a call"},
            "callbackUrl": receiver.url + "/b",
        },
    )
    assert response.status_code == 201
    leg_id = response.headers["Location"].rsplit("/", 1)[-1]
    assert leg_id != call_id and leg_id.startswith("c-")
    assert (await call_state(sandbox_http, call_id))["state"] == "transferring"
    leg = await call_state(sandbox_http, leg_id)
    assert leg["from"] == OUR_NUMBER and leg["to"] == "+15550100000"
    assert leg["direction"] == "out" and leg["state"] == "started"

    await receiver.wait_for_event("speak", path="/b", count=2)  # the whisper
    await wait_state(sandbox_http, call_id, ("active",))
    await sandbox_http.post(f"/users/{USER}/calls/{leg_id}", json={"state": "completed"})
    hangup = await receiver.wait_for_event("hangup", path="/a")
    assert hangup.payload["cause"] == "NORMAL_CLEARING"
    assert receiver.events("/b") == ["answer", "speak", "speak", "hangup"]
    assert receiver.events("/a") == ["answer", "hangup"]
    assert (await call_state(sandbox_http, call_id))["state"] == "completed"

    bad = await sandbox_http.post(
        f"/users/{USER}/calls/{leg_id}",
        json={"state": "transferring", "transferTo": "+15550000000"},
    )
    assert bad.status_code == 403


async def test_transfer_caller_id_must_be_allowed(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/a")
    await receiver.wait_for_event("answer", path="/a")
    response = await sandbox_http.post(
        f"/users/{USER}/calls/{call_id}",
        json={"state": "transferring", "transferTo": "+15550000001", "transferCallerId": "+12"},
    )
    assert response.status_code == 400


async def test_calling_an_owned_number_rings_its_application(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    app_id = await create_app(sandbox_http, incomingCallUrl=receiver.url + "/app")
    own_number(sandbox_server.sandbox, OTHER_NUMBER, app_id)  # type: ignore[attr-defined]
    call_id = await dial(sandbox_http, to=OTHER_NUMBER, callbackUrl=receiver.url + "/a")
    incoming = await receiver.wait_for_event("incomingcall", path="/app")
    assert incoming.payload["from"] == OUR_NUMBER and incoming.payload["to"] == OTHER_NUMBER
    assert incoming.payload["applicationId"] == app_id
    assert incoming.payload["callState"] == "active"
    inbound_id = incoming.payload["callId"]
    await receiver.wait_for_event("answer", path="/a")
    inbound = await call_state(sandbox_http, inbound_id)
    assert inbound["direction"] == "in" and inbound["state"] == "active"

    await sandbox_http.post(f"/users/{USER}/calls/{call_id}/dtmf", json={"dtmfOut": "42"})
    await receiver.wait_for_event("dtmf", path="/app", count=2)
    assert [r.payload["dtmfDigit"] for r in receiver.at("/app") if r.event == "dtmf"] == ["4", "2"]

    await sandbox_http.post(f"/users/{USER}/calls/{inbound_id}", json={"state": "completed"})
    hangup = await receiver.wait_for_event("hangup", path="/a")
    assert hangup.payload["cause"] == "NORMAL_CLEARING"
    assert receiver.events("/app") == ["incomingcall", "answer", "dtmf", "dtmf", "hangup"]
    assert (await call_state(sandbox_http, call_id))["state"] == "completed"


async def test_injected_call_without_auto_answer_can_be_rejected(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    app_id = await create_app(sandbox_http, incomingCallUrl=receiver.url + "/app", autoAnswer=False)
    own_number(sandbox_server.sandbox, OTHER_NUMBER, app_id)  # type: ignore[attr-defined]
    inject = sandbox_server.url + "/sandbox/inject/call"
    response = await sandbox_http.post(inject, json={"from": "+12025550123", "to": OTHER_NUMBER})
    assert response.status_code == 201
    call_id = response.json()["id"]
    await receiver.wait_for_event("incomingcall", path="/app")
    assert (await call_state(sandbox_http, call_id))["state"] == "started"
    await sandbox_http.post(f"/users/{USER}/calls/{call_id}", json={"state": "rejected"})
    hangup = await receiver.wait_for_event("hangup", path="/app")
    assert hangup.payload["cause"] == "CALL_REJECTED"
    assert hangup.payload["callState"] == "completed"
    assert (await call_state(sandbox_http, call_id))["state"] == "rejected"
    missing = await sandbox_http.post(inject, json={"from": "+12025550123", "to": "+12025559999"})
    assert missing.status_code == 404


async def test_injected_call_answered_then_far_end_presses_and_hangs_up(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    app_id = await create_app(sandbox_http, incomingCallUrl=receiver.url + "/app", autoAnswer=False)
    own_number(sandbox_server.sandbox, OTHER_NUMBER, app_id)  # type: ignore[attr-defined]
    control = sandbox_server.url + "/sandbox"
    response = await sandbox_http.post(
        control + "/inject/call", json={"from": "+12025550123", "to": OTHER_NUMBER}
    )
    call_id = response.json()["id"]
    await sandbox_http.post(f"/users/{USER}/calls/{call_id}", json={"state": "active"})
    await receiver.wait_for_event("answer", path="/app")
    assert (
        await sandbox_http.post(control + f"/calls/{call_id}/dtmf", json={"digits": "7"})
    ).status_code == 200
    dtmf = await receiver.wait_for_event("dtmf", path="/app")
    assert dtmf.payload["dtmfDigit"] == "7"
    await sandbox_http.post(control + f"/calls/{call_id}/hangup")
    await receiver.wait_for_event("hangup", path="/app")
    assert receiver.events("/app") == ["incomingcall", "answer", "dtmf", "hangup"]
    call = await wait_state(sandbox_http, call_id, ("completed",))
    assert call["direction"] == "in" and call["chargeableDuration"] == 60


async def test_sip_endpoint_rings_until_answered(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    sandbox = sandbox_server.sandbox  # type: ignore[attr-defined]
    sandbox.collection("endpoints").put(
        "ep-1", {"id": "ep-1", "sipUri": "alice@example.bwapp.bwsipp.io", "enabled": True}
    )
    call_id = await dial(
        sandbox_http, to="sip:alice@example.bwapp.bwsipp.io", callbackUrl=receiver.url + "/a"
    )
    assert (await call_state(sandbox_http, call_id))["state"] == "started"
    answered = await sandbox_http.post(sandbox_server.url + f"/sandbox/calls/{call_id}/answer")
    assert answered.status_code == 200
    await receiver.wait_for_event("answer", path="/a")
    assert (await call_state(sandbox_http, call_id))["state"] == "active"
    from_client = await dial(
        sandbox_http, to="+15550000000", **{"from": "sip:alice@example.bwapp.bwsipp.io"}
    )
    assert (await call_state(sandbox_http, from_client))["from"].startswith("sip:alice@")


async def test_undeliverable_incoming_call_goes_to_the_fallback_number(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    receiver.reply("/dead", status=503)
    app_id = await create_app(sandbox_http, incomingCallUrl=receiver.url + "/dead")
    sandbox = sandbox_server.sandbox  # type: ignore[attr-defined]
    own_number(sandbox, OTHER_NUMBER, app_id)
    number = next(n for n in sandbox.collection("phoneNumbers") if n["number"] == OTHER_NUMBER)
    number["fallbackNumber"] = "+15550000000"
    response = await sandbox_http.post(
        sandbox_server.url + "/sandbox/inject/call",
        json={"from": "+12025550123", "to": OTHER_NUMBER},
    )
    call_id = response.json()["id"]
    call = await wait_state(sandbox_http, call_id, ("active",))
    assert call["direction"] == "in"
    forwarded = (
        await sandbox_http.get(f"/users/{USER}/calls", params={"to": "+15550000000"})
    ).json()
    assert [(c["from"], c["state"]) for c in forwarded] == [("+12025550123", "active")]
    await sandbox_http.post(
        f"/users/{USER}/calls/{forwarded[0]['id']}", json={"state": "completed"}
    )
    await wait_state(sandbox_http, call_id, ("completed",))


async def test_an_answer_still_in_flight_when_the_call_ends_is_delivered_first(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    """The far end hangs up at once while the app is still answering the `answer`
    callback: the API delivers that event all the same, and the hangup after it."""
    receiver.reply("/slow", "", delay=0.5)
    await dial(sandbox_http, to="+15554000000", callbackUrl=receiver.url + "/slow")
    await receiver.wait_for_event("hangup")
    assert receiver.events("/slow") == ["answer", "hangup"]

"""BXML applications run end to end in the sandbox: an IVR and every other verb."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from bwconsole.sandbox.voice.engine import CallEngine
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

CALLER = "+12025550123"


@pytest.fixture(autouse=True)
def _our_number(sandbox_server: BackgroundServer) -> None:
    own_number(sandbox_server.sandbox, OUR_NUMBER)  # type: ignore[attr-defined]


async def test_ivr_gather_then_transfer(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    base = receiver.url
    receiver.reply(
        "/voice",
        f"""<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Gather requestUrl="{base}/gathered" maxDigits="1" tag="menu">
    <SpeakSentence voice="julie" gender="female" locale="en_US">Press 1 for sales</SpeakSentence>
  </Gather>
</Response>""",
    )
    receiver.reply(
        "/gathered",
        f"""<Response>
  <SpeakSentence>Connecting you</SpeakSentence>
  <Transfer transferCallerId="{OTHER_NUMBER}" requestUrl="{base}/transferred" tag="xfer">
    <PhoneNumber>+15554030000</PhoneNumber>
    <SpeakSentence>Call from the IVR</SpeakSentence>
  </Transfer>
  <SpeakSentence>never reached</SpeakSentence>
</Response>""",
    )
    app_id = await create_app(
        sandbox_http, incomingCallUrl=base + "/voice", callbackHttpMethod="GET"
    )
    own_number(sandbox_server.sandbox, OTHER_NUMBER, app_id)  # type: ignore[attr-defined]
    response = await sandbox_http.post(
        sandbox_server.url + "/sandbox/inject/call",
        json={"from": CALLER, "to": OTHER_NUMBER, "dtmf": "1"},
    )
    assert response.status_code == 201
    call_id = response.json()["id"]

    gather = await receiver.wait_for_event("gather", path="/gathered")
    assert gather.method == "GET"
    assert gather.payload["digits"] == "1"
    assert gather.payload["reason"] == "max-digits"
    assert gather.payload["state"] == "completed"
    assert gather.payload["callId"] == call_id
    assert gather.payload["callUri"].endswith(f"/calls/{call_id}")
    assert gather.payload["tag"] == "menu"
    assert gather.payload["gatherId"].startswith("g-")

    complete = await receiver.wait_for_event("transferComplete", path="/transferred")
    assert complete.method == "GET"
    assert complete.payload["from"] == OTHER_NUMBER
    assert complete.payload["to"] == "+15554030000"
    assert complete.payload["callState"] == "active"
    assert complete.payload["callId"] == call_id
    assert complete.payload["tag"] == "xfer"
    hangup = await receiver.wait_for_event("hangup", path="/voice")
    assert hangup.payload["callState"] == "completed"
    assert hangup.payload["cause"] == "NORMAL_CLEARING"
    # BXML calls get only BXML callbacks: no speak or dtmf events.
    assert receiver.events("/voice") == ["incomingcall", "answer", "hangup"]
    assert receiver.events() == [
        "incomingcall",
        "answer",
        "gather",
        "transferComplete",
        "hangup",
    ]
    call = await call_state(sandbox_http, call_id)
    assert call["state"] == "completed" and call["direction"] == "in"
    calls = (await sandbox_http.get(f"/users/{USER}/calls", params={"to": "+15554030000"})).json()
    assert len(calls) == 1 and calls[0]["from"] == OTHER_NUMBER
    assert calls[0]["state"] == "completed"


async def test_every_other_verb(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    base = receiver.url
    receiver.reply(
        "/bx",
        f"""<Response>
  <PlayAudio repeatCount="2">https://audio.example/hold.mp3</PlayAudio>
  <Pause length="2"/>
  <SendDtmf>1w2</SendDtmf>
  <Record requestUrl="{base}/rec" transcribe="true" transcribeCallbackUrl="{base}/tr"
          maxDuration="60" silenceTimeout="10"/>
  <Redirect requestUrl="{base}/next" requestUrlTimeout="5000"/>
  <SpeakSentence>never said</SpeakSentence>
</Response>""",
    )
    receiver.reply(
        "/next", "<Response><SpeakSentence>Goodbye now</SpeakSentence><Hangup/></Response>"
    )
    app_id = await create_app(sandbox_http, incomingCallUrl=base + "/app")
    own_number(sandbox_server.sandbox, OTHER_NUMBER, app_id)  # type: ignore[attr-defined]
    call_id = await dial(sandbox_http, to=OTHER_NUMBER, callbackUrl=base + "/bx")

    await receiver.wait_for_event("dtmf", path="/app", count=2)
    inbound_id = receiver.at("/app")[0].payload["callId"]
    async with asyncio.timeout(5):  # speak only once <Record> runs
        while True:
            if (await sandbox_http.get(f"/users/{USER}/calls/{call_id}/recordings")).json():
                break
            await asyncio.sleep(0.005)
    speech = await sandbox_http.post(
        f"/users/{USER}/calls/{inbound_id}/audio", json={"sentence": "Leave it at the door"}
    )
    assert speech.status_code == 200

    recorded = await receiver.wait_for_event("recording", path="/rec")
    assert recorded.method == "GET" and recorded.payload["status"] == "complete"
    transcribed = await receiver.wait_for_event("transcription", path="/tr")
    assert transcribed.method == "POST"
    assert transcribed.payload["text"] == "Leave it at the door"
    redirect = await receiver.wait_for_event("redirect", path="/next")
    assert redirect.payload == {
        "eventType": "redirect",
        "callId": call_id,
        "callState": "active",
        "from": OUR_NUMBER,
        "to": OTHER_NUMBER,
    }
    hangup = await receiver.wait_for_event("hangup", path="/bx")
    assert hangup.payload["callState"] == "completed"
    assert receiver.events("/bx") == ["answer", "hangup"]
    assert [r.payload["dtmfDigit"] for r in receiver.at("/app") if r.event == "dtmf"] == ["1", "2"]

    events = (await sandbox_http.get(f"/users/{USER}/calls/{call_id}/events")).json()
    names = [(e["name"], e.get("data")) for e in events]
    assert names.count(("playback", "start")) == 2
    assert ("speak", "start") in names and names[-1] == ("hangup", "NORMAL_CLEARING")
    await wait_state(sandbox_http, inbound_id, ("completed",))


async def test_invalid_bxml_is_recorded_and_hangs_up(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    receiver.reply("/bx", "<Response><Dance/></Response>")
    call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/bx")
    await receiver.wait_for_event("hangup", path="/bx")
    assert (await call_state(sandbox_http, call_id))["state"] == "completed"
    errors = (await sandbox_http.get(f"/users/{USER}/errors")).json()
    assert any(e["code"] == "invalid-bxml" and "Dance" in e["message"] for e in errors)


async def test_generator_quirks_run_and_are_reported_as_bxml_warnings(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    receiver.reply("/sdk", "<xml><Response><Pause duration='1'/><Hangup/></Response></xml>")
    call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/sdk")
    await receiver.wait_for_event("hangup", path="/sdk")
    errors = (await sandbox_http.get(f"/users/{USER}/errors")).json()
    warnings = [e["message"] for e in errors if e["code"] == "bxml-warning"]
    assert any("<xml>: wrapper" in m and call_id in m for m in warnings), errors
    assert any("'duration' read as 'length'" in m for m in warnings)
    assert not any(e["code"] == "invalid-bxml" for e in errors)
    events = (await sandbox_http.get(f"/users/{USER}/calls/{call_id}/events")).json()
    assert events[-1]["name"] == "hangup"


async def test_gather_without_digits_runs_the_next_verb(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    base = receiver.url
    receiver.reply(
        "/bx",
        f"""<Response>
  <Gather requestUrl="{base}/gathered" interDigitTimeout="2"/>
  <Hangup/>
</Response>""",
    )
    await dial(sandbox_http, to="+15550000000", callbackUrl=base + "/bx")
    await receiver.wait_for_event("hangup", path="/bx")
    assert receiver.at("/gathered") == []


async def test_the_far_end_waits_for_a_slow_answer_reply_before_pressing(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    """Its 10 s without a gather count from the application's reply: this one takes
    20 API seconds (0.4 s at time-scale 50), and the Gather it brings still gets the digits."""
    base = receiver.url
    receiver.reply(
        "/bx",
        f'<Response><Gather requestUrl="{base}/gathered"/><Hangup/></Response>',
        delay=0.4,
    )
    await dial(sandbox_http, to="+15553123", callbackUrl=base + "/bx")
    gathered = await receiver.wait_for_event("gather", path="/gathered")
    assert gathered.payload["digits"] == "123"
    assert gathered.payload["reason"] == "terminating-digit"


async def test_a_stalled_loop_does_not_lose_the_first_digit_to_the_inter_digit_timeout(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    """The far end presses 1 s after the gather listens, its timeout is 3 s: when a stall
    makes both due at once, the digit came first and the gather has it."""
    engine = sandbox_server.sandbox.service(CallEngine)  # type: ignore[attr-defined]
    base = receiver.url
    receiver.reply(
        "/bx",
        f'<Response><Gather requestUrl="{base}/gathered" interDigitTimeout="3"/></Response>',
    )
    call_id = await dial(sandbox_http, to="+15553123", callbackUrl=base + "/bx")
    await engine.live(call_id).listening.wait()
    time.sleep(0.2)  # noqa: ASYNC251 - the stall itself: 10 API s with the sandbox's loop blocked
    gathered = await receiver.wait_for_event("gather", path="/gathered")
    assert (gathered.payload["digits"], gathered.payload["reason"]) == ("123", "terminating-digit")

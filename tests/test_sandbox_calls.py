"""Outbound calls against every simulated far end: exact event sequences and fields."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.voice.engine import CallEngine
from bwconsole.servers import BackgroundServer
from tests.voice_helpers import (
    OUR_NUMBER,
    USER,
    Received,
    Receiver,
    call_state,
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


async def test_answered_call_speaks_and_hangs_up(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    to = "+15550100000"  # answers after 10 s
    call_id = await dial(sandbox_http, to=to, callbackUrl=receiver.url + "/cb", tag="ctx-1")
    started = await call_state(sandbox_http, call_id)
    assert started["state"] == "started"
    assert started["direction"] == "out"
    assert started["from"] == OUR_NUMBER and started["to"] == to
    assert "activeTime" not in started and "endTime" not in started

    answer = await receiver.wait_for_event("answer")
    assert answer.method == "POST"
    assert answer.headers["user-agent"].startswith("BandwidthAPI/v1 (")
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert set(answer.payload) == {
        "eventType",
        "from",
        "to",
        "callId",
        "callUri",
        "callState",
        "tag",
        "time",
    }
    assert answer.payload["callState"] == "active"
    assert answer.payload["tag"] == "ctx-1"
    assert answer.payload["callUri"].endswith(f"/v1/users/{USER}/calls/{call_id}")

    response = await sandbox_http.post(
        f"/users/{USER}/calls/{call_id}/audio",
        json={"sentence": "Hello there friend", "voice": "julie", "tag": "t1"},
    )
    assert response.status_code == 200
    await receiver.wait_for_event("speak", count=2)
    response = await sandbox_http.post(
        f"/users/{USER}/calls/{call_id}", json={"state": "completed"}
    )
    assert response.status_code == 200
    hangup = await receiver.wait_for_event("hangup")
    assert hangup.payload["cause"] == "NORMAL_CLEARING"
    assert set(hangup.payload) == {"eventType", "callId", "callUri", "from", "to", "cause", "time"}

    assert receiver.events() == ["answer", "speak", "speak", "hangup"]
    speaks = receiver.at("/cb")[1:3]
    assert [s.payload["status"] for s in speaks] == ["started", "done"]
    assert all(s.payload["tag"] == "t1" for s in speaks)

    ended = await call_state(sandbox_http, call_id)
    assert ended["state"] == "completed"
    assert ended["activeTime"] and ended["endTime"]
    assert ended["chargeableDuration"] == 60
    events = (await sandbox_http.get(f"/users/{USER}/calls/{call_id}/events")).json()
    assert [(e["name"], e.get("data")) for e in events] == [
        ("create", None),
        ("answer", None),
        ("speak", "start"),
        ("speak", "done"),
        ("hangup", "NORMAL_CLEARING"),
    ]
    one = await sandbox_http.get(f"/users/{USER}/calls/{call_id}/events/{events[1]['id']}")
    assert one.json() == events[1]
    assert (
        await sandbox_http.post(f"/users/{USER}/calls/{call_id}", json={"state": "active"})
    ).status_code == 403


@pytest.mark.parametrize(
    ("to", "state", "cause"),
    [
        ("+15551000000", "rejected", "USER_BUSY"),
        ("+15556000000", "rejected", "CALL_REJECTED"),
        ("+15555000000", "completed", "UNALLOCATED_NUMBER"),
    ],
)
async def test_refusing_far_ends(
    sandbox_http: httpx.AsyncClient, receiver: Receiver, to: str, state: str, cause: str
) -> None:
    call_id = await dial(sandbox_http, to=to, callbackUrl=receiver.url + "/cb")
    hangup = await receiver.wait_for_event("hangup")
    assert hangup.payload["cause"] == cause
    assert receiver.events() == ["hangup"]
    call = await wait_state(sandbox_http, call_id, (state,))
    assert call["chargeableDuration"] == 0
    assert "activeTime" not in call


async def test_never_answered_times_out(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    call_id = await dial(
        sandbox_http, to="+15552000000", callTimeout=5, callbackUrl=receiver.url + "/cb"
    )
    timeout = await receiver.wait_for_event("timeout")
    assert set(timeout.payload) == {"eventType", "callId", "callUri", "from", "to", "time"}
    call = await wait_state(sandbox_http, call_id, ("completed",))
    assert call["chargeableDuration"] == 0
    assert receiver.events() == ["timeout"]


async def test_far_end_presses_digits_into_a_gather(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    # The app starts the gather while it handles the answer callback, as a REST app does:
    # the far end presses its digits once a gather listens.
    started: list[httpx.Response] = []

    async def start_gather(answer: Received) -> None:
        path = f"/users/{USER}/calls/{answer.payload['callId']}/gather"
        body = {"maxDigits": "5", "tag": "g", "prompt": {"sentence": "Enter your code"}}
        started.append(await sandbox_http.post(path, json=body))
        started.append(await sandbox_http.post(path, json={}))

    receiver.handlers["answer"] = start_gather
    call_id = await dial(sandbox_http, to="+155531234", callbackUrl=receiver.url + "/cb")
    await receiver.wait_for_event("answer")
    response, again = started
    assert response.status_code == 201
    gather_id = response.headers["Location"].rsplit("/", 1)[-1]
    assert again.status_code == 409
    assert again.json()["code"] == "call-duplicate-gather-error"

    gather = await receiver.wait_for_event("gather")
    assert gather.payload == {
        "eventType": "gather",
        "state": "completed",
        "digits": "1234",
        "reason": "terminating-digit",
        "callId": call_id,
        "gatherId": gather_id,
        "time": gather.payload["time"],
        "tag": "g",
    }
    assert receiver.events() == ["answer", "speak", "speak", *["dtmf"] * 5, "gather"]
    digits = [r.payload["dtmfDigit"] for r in receiver.requests if r.event == "dtmf"]
    assert digits == ["1", "2", "3", "4", "#"]
    record = (await sandbox_http.get(f"/users/{USER}/calls/{call_id}/gather/{gather_id}")).json()
    assert record["state"] == "completed" and record["digits"] == "1234"
    assert record["reason"] == "terminating-digit" and record["completedTime"]


async def test_far_end_hangs_up_after_n_seconds(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    call_id = await dial(sandbox_http, to="+15554030000", callbackUrl=receiver.url + "/cb")
    hangup = await receiver.wait_for_event("hangup")
    assert hangup.payload["cause"] == "NORMAL_CLEARING"
    assert receiver.events() == ["answer", "hangup"]
    call = await call_state(sandbox_http, call_id)
    assert call["state"] == "completed" and call["chargeableDuration"] == 60


async def test_hanging_up_before_answer_is_originator_cancel(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    call_id = await dial(sandbox_http, to="+15552000000", callbackUrl=receiver.url + "/cb")
    await sandbox_http.post(f"/users/{USER}/calls/{call_id}", json={"state": "completed"})
    hangup = await receiver.wait_for_event("hangup")
    assert hangup.payload["cause"] == "ORIGINATOR_CANCEL"


async def test_bad_requests_are_documented_errors(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    calls = f"/users/{USER}/calls"
    not_ours = await sandbox_http.post(calls, json={"from": "+19995550000", "to": "+15550010000"})
    assert not_ours.status_code == 401 and not_ours.json()["code"] == "number-access-denied"
    bad_to = await sandbox_http.post(calls, json={"from": OUR_NUMBER, "to": "12345"})
    assert bad_to.status_code == 400
    assert (await sandbox_http.get(calls + "/c-nothere")).status_code == 404

    call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/cb")
    await receiver.wait_for_event("answer")
    audio = calls + f"/{call_id}/audio"
    for body in (
        {},
        {"sentence": "x" * 1001},
        {"sentence": "hi", "voice": "nobody"},
        {"fileUrl": "ftp://x"},
        {"sentence": "hi", "volume": 9},
        {"loopEnabled": "maybe", "sentence": "a"},
    ):
        response = await sandbox_http.post(audio, json=body)
        assert response.status_code == 400, body
        assert set(response.json()) == {"category", "code", "message", "details"}
    malformed = await sandbox_http.post(audio, content=b"{not json")
    assert malformed.status_code == 400
    assert (await sandbox_http.post(audio, json={"sentence": ""})).status_code == 200
    bad_dtmf = await sandbox_http.post(calls + f"/{call_id}/dtmf", json={"dtmfOut": "12x"})
    assert bad_dtmf.status_code == 400
    assert (
        await sandbox_http.post(calls + f"/{call_id}/dtmf", json={"dtmfOut": "1w2"})
    ).status_code == 200
    bad_state = await sandbox_http.post(calls + f"/{call_id}", json={"state": "flying"})
    assert bad_state.status_code == 400


async def test_list_filters_sorts_and_pages(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer
) -> None:
    other = "+19195550122"
    own_number(sandbox_server.sandbox, other)  # type: ignore[attr-defined]
    first = await dial(sandbox_http, to="+15552000001")
    second = await dial(sandbox_http, to="+15552000002", **{"from": other})
    third = await dial(sandbox_http, to="+15552000003")
    calls = f"/users/{USER}/calls"
    newest_first = [c["id"] for c in (await sandbox_http.get(calls)).json()]
    assert newest_first == [third, second, first]
    oldest_first = (await sandbox_http.get(calls, params={"sortOrder": "asc"})).json()
    assert [c["id"] for c in oldest_first] == [first, second, third]
    by_from = (await sandbox_http.get(calls, params={"from": other})).json()
    assert [c["id"] for c in by_from] == [second]
    by_to = (await sandbox_http.get(calls, params={"to": "+15552000001"})).json()
    assert [c["id"] for c in by_to] == [first]
    page = await sandbox_http.get(calls, params={"size": 2})
    assert len(page.json()) == 2 and 'rel="next"' in page.headers["link"]
    last = await sandbox_http.get(calls, params={"size": 2, "page": 1})
    assert [c["id"] for c in last.json()] == [first] and "link" not in last.headers


async def test_calls_cut_by_a_restart_end_cleanly(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    first = Sandbox(state_file=state, seed=3)
    first.collection("calls").put(
        "c-up", {"id": "c-up", "state": "active", "from": OUR_NUMBER, "to": "+15550000000"}
    )
    first.collection("recordings").put("r-1", {"id": "r-1", "state": "recording"})
    await first.aclose()
    second = Sandbox(state_file=state, seed=3)
    try:
        engine = second.service(CallEngine)
        call = engine.get_call("c-up")
        assert call["state"] == "completed" and call["endTime"]
        assert second.collection("recordings").get("r-1") == {"id": "r-1", "state": "error"}
    finally:
        await second.aclose()


async def test_looping_file_plays_until_stopped(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/cb")
    await receiver.wait_for_event("answer")
    audio = f"/users/{USER}/calls/{call_id}/audio"
    body = {"fileUrl": "https://example.com/hold.mp3", "loopEnabled": "true", "tag": "hold"}
    assert (await sandbox_http.post(audio, json=body)).status_code == 200
    started = await receiver.wait_for_event("playback")
    assert set(started.payload) == {"eventType", "status", "callId", "callUri", "tag", "time"}
    assert started.payload["status"] == "started"
    assert (await sandbox_http.post(audio, json={"fileUrl": ""})).status_code == 200
    done = await receiver.wait_for_event("playback", count=2)
    assert done.payload["status"] == "done" and done.payload["tag"] == "hold"
    assert receiver.events() == ["answer", "playback", "playback"]


async def test_gather_times_out_and_can_be_stopped(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/cb")
    await receiver.wait_for_event("answer")
    gathers = f"/users/{USER}/calls/{call_id}/gather"
    first = await sandbox_http.post(gathers, json={"interDigitTimeout": "2"})
    assert first.status_code == 201
    timed_out = await receiver.wait_for_event("gather")
    assert timed_out.payload["reason"] == "inter-digit-timeout"
    assert timed_out.payload["digits"] == ""

    second = await sandbox_http.post(gathers, json={"terminatingDigits": "*"})
    gather_id = second.headers["Location"].rsplit("/", 1)[-1]
    running = (await sandbox_http.get(f"{gathers}/{gather_id}")).json()
    assert running["state"] == "started" and running["call"].endswith(f"/calls/{call_id}")
    bad = await sandbox_http.post(f"{gathers}/{gather_id}", json={"state": "started"})
    assert bad.status_code == 400
    stop = await sandbox_http.post(f"{gathers}/{gather_id}", json={"state": "completed"})
    assert stop.status_code == 200
    assert (await sandbox_http.get(f"{gathers}/{gather_id}")).json()["state"] == "completed"
    empty = await sandbox_http.post(gathers, json={"terminatingDigits": ""})
    assert empty.status_code == 400
    assert (await sandbox_http.post(gathers, json={})).status_code == 201
    assert receiver.events() == ["answer", "gather"]
    missing = await sandbox_http.get(f"{gathers}/g-nothere")
    assert missing.status_code == 404

"""Recordings (downloadable WAV of the right length) and transcriptions (text from what was said)."""

from __future__ import annotations

import io
import wave
from datetime import datetime

import httpx
import pytest

from bwconsole.servers import BackgroundServer
from tests.voice_helpers import OUR_NUMBER, USER, Receiver, dial, own_number, receiver

__all__ = ["receiver"]

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(autouse=True)
def _our_number(sandbox_server: BackgroundServer) -> None:
    own_number(sandbox_server.sandbox, OUR_NUMBER)  # type: ignore[attr-defined]


def _seconds(start: str, end: str) -> float:
    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


async def test_recorded_call_yields_wav_and_transcription(
    sandbox_http: httpx.AsyncClient, sandbox_server: BackgroundServer, receiver: Receiver
) -> None:
    call_id = await dial(
        sandbox_http,
        to="+15550000000",
        callbackUrl=receiver.url + "/cb",
        recordingEnabled="true",
        transcriptionEnabled=True,
    )
    await receiver.wait_for_event("answer")
    calls = f"/users/{USER}/calls/{call_id}"
    await sandbox_http.post(calls + "/audio", json={"sentence": "Please leave a message"})
    await receiver.wait_for_event("speak", count=2)
    far_end = sandbox_server.url + f"/sandbox/calls/{call_id}/speak"
    assert (await sandbox_http.post(far_end, json={"sentence": "Call me back"})).status_code == 200
    await sandbox_http.post(calls, json={"state": "completed"})

    recording_event = await receiver.wait_for_event("recording")
    transcription_event = await receiver.wait_for_event("transcription")
    assert receiver.events() == ["answer", "speak", "speak", "hangup", "recording", "transcription"]
    recording_id = recording_event.payload["recordingId"]
    assert recording_event.payload["status"] == "complete"
    assert recording_event.payload["callId"] == call_id
    assert recording_event.payload["recordingUri"].endswith(f"/recordings/{recording_id}")

    recording = (await sandbox_http.get(f"/users/{USER}/recordings/{recording_id}")).json()
    assert recording["state"] == "complete"
    assert recording["media"].endswith(f"/media/{call_id}-1.wav")
    assert recording["call"].endswith(f"/calls/{call_id}")
    download = await sandbox_http.get(recording["media"])
    assert download.status_code == 200
    with wave.open(io.BytesIO(download.content)) as audio:
        duration = audio.getnframes() / audio.getframerate()
    assert duration == pytest.approx(
        _seconds(recording["startTime"], recording["endTime"]), abs=0.01
    )
    assert duration >= 1.6  # at least the 4-word sentence (0.4 s a word)

    text = "Please leave a message Call me back"
    payload = transcription_event.payload
    assert payload["text"] == text and payload["textSize"] == len(text)
    assert payload["status"] == "completed" and payload["state"] == "completed"
    assert payload["recordingId"] == recording_id
    full = await sandbox_http.get(payload["textUrl"])
    assert full.text == text
    transcriptions = (await sandbox_http.get(calls + "/transcriptions")).json()
    assert [t["text"] for t in transcriptions] == [text]
    assert transcriptions[0]["chargeableDuration"] == 60
    listed = (
        await sandbox_http.get(f"/users/{USER}/recordings/{recording_id}/transcriptions")
    ).json()
    assert listed == transcriptions
    assert [r["id"] for r in (await sandbox_http.get(calls + "/recordings")).json()] == [
        recording_id
    ]

    again = await sandbox_http.post(f"/users/{USER}/recordings/{recording_id}/transcriptions")
    assert again.status_code == 201
    assert "/transcriptions/tr-" in again.headers["Location"]
    await receiver.wait_for_event("transcription", count=2)

    products = {
        t.get("productType")
        for t in (await sandbox_http.get(f"/users/{USER}/account/transactions")).json()
    }
    assert {"call-out", "transcription"} <= products


async def test_recording_toggled_twice_makes_two_files(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    call_id = await dial(sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/cb")
    await receiver.wait_for_event("answer")
    calls = f"/users/{USER}/calls/{call_id}"
    for _ in range(2):
        await sandbox_http.post(calls, json={"recordingEnabled": True})
        await sandbox_http.post(calls, json={"recordingEnabled": "false"})
    await receiver.wait_for_event("recording", count=2)
    recordings = (await sandbox_http.get(calls + "/recordings")).json()
    assert [r["media"].rsplit("/", 1)[-1] for r in recordings] == [
        f"{call_id}-1.wav",
        f"{call_id}-2.wav",
    ]
    assert not receiver.events().count("transcription")
    paged = await sandbox_http.get(f"/users/{USER}/recordings", params={"size": 1})
    assert len(paged.json()) == 1 and 'rel="next"' in paged.headers["link"]


async def test_transcribing_an_unfinished_recording_is_refused(
    sandbox_http: httpx.AsyncClient, receiver: Receiver
) -> None:
    call_id = await dial(
        sandbox_http, to="+15550000000", callbackUrl=receiver.url + "/cb", recordingEnabled=True
    )
    await receiver.wait_for_event("answer")
    recording = (await sandbox_http.get(f"/users/{USER}/calls/{call_id}/recordings")).json()[0]
    assert recording["state"] == "recording"
    refused = await sandbox_http.post(f"/users/{USER}/recordings/{recording['id']}/transcriptions")
    assert refused.status_code == 403
    assert refused.json()["code"] == "invalid-recording-state"
    missing = await sandbox_http.get(f"/users/{USER}/recordings/r-nothere")
    assert missing.status_code == 404 and missing.json()["code"] == "recording-not-found"

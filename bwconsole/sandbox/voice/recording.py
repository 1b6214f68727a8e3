"""Call recordings and their transcriptions (SEMANTICS.md §14).

A recording runs from `recordingEnabled` (or the BXML `<Record>` verb) until it
is turned off, hits its maximum or the call ends; it then spends a moment
`saving` and becomes `complete` with a real WAV file (a quiet 440 Hz tone of
the recording's API-time length) stored as media `{callId}-{n}.wav`. A
transcription's text is what was spoken or played on the call while it was
recorded (kept on the recording when it stops, so it survives a restart), so tests can
predict it; its full text is stored as media named
after the transcription, which is what `textUrl` points at.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from datetime import datetime

from bwconsole.sandbox.account import charge
from bwconsole.sandbox.media import save_media
from bwconsole.sandbox.store import Record
from bwconsole.sandbox.voice.contract import Engine, RecordOptions

__all__ = ["start", "stop", "transcribe", "wav_bytes"]

SAMPLE_RATE = 8000
SAVE_SECONDS = 1.0
TRANSCRIBE_SECONDS = 2.0
TEXT_CROP = 1000
EVENT_TEXT_CROP = 1026
TRANSCRIPTION_RATE_PER_MINUTE = "0.02000"
_TONE = b"".join(
    struct.pack("<h", int(2000 * math.sin(2 * math.pi * 440 * i / SAMPLE_RATE)))
    for i in range(SAMPLE_RATE)
)


def wav_bytes(seconds: float) -> bytes:
    """A mono 16-bit 8 kHz WAV of a quiet tone lasting `seconds`."""
    frames = max(0, round(seconds * SAMPLE_RATE))
    whole, part = divmod(frames, SAMPLE_RATE)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        for _ in range(whole):
            out.writeframes(_TONE)
        out.writeframes(_TONE[: part * 2])
    return buffer.getvalue()


def start(engine: Engine, call_id: str, options: RecordOptions | None = None) -> Record:
    """Start recording the call (returns the running recording if one already runs)."""
    options = options or RecordOptions()
    sandbox = engine.sandbox
    live = engine.live(call_id)
    recordings = sandbox.collection("recordings")
    if live.recording is not None:
        return recordings.get(live.recording[0]) or {}
    call = engine.get_call(call_id)
    number = 1 + sum(1 for r in recordings if r.get("_callId") == call_id)
    recording_id = sandbox.ids.new("recording")
    record: Record = {
        "id": recording_id,
        "startTime": sandbox.clock.iso(),
        "call": call["_uri"],
        "media": sandbox.url(sandbox.user_path("media", f"{call_id}-{number}.wav")),
        "state": "recording",
        "_callId": call_id,
        "_mediaName": f"{call_id}-{number}.wav",
        "_started": sandbox.clock.now().timestamp(),
    }
    recordings.put(recording_id, record)
    live.recording = (recording_id, options)
    engine.spawn(call_id, _limit(engine, call_id, recording_id, options.max_duration))
    return record


async def _limit(engine: Engine, call_id: str, recording_id: str, seconds: float) -> None:
    await engine.sandbox.clock.sleep(seconds)
    running = engine.live(call_id).recording
    if running is not None and running[0] == recording_id:
        stop(engine, call_id)


def stop(engine: Engine, call_id: str) -> None:
    """Stop the call's running recording, if any; it is saved in the background."""
    live = engine.live(call_id)
    if live.recording is None:
        return
    recording_id, options = live.recording
    live.recording = None
    sandbox = engine.sandbox
    record = sandbox.collection("recordings").get(recording_id)
    if record is None:
        return
    now = sandbox.clock.now()
    record["endTime"] = sandbox.clock.iso(now)
    record["state"] = "saving"
    record["_ended"] = now.timestamp()
    # What was heard lives in memory only; kept on the record, a transcription asked for
    # after a sandbox restart still has the words.
    record["_spoken"] = _spoken(engine, record)
    sandbox.collection("recordings").save(recording_id)
    sandbox.spawn(_save(engine, record, options))


async def _save(engine: Engine, record: Record, options: RecordOptions) -> None:
    sandbox = engine.sandbox
    await sandbox.clock.sleep(SAVE_SECONDS)
    seconds = record["_ended"] - record["_started"]
    save_media(sandbox, record["_mediaName"], wav_bytes(seconds), "audio/wav")
    record["state"] = "complete"
    sandbox.collection("recordings").save(record["id"])
    call = engine.get_call(record["_callId"])
    payload = {
        "callId": call["id"],
        "eventType": "recording",
        "recordingId": record["id"],
        "recordingUri": sandbox.url(sandbox.user_path("recordings", record["id"])),
        "status": "complete",
        "startTime": record["startTime"],
        "endTime": record["endTime"],
    }
    if options.request_url:
        engine.emit(
            call["id"],
            options.request_url,
            payload,
            method="GET",
            timeout_ms=options.request_timeout_ms,
        )
    elif not engine.live(call["id"]).bxml:
        engine.emit_call_event(call, {**payload, "state": "complete"})
    if options.transcribe:
        transcribe(engine, record, callback_url=options.transcribe_url)
    elif call.get("transcriptionEnabled") and not options.request_url:
        transcribe(engine, record)


def _spoken(engine: Engine, record: Record) -> str:
    if "_spoken" in record:
        return str(record["_spoken"])
    live = engine.live(record["_callId"])
    start_at = datetime.fromtimestamp(record["_started"], tz=engine.sandbox.clock.now().tzinfo)
    end_at = datetime.fromtimestamp(record["_ended"], tz=start_at.tzinfo)
    return " ".join(text for moment, text in live.heard if start_at <= moment <= end_at)


def transcribe(engine: Engine, recording: Record, *, callback_url: str | None = None) -> Record:
    """Start transcribing a complete recording; the result comes as a `transcription` event.

    Args:
        engine: the voice engine.
        recording: the recording record (state `complete`).
        callback_url: a BXML `transcribeCallbackUrl`; None sends the event to the call's URL.
    """
    sandbox = engine.sandbox
    transcription_id = sandbox.ids.new("transcription")
    record: Record = {
        "id": transcription_id,
        "state": "transcribing",
        "time": sandbox.clock.iso(),
        "_recordingId": recording["id"],
        "_callId": recording["_callId"],
    }
    sandbox.collection("transcriptions").put(transcription_id, record)
    sandbox.spawn(_transcribe(engine, recording, record, callback_url))
    return record


async def _transcribe(
    engine: Engine, recording: Record, record: Record, callback_url: str | None
) -> None:
    sandbox = engine.sandbox
    await sandbox.clock.sleep(TRANSCRIBE_SECONDS)
    text = _spoken(engine, recording)
    save_media(sandbox, record["id"], text.encode(), "text/plain; charset=utf-8")
    minutes = max(1, math.ceil((recording["_ended"] - recording["_started"]) / 60))
    record.update(
        {
            "state": "completed",
            "text": text[:TEXT_CROP],
            "textSize": len(text),
            "textUrl": sandbox.url(sandbox.user_path("media", record["id"])),
            "chargeableDuration": minutes * 60,
        }
    )
    sandbox.collection("transcriptions").save(record["id"])
    amount = f"{float(TRANSCRIPTION_RATE_PER_MINUTE) * minutes:.5f}"
    charge(sandbox, "transcription", amount, units=minutes, resource_id=record["id"])
    uri = sandbox.user_path("recordings", recording["id"], "transcriptions", record["id"])
    payload = {
        "eventType": "transcription",
        "transcriptionId": record["id"],
        "recordingId": recording["id"],
        "state": "completed",
        "status": "completed",
        "textSize": len(text),
        "text": text[:EVENT_TEXT_CROP],
        "textUrl": record["textUrl"],
        "transcriptionUri": sandbox.url(uri),
    }
    call = engine.get_call(recording["_callId"])
    if callback_url:
        engine.emit(call["id"], callback_url, payload)
    else:
        engine.emit_call_event(call, payload)

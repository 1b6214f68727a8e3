"""A realistic starting account for the console's embedded mode.

`seed(sandbox, relay_url=...)` gives a newcomer something to look at and
drive: three owned numbers (two linked to an application whose callback URLs
point at the relay), a SIP domain with one endpoint, and a short history of
messages in and out. `seed_voice(sandbox, numbers)`, called after it with the
numbers it returned, adds a call history (finished calls, a recording with its
transcription).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bwconsole.sandbox import inventory
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.domains import SIP_HOST_SUFFIX
from bwconsole.sandbox.media import save_media
from bwconsole.sandbox.message_delivery import DELIVERED, charge_message, new_message
from bwconsole.sandbox.number_search import search
from bwconsole.sandbox.numbers import allocate
from bwconsole.sandbox.store import Record
from bwconsole.sandbox.voice.contract import FarEnd
from bwconsole.sandbox.voice.engine import CallEngine
from bwconsole.sandbox.voice.recording import wav_bytes
from bwconsole.sandbox.web import Body

__all__ = ["APPLICATION_NAME", "ENDPOINT_PASSWORD", "SEEDED_TRANSCRIPT", "seed", "seed_voice"]

APPLICATION_NAME = "bwconsole demo"
DOMAIN_NAME = "bwconsole-demo"
ENDPOINT_NAME = "softphone"
ENDPOINT_PASSWORD = "sandbox-sip-1"
#: The people the history talks with (fictional 555-01XX numbers are not used: they fail delivery).
CONTACTS = ("+19195550123", "+14155550188")
#: The message history, oldest first: (direction, contact, minutes ago, text).
HISTORY = (
    ("in", 1, 185, "Hi! Is this the support line?"),
    ("out", 1, 184, "Yes - how can we help?"),
    ("in", 0, 26, "Your package ships tomorrow?"),
    ("out", 0, 25, "It does. Tracking number follows by SMS."),
)
#: The seeded recording's transcription (what the caller said on the first call).
SEEDED_TRANSCRIPT = "Hi, this is Dana. Please call me back about my order. Thanks!"


def _application(sandbox: Sandbox, relay_url: str | None) -> Record:
    app_id = sandbox.ids.new("application")
    record: Record = {
        "id": app_id,
        "name": APPLICATION_NAME,
        "callbackHttpMethod": "POST",
        "autoAnswer": True,
    }
    if relay_url:
        record["incomingCallUrl"] = relay_url
        record["incomingMessageUrl"] = relay_url
    return sandbox.collection("applications").put(app_id, record)


def _endpoint(sandbox: Sandbox, app_id: str) -> tuple[Record, Record]:
    domain_id = sandbox.ids.new("domain")
    domain: Record = {
        "id": domain_id,
        "name": DOMAIN_NAME,
        "description": "Seeded by bwconsole",
        "endpoints": sandbox.user_path("domains", domain_id, "endpoints"),
    }
    sandbox.collection("domains").put(domain_id, domain)
    realm = DOMAIN_NAME + SIP_HOST_SUFFIX
    endpoint: Record = {
        "id": sandbox.ids.new("endpoint"),
        "name": ENDPOINT_NAME,
        "description": "A SIP client for trying calls",
        "domainId": domain_id,
        "applicationId": app_id,
        "enabled": True,
        "sipUri": f"{ENDPOINT_NAME}@{realm}",
        "credentials": {"realm": realm, "username": ENDPOINT_NAME},
        "_password": ENDPOINT_PASSWORD,
    }
    sandbox.collection("endpoints").put(endpoint["id"], endpoint)
    return domain, endpoint


def _history(sandbox: Sandbox, number: str) -> list[str]:
    messages = sandbox.collection("messages")
    ids = []
    for direction, contact, minutes_ago, text in HISTORY:
        other = CONTACTS[contact]
        sender, to = (other, number) if direction == "in" else (number, other)
        state = "received" if direction == "in" else "sent"
        record = new_message(
            sandbox, direction=direction, sender=sender, to=to, text=text, media=[], state=state
        )
        record["time"] = sandbox.clock.iso(sandbox.clock.now() - timedelta(minutes=minutes_ago))
        if direction == "out":
            code, description = DELIVERED
            record |= {
                "receiptRequested": "all",
                "deliveryState": "delivered",
                "deliveryCode": code,
                "deliveryDescription": description,
            }
        messages.put(record["id"], record)
        charge_message(sandbox, record)
        ids.append(record["id"])
    return ids


def seed(sandbox: Sandbox, *, relay_url: str | None) -> dict[str, Any]:
    """Fill an empty account with a demo set-up; an account that owns numbers is left alone.

    Args:
        sandbox: the emulated account (its app need not be serving yet).
        relay_url: where the demo application's callbacks go (the relay's
            ingress URL for this console), or None for an application without URLs.

    Returns:
        `{"seeded": False}` for an account that already had numbers; otherwise
        `seeded`, `applicationId`, `numbers` (E.164, the first two linked to the
        application), `domainId`, `endpointId`, `sipUri`, `endpointPassword` and `messageIds`.
    """
    if len(sandbox.collection("phoneNumbers")):
        return {"seeded": False}
    application = _application(sandbox, relay_url)
    local = search(sandbox, Body({"state": "NC"}), toll_free=False, quantity=2)
    toll_free = search(sandbox, Body({}), toll_free=True, quantity=1)
    numbers: list[inventory.Available] = [*local, *toll_free]
    owned = []
    for index, entry in enumerate(numbers):
        fields: dict[str, Any] = {"name": ("main line", "support line", "toll-free line")[index]}
        if index < 2:
            fields["applicationId"] = application["id"]
        owned.append(allocate(sandbox, entry, Body(fields)))
    domain, endpoint = _endpoint(sandbox, application["id"])
    message_ids = _history(sandbox, owned[0]["number"])
    return {
        "seeded": True,
        "applicationId": application["id"],
        "numbers": [record["number"] for record in owned],
        "domainId": domain["id"],
        "endpointId": endpoint["id"],
        "sipUri": endpoint["sipUri"],
        "endpointPassword": ENDPOINT_PASSWORD,
        "messageIds": message_ids,
    }


#: (direction, index of our number, far party, minutes ago, ring s, talk s, cause, final state).
CALL_HISTORY: tuple[tuple[str, int, str, float, float, float, str, str], ...] = (
    ("in", 0, CONTACTS[0], 180.0, 3.0, 20.0, "NORMAL_CLEARING", "completed"),
    ("out", 1, CONTACTS[1], 120.0, 4.0, 64.0, "NORMAL_CLEARING", "completed"),
    ("out", 0, "+15551000001", 60.0, 0.5, 0.0, "USER_BUSY", "rejected"),
    ("out", 0, "+15552000002", 30.0, 60.0, 0.0, "NO_ANSWER", "completed"),
)
#: The first call of the history (the voicemail-like inbound one) is the recorded one.
RECORDED_CALL = 0


def _voice_call(sandbox: Sandbox, app_id: str | None, ours: str, entry: tuple[Any, ...]) -> Record:
    """One finished call, its `/events` history and times in the past."""
    direction, _, other, minutes_ago, ring, talk, cause, state = entry
    engine = sandbox.service(CallEngine)
    started = sandbox.clock.now() - timedelta(minutes=minutes_ago)
    sender, to = (other, ours) if direction == "in" else (ours, other)
    fields: Record = {"direction": direction, "from": sender, "to": to}
    if app_id is not None:
        fields["_applicationId"] = app_id  # later events (a transcription) reach the relay
    call = engine.create(fields, FarEnd())  # the far end never runs: the call is history
    call["startTime"] = sandbox.clock.iso(started)
    ended = started + timedelta(seconds=ring + talk)
    if talk:
        answered = started + timedelta(seconds=ring)
        call["activeTime"] = sandbox.clock.iso(answered)
        call["_activeAt"] = answered.timestamp()
        engine.log(call["id"], "answer")
    minutes = -(-int(talk) // 60)
    call.update(
        state=state,
        endTime=sandbox.clock.iso(ended),
        chargeableDuration=minutes * 60,
        _cause=cause,
    )
    engine.log(call["id"], "hangup", cause)
    sandbox.collection("calls").save(call["id"])
    return call


def _voice_recording(sandbox: Sandbox, call: Record) -> tuple[Record, Record]:
    """A complete recording of the whole answered call, with a finished transcription."""
    name = f"{call['id']}-1.wav"
    # From the stamps as the API shows them (ms), so the WAV lasts exactly endTime - startTime.
    started_at, ended_at = (_epoch(call[key]) for key in ("activeTime", "endTime"))
    save_media(sandbox, name, wav_bytes(ended_at - started_at), "audio/wav")
    recording_id = sandbox.ids.new("recording")
    recording: Record = {
        "id": recording_id,
        "startTime": call["activeTime"],
        "endTime": call["endTime"],
        "call": call["_uri"],
        "media": sandbox.url(sandbox.user_path("media", name)),
        "state": "complete",
        "_callId": call["id"],
        "_mediaName": name,
        "_started": started_at,
        "_ended": ended_at,
        "_spoken": SEEDED_TRANSCRIPT,
    }
    sandbox.collection("recordings").put(recording_id, recording)
    call["recordingEnabled"] = True
    sandbox.collection("calls").save(call["id"])
    transcription_id = sandbox.ids.new("transcription")
    save_media(sandbox, transcription_id, SEEDED_TRANSCRIPT.encode(), "text/plain; charset=utf-8")
    transcription: Record = {
        "id": transcription_id,
        "state": "completed",
        "time": call["endTime"],
        "text": SEEDED_TRANSCRIPT,
        "textSize": len(SEEDED_TRANSCRIPT),
        "textUrl": sandbox.url(sandbox.user_path("media", transcription_id)),
        "chargeableDuration": 60,
        "_recordingId": recording_id,
        "_callId": call["id"],
    }
    sandbox.collection("transcriptions").put(transcription_id, transcription)
    return recording, transcription


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def seed_voice(sandbox: Sandbox, numbers: Sequence[str]) -> dict[str, Any]:
    """Add a short call history to a freshly seeded account: four finished calls
    (answered both ways, busy, unanswered) and a complete recording with a transcription.

    Args:
        sandbox: the emulated account (need not be serving yet).
        numbers: the account's numbers as `seed` returned them (the history uses the first two).

    Returns:
        `callIds` (oldest first), `recordingId`, `transcriptionId`; `{}` when the account
        already has calls (a second run adds nothing).
    """
    if len(sandbox.collection("calls")) or len(numbers) < 2:
        return {}
    by_number = {r.get("number"): r for r in sandbox.collection("phoneNumbers")}
    calls = []
    for entry in CALL_HISTORY:
        ours = numbers[entry[1]]
        app_id = (by_number.get(ours) or {}).get("applicationId")
        calls.append(_voice_call(sandbox, app_id, ours, entry))
    recording, transcription = _voice_recording(sandbox, calls[RECORDED_CALL])
    return {
        "callIds": [call["id"] for call in calls],
        "recordingId": recording["id"],
        "transcriptionId": transcription["id"],
    }

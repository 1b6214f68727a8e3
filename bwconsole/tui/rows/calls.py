"""A call's row in the Calls pane, and how each call event moves it along.

A row is a plain dict: the call's fields as the API names them (`state`, `from`,
`activeAt` ...), the state in words (`outcome`, with `flagged` for a failure) and
`notes`, what happened on the call, each stamped with the moment the console
learnt it. Events can arrive after a listing or a fetch that is older than them,
and the other way round, so a row never moves back (ended -> active -> ringing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bwconsole.events import (
    AnswerEvent,
    ConferenceMemberEvent,
    DtmfEvent,
    Event,
    GatherEvent,
    HangupEvent,
    IncomingCallEvent,
    PlaybackEvent,
    RecordingEvent,
    SpeakEvent,
    TimeoutEvent,
    TransferCompleteEvent,
)
from bwconsole.tui.formatting import clock_time, epoch
from bwconsole.tui.outcomes import call_outcome

if TYPE_CHECKING:
    from datetime import datetime

    from bwconsole.api import Call
    from bwconsole.tui.model import Row

__all__ = [
    "FINAL_STATES",
    "MAX_NOTES",
    "REJECT_CAUSES",
    "after_event",
    "call_row",
    "merge_call",
    "noted",
    "state_or",
]

FINAL_STATES = frozenset({"completed", "rejected", "error"})
"""States of a call that has ended (no action but dial applies to it)."""
REJECT_CAUSES = frozenset({"USER_BUSY", "CALL_REJECTED"})
"""Hangup causes that make a call `rejected` rather than `completed`."""
MAX_NOTES = 30
"""What happened on a call, kept for its detail (the oldest notes drop off)."""


def call_row(call: Call) -> dict[str, Any]:
    """The row of a call as the API reports it."""
    active_at = epoch(call.active_time)
    end_at = epoch(call.end_time)
    duration = end_at - active_at if active_at is not None and end_at is not None else None
    return {
        "id": call.id,
        "state": call.state or "",
        "direction": call.direction or "",
        "from": call.from_ or "",
        "to": call.to or "",
        "startTime": epoch(call.start_time),
        "activeAt": active_at,
        "endAt": end_at,
        "duration": max(0.0, duration) if duration is not None else None,
        "bridgeId": call.bridge_id,
        "conferenceId": call.conference_id,
        "recordingEnabled": bool(call.recording_enabled),
    }


def _rank(state: Any) -> int:
    if state in FINAL_STATES:
        return 2
    return 1 if state in ("active", "transferring") else 0


def merge_call(old: Row | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """Combine what is known of a call: fresh fields win (None leaves a known one as it was),
    but a call never moves back, and its state in words follows."""
    merged = dict(old or {})
    for key, value in new.items():
        if value is not None or key not in merged:
            merged[key] = value
    if old is not None and "state" in new and _rank(new["state"]) < _rank(old.get("state")):
        for key in ("state", "cause", "activeAt", "endAt", "duration"):
            merged[key] = old.get(key)
    merged.setdefault("notes", ())
    merged.setdefault("mark", "")
    merged["outcome"], merged["flagged"] = call_outcome(merged.get("state"), merged.get("cause"))
    return merged


def _notes(row: Row | None, text: str, at: float) -> tuple[str, ...]:
    old = tuple((row or {}).get("notes") or ())
    return (*old, f"{clock_time(at)} {text}")[-MAX_NOTES:]


def noted(row: Row | None, call_id: str, text: str, *, at: float) -> dict[str, Any]:
    """The row with one more line of what happened, learnt at `at` (epoch seconds)."""
    return merge_call(row, {"id": call_id, "notes": _notes(row, text, at)})


def state_or(row: Row | None, default: str) -> str:
    """A call's state, or `default` while it has none (a new row)."""
    return str(row.get("state")) if row is not None and row.get("state") else default


def _ended(row: Row | None, state: str, cause: str, when: datetime | None) -> dict[str, Any]:
    end_at = epoch(when)
    active_at = (row or {}).get("activeAt")
    duration = end_at - active_at if end_at is not None and active_at is not None else None
    return {
        "state": state,
        "cause": cause,
        "endAt": end_at,
        "duration": max(0.0, duration) if duration is not None else None,
        "mark": "",
    }


def _audio(kind: str, status: str) -> dict[str, Any]:
    # What is playing, by kind: a speak's `done` may arrive after a playback started.
    if status in ("started", "PLAYBACK_START"):
        return {f"{kind}_on": True}
    if status in ("done", "PLAYBACK_STOP"):
        return {f"{kind}_on": False}
    return {}


def after_event(row: Row | None, event: Event, *, at: float) -> dict[str, Any] | None:
    """The row of the event's call once the event is applied to it (`row`, None for a call
    not seen yet), or None when the event says nothing about a call's course.

    Args:
        row: the call's row as the pane has it.
        event: any parsed callback.
        at: when the console learnt of the event (epoch seconds): the stamp of its note,
            and the start of an incoming call whose event has no time.
    """
    call_id = event.call_id
    if not call_id:
        return None
    parties: tuple[str | None, str | None] = (None, None)
    match event:
        case IncomingCallEvent():
            caller, callee = event.from_ or "", event.to or ""
            changes = {
                "state": state_or(row, "started"),
                "direction": "in",
                "from": caller,
                "to": callee,
                "startTime": epoch(event.time) or at,
            }
            note = f"incoming call from {caller}"
        case AnswerEvent():
            changes = {"state": "active", "activeAt": epoch(event.time)}
            note, parties = "answered", (event.from_, event.to)
        case HangupEvent():
            cause = event.cause or ""
            state = "rejected" if cause in REJECT_CAUSES else "completed"
            changes = _ended(row, state, cause, event.time)
            note, parties = f"hung up: {cause or 'no cause given'}", (event.from_, event.to)
        case TimeoutEvent():
            changes = _ended(row, "completed", "NO_ANSWER", event.time)
            note, parties = "nobody answered (timeout)", (event.from_, event.to)
        case SpeakEvent():
            status = event.status or event.state or ""
            changes, note = _audio(event.event_type, status), f"{event.event_type} {status}".strip()
        case PlaybackEvent():
            status = event.status or ""
            changes, note = _audio(event.event_type, status), f"{event.event_type} {status}".strip()
        case DtmfEvent():
            digit = event.dtmf_digit or "?"
            changes = {"heard": f"{(row or {}).get('heard') or ''}{digit}"}
            note = f"dtmf {digit}"
        case GatherEvent():
            digits, reason = event.digits or "", event.reason or event.state or ""
            changes = {"digits": digits or "(none)"}
            note = f"gathered {digits or 'no digits'} ({reason})"
        case RecordingEvent():
            state = event.state or event.status or ""
            changes, note = {}, f"recording {event.recording_id or ''} {state}".strip()
        case ConferenceMemberEvent():
            changes = {"conferenceId": event.conference_id}
            note = f"conference {event.conference_id}: member {event.state or ''}"
        case TransferCompleteEvent():
            changes, note = {}, "transfer complete"
            parties = (event.from_, event.to)
        case _:
            return None
    known = {name: value for name, value in zip(("from", "to"), parties, strict=True) if value}
    return merge_call(row, {"id": call_id, **changes, "notes": _notes(row, note, at), **known})

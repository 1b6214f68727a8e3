"""What a call, a message or an event came to, in words a person reads, and whether it failed.

The API speaks in states and causes (`completed` + `UNALLOCATED_NUMBER`,
`rejected` + `USER_BUSY`, `not-delivered`), so a call to a number that does not
exist looked like any other finished call. The panes show these words instead
(and draw failures in the error colour), the Events pane's Note says what each
event means, and the console tells the user when something they started failed.
No Textual here: these are pure functions of the API's fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["call_outcome", "event_meaning", "message_outcome"]

NORMAL_CAUSES = frozenset({"", "NORMAL_CLEARING", "ORIGINATOR_CANCEL", "SANDBOX_RESTARTED"})
"""Hangup causes of a call that ended as calls do."""
CAUSE_WORDS = {
    "USER_BUSY": "busy",
    "NO_ANSWER": "no answer",
    "NO_USER_RESPONSE": "no answer",
    "CALL_REJECTED": "rejected",
    "UNALLOCATED_NUMBER": "failed: unallocated number",
    "INVALID_NUMBER_FORMAT": "failed: invalid number",
    "NUMBER_CHANGED": "failed: number changed",
    "NORMAL_TEMPORARY_FAILURE": "failed: temporary failure",
    "ORIGINATOR_CANCEL": "cancelled",
}
STATE_WORDS = {"started": "ringing", "transferring": "transferring", "active": "active"}


def _words(code: str) -> str:
    return code.replace("_", " ").replace("-", " ").lower()


def call_outcome(state: Any, cause: Any) -> tuple[str, bool]:
    """(`ringing`, `active`, `completed`, `busy`, `failed: unallocated number` …, failed?)."""
    state_text, cause_text = str(state or ""), str(cause or "")
    if state_text in STATE_WORDS:
        return STATE_WORDS[state_text], False
    if cause_text in CAUSE_WORDS:
        return CAUSE_WORDS[cause_text], cause_text not in NORMAL_CAUSES
    if cause_text in NORMAL_CAUSES:
        return state_text or "", False
    return f"failed: {_words(cause_text)}", True


def message_outcome(state: Any, description: Any = None, direction: Any = None) -> tuple[str, bool]:
    """(`sent`, `delivered`, `not delivered: invalid destination` …, failed?)."""
    text = str(state or "")
    if text in ("not-delivered", "error", "failed", "rejected"):
        why = str(description or "").strip().rstrip(".").lower()
        head = "not delivered" if text == "not-delivered" else _words(text)
        return (f"{head}: {why}" if why else head), True
    if direction == "in" and text in ("", "received"):
        return "received", False
    return _words(text), False


def event_meaning(event_type: str, fields: Mapping[str, Any]) -> tuple[str, bool]:
    """What one callback says, in a few words, and whether it reports a failure."""
    get = fields.get
    if event_type == "hangup":
        words, failed = call_outcome("completed", get("cause"))
        return f"hung up: {words} ({get('cause') or 'no cause'})", failed
    if event_type == "timeout":
        return "nobody answered in time", True
    if event_type == "incomingcall":
        return f"incoming call from {get('from') or '?'}", False
    if event_type == "answer":
        return "answered", False
    if event_type in ("sms", "mms"):
        state = get("deliveryState") or get("state")
        words, failed = message_outcome(state, get("deliveryDescription"), get("direction"))
        kind = "message in" if get("direction") == "in" else "message"
        return f"{kind}: {words}" if words else kind, failed
    if event_type == "gather":
        digits = get("digits") or "no digits"
        reason = get("reason") or get("state") or ""
        return f"gathered {digits}" + (f" ({reason})" if reason else ""), False
    if event_type == "dtmf":
        return f"pressed {get('dtmfDigit') or '?'}", False
    if event_type in ("speak", "playback", "conference-speak", "conference-playback"):
        return (
            f"{event_type.removeprefix('conference-')} {get('status') or get('state') or ''}".strip(),
            False,
        )
    if event_type == "recording":
        return _recording(fields), str(get("state") or get("status")) == "error"
    if event_type == "transcription":
        state = str(get("state") or get("status") or "")
        return f"transcription {state}".strip(), state == "error"
    if event_type.startswith("conference"):
        state = get("state") or get("status") or ""
        return f"{event_type.replace('-', ' ')} {state}".strip(), False
    return "", False


def _recording(fields: Mapping[str, Any]) -> str:
    state = str(fields.get("state") or fields.get("status") or "")
    duration = fields.get("duration")
    return f"recording {state}" + (f", {duration}" if duration else "")

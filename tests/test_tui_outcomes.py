"""Outcomes in words: calls, messages and what each event means."""

from __future__ import annotations

import pytest

from bwconsole.live import LiveEvent
from bwconsole.tui.outcomes import call_outcome, event_meaning, message_outcome
from bwconsole.tui.widgets.events_log import event_row
from tests.live_events import relay_event


@pytest.mark.parametrize(
    ("state", "cause", "words", "failed"),
    [
        ("started", None, "ringing", False),
        ("active", None, "active", False),
        ("completed", "NORMAL_CLEARING", "completed", False),
        ("rejected", "USER_BUSY", "busy", True),
        ("completed", "NO_ANSWER", "no answer", True),
        ("completed", "UNALLOCATED_NUMBER", "failed: unallocated number", True),
        ("completed", "SOMETHING_ODD", "failed: something odd", True),
        ("rejected", "CALL_REJECTED", "rejected", True),
    ],
)
def test_call_outcomes(state: str, cause: str | None, words: str, failed: bool) -> None:
    assert call_outcome(state, cause) == (words, failed)


def test_message_outcomes() -> None:
    assert message_outcome("not-delivered", "Invalid destination.") == (
        "not delivered: invalid destination",
        True,
    )
    assert message_outcome("delivered") == ("delivered", False)
    assert message_outcome("received", direction="in") == ("received", False)


def get_callback(payload: dict[str, object]) -> LiveEvent:
    """A GET callback as the live client hands it over: no body, its decoded parameters."""
    return relay_event(payload=payload, method="GET")


@pytest.mark.parametrize(
    ("payload", "note", "flagged"),
    [
        ({"eventType": "hangup", "callId": "c-1", "cause": "USER_BUSY"}, "hung up: busy (USER_BUSY)", True),
        ({"eventType": "hangup", "callId": "c-1", "cause": "NORMAL_CLEARING"}, "hung up: completed (NORMAL_CLEARING)", False),
        (
            {"eventType": "sms", "messageId": "m-1", "state": "sent", "deliveryState": "not-delivered", "deliveryDescription": "Invalid destination"},
            "message: not delivered: invalid destination",
            True,
        ),
        ({"eventType": "gather", "callId": "c-1", "digits": "123", "reason": "max-digits"}, "gathered 123 (max-digits)", False),
        ({"eventType": "recording", "recordingId": "r-1", "state": "complete", "duration": "PT5S"}, "recording complete, PT5S", False),
    ],
)  # fmt: skip
def test_the_events_pane_note_says_what_each_event_means(
    payload: dict[str, object], note: str, flagged: bool
) -> None:
    _, row = event_row(get_callback(payload))
    assert (row["note"], row["flagged"]) == (note, flagged)
    assert event_meaning(str(payload["eventType"]), payload)[0] == note

"""A call's row follows each call event (bwconsole.tui.rows.calls), on the docs' own examples."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bwconsole.events import Event, UnknownEvent, parse
from bwconsole.tui.formatting import clock_time
from bwconsole.tui.rows.calls import MAX_NOTES, after_event, merge_call, noted

FIXTURES = Path(__file__).parent / "fixtures" / "events"
AT = 1_780_000_000.0
"""When the console learnt of the event in these tests."""
NOTE = clock_time(AT)


def example(name: str) -> Event:
    """A callback example of the v1 docs (tests/fixtures/events), parsed as the console does."""
    return parse((FIXTURES / name).read_text(), family=name.split("_")[0])


def moment(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def apply(row: dict[str, Any] | None, name: str) -> dict[str, Any]:
    result = after_event(row, example(name), at=AT)
    assert result is not None
    return result


def ringing(call_id: str = "{callId}") -> dict[str, Any]:
    """A call placed from the console, not answered yet."""
    return merge_call(None, {"id": call_id, "state": "started", "direction": "out", "to": "+1"})


def test_incoming_call_rings_with_its_parties_and_start_time() -> None:
    row = apply(None, "v1_incomingCall_1.json")
    assert (row["id"], row["state"], row["outcome"], row["direction"]) == (
        "{callId}",
        "started",
        "ringing",
        "in",
    )
    assert (row["from"], row["to"]) == ("+13233326955", "+13865245000")
    assert row["startTime"] == moment("2012-11-14T16:21:59.616Z")
    assert row["notes"] == (f"{NOTE} incoming call from +13233326955",)


def test_incoming_call_without_a_time_starts_when_it_was_learnt() -> None:
    event = parse({"eventType": "incomingcall", "callId": "c-1", "from": "+1", "to": "+2"})
    row = after_event(None, event, at=AT)
    assert row is not None and row["startTime"] == AT


def test_answer_makes_the_call_active_from_its_time() -> None:
    row = apply(ringing("{call-id}"), "v1_answer_1.json")
    assert (row["state"], row["outcome"], row["flagged"]) == ("active", "active", False)
    assert row["activeAt"] == moment("2012-11-14T16:28:31.536Z")
    assert (row["from"], row["to"]) == ("+15753222083", "+13865245000")
    assert row["notes"] == (f"{NOTE} answered",)


def test_hangup_completes_the_call_with_its_cause_end_and_duration() -> None:
    active = merge_call(
        ringing(), {"state": "active", "activeAt": moment("2012-11-14T15:55:12.636Z")}
    )
    row = apply({**active, "mark": "*"}, "v1_hangup_1.json")
    assert (row["state"], row["cause"], row["outcome"]) == (
        "completed",
        "NORMAL_CLEARING",
        "completed",
    )
    assert row["endAt"] == moment("2012-11-14T15:56:12.636Z")
    assert row["duration"] == 60.0
    assert row["mark"] == ""  # an ended call can no longer be bridged
    assert row["notes"] == (f"{NOTE} hung up: NORMAL_CLEARING",)


def test_rejected_hangup_is_rejected_and_flagged() -> None:
    row = apply(ringing(), "v1_reject_1.json")
    assert (row["state"], row["cause"]) == ("rejected", "CALL_REJECTED")
    assert (row["outcome"], row["flagged"]) == ("rejected", True)
    assert row["endAt"] == moment("2014-04-23T11:53:43-03:00")
    assert row["duration"] is None  # never answered
    assert row["notes"] == (f"{NOTE} hung up: CALL_REJECTED",)


def test_timeout_ends_the_call_as_no_answer() -> None:
    row = apply(ringing(), "v1_timeout_1.json")
    assert (row["state"], row["cause"]) == ("completed", "NO_ANSWER")
    assert (row["outcome"], row["flagged"]) == ("no answer", True)
    assert row["endAt"] == moment("2013-11-06T14:25:58.857Z")
    assert row["notes"] == (f"{NOTE} nobody answered (timeout)",)


def test_playback_started_then_done() -> None:
    started = apply(ringing(), "v1_audio_1.json")
    assert started["playback_on"] is True
    done = apply(started, "v1_audio_2.json")
    assert done["playback_on"] is False
    assert done["notes"] == (f"{NOTE} playback started", f"{NOTE} playback done")


def test_speak_started_then_done() -> None:
    started = apply(ringing(), "v1_speak_1.json")
    assert started["speak_on"] is True
    done = apply(started, "v1_speak_2.json")
    assert done["speak_on"] is False
    assert done["notes"][-1] == f"{NOTE} speak done"


def test_dtmf_digits_add_up_in_heard() -> None:
    once = apply(ringing(), "v1_dtmf_1.json")
    twice = apply(once, "v1_dtmf_1.json")
    assert (once["heard"], twice["heard"]) == ("5", "55")
    assert twice["notes"][-1] == f"{NOTE} dtmf 5"


def test_gather_shows_the_digits_and_why_it_stopped() -> None:
    row = apply(ringing(), "v1_gather_1.json")
    assert row["digits"] == "25"
    assert row["notes"] == (f"{NOTE} gathered 25 (max-digits)",)
    empty = after_event(ringing(), parse({"eventType": "gather", "callId": "{callId}"}), at=AT)
    assert empty is not None and empty["digits"] == "(none)"


def test_recording_is_noted_on_its_call() -> None:
    row = apply(ringing(), "v1_recording_1.json")
    assert row["state"] == "started"
    assert row["notes"] == (f"{NOTE} recording {{recordingId}} complete",)


def test_conference_member_names_the_conference() -> None:
    row = apply(ringing(), "v1_confMember_1.json")
    assert row["conferenceId"] == "{conferenceId}"
    assert row["notes"] == (f"{NOTE} conference {{conferenceId}}: member active",)


def test_transfer_complete_is_noted() -> None:
    row = apply(ringing("{call-id}"), "bxml_transfer_1.txt")
    assert row["notes"] == (f"{NOTE} transfer complete",)
    assert (row["from"], row["to"]) == ("{from-number}", "{to-number}")


def test_a_call_never_moves_back() -> None:
    ended = apply(ringing(), "v1_reject_1.json")
    answer = {"eventType": "answer", "callId": "{callId}", "time": "2014-04-23T14:53:40Z"}
    late = after_event(ended, parse(answer), at=AT)  # delivered after the hangup
    assert late is not None
    assert (late["state"], late["cause"], late["activeAt"]) == ("rejected", "CALL_REJECTED", None)
    assert late["outcome"] == "rejected"


def test_events_of_no_call_or_not_about_its_course_leave_it() -> None:
    assert after_event(None, example("v1_conf_1.json"), at=AT) is None
    assert after_event(None, example("v1_sms_1.json"), at=AT) is None
    unknown = parse({"eventType": "future", "callId": "c-1"})
    assert isinstance(unknown, UnknownEvent) and after_event(ringing(), unknown, at=AT) is None


def test_notes_keep_the_newest() -> None:
    row: dict[str, Any] = ringing()
    for n in range(MAX_NOTES + 5):
        row = noted(row, "{callId}", f"note {n}", at=AT)
    assert len(row["notes"]) == MAX_NOTES and row["notes"][-1] == f"{NOTE} note {MAX_NOTES + 4}"

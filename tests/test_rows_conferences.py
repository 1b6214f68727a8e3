"""A conference's row and members follow its events (bwconsole.tui.rows.conferences), on the
docs' own examples."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bwconsole.events import ConferenceMemberEvent, Event, parse
from bwconsole.tui.rows.conferences import after_event, member_after_event, merged

FIXTURES = Path(__file__).parent / "fixtures" / "events"
CONFERENCE = "{conferenceId}"


def example(name: str) -> Event:
    """A callback example of the v1 docs (tests/fixtures/events), parsed as the console does."""
    return parse((FIXTURES / name).read_text(), family="v1")


def apply(row: dict[str, Any] | None, name: str) -> dict[str, Any]:
    result = after_event(row, example(name))
    assert result is not None
    return result


def member(name: str) -> ConferenceMemberEvent:
    event = example(name)
    assert isinstance(event, ConferenceMemberEvent)
    return event


def test_created_conference_has_its_state_and_creation_time() -> None:
    row = apply(None, "v1_conf_1.json")
    assert (row["id"], row["state"], row["flags"]) == (CONFERENCE, "created", "")
    assert row["createdTime"] == datetime.fromisoformat("2013-07-12T16:26:55.685-02:00")
    assert "completedTime" not in row and "audio" not in row


def test_completed_conference_ends_and_stops_its_audio() -> None:
    playing = merged(apply(None, "v1_conf_1.json"), CONFERENCE, {"audio": "playing"})
    row = apply(playing, "v1_conf_2.json")
    assert (row["state"], row["audio"]) == ("completed", "")
    assert row["completedTime"] == datetime.fromisoformat("2013-07-12T16:45:10.103-02:00")


def test_member_joining_makes_the_conference_active_with_its_count() -> None:
    row = apply(apply(None, "v1_conf_1.json"), "v1_confMember_1.json")
    assert (row["state"], row["activeMembers"]) == ("active", 1)


def test_member_event_after_the_end_leaves_the_conference_completed() -> None:
    row = apply(apply(None, "v1_conf_2.json"), "v1_confMember_1.json")
    assert row["state"] == "completed"


def test_member_joins_then_is_muted_then_leaves() -> None:
    joined = member_after_event(None, member("v1_confMember_1.json"))
    assert (joined["id"], joined["call"], joined["state"]) == ("{memberId}", "{callId}", "active")
    assert (joined["mute"], joined["hold"]) == (False, False)
    assert joined["addedTime"] == datetime.fromisoformat("2013-07-12T20:53:11.646+00:00")
    muted = member_after_event(joined, member("v1_confMember_3.json"))
    assert muted["mute"] is True
    left = member_after_event(muted, member("v1_confMember_2.json"))
    assert left["state"] == "completed" and left["removedTime"] == joined["addedTime"]
    assert left["addedTime"] == joined["addedTime"]  # what it does not say stays


def test_conference_audio_and_speech_start_and_stop() -> None:
    row = apply(None, "v1_confAudio_1.json")
    assert row["audio"] == "playing"
    assert apply(row, "v1_confAudio_2.json")["audio"] == ""
    speaking = apply(None, "v1_confSpeak_1.json")
    assert speaking["audio"] == "speaking"
    assert apply(speaking, "v1_confSpeak_2.json")["audio"] == ""


def test_flags_follow_mute_and_hold() -> None:
    row = merged(None, CONFERENCE, {"mute": True, "hold": True})
    assert row["flags"] == "muted, held"
    assert merged(row, CONFERENCE, {"hold": False, "mute": None})["flags"] == "muted"


def test_events_not_about_a_conference_leave_it() -> None:
    assert after_event(None, example("v1_answer_1.json")) is None
    assert after_event(None, parse({"eventType": "future", "conferenceId": "c"})) is None

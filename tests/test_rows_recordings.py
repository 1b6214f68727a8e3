"""A recording's row follows recording and transcription events
(bwconsole.tui.rows.recordings), on the docs' own examples."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from bwconsole.events import Event, TranscriptionEvent, parse
from bwconsole.tui.rows.recordings import NOTHING_SAID, after_event, text_elsewhere

FIXTURES = Path(__file__).parent / "fixtures" / "events"


def example(name: str, **changes: Any) -> Event:
    """A callback example of the docs (tests/fixtures/events), parsed as the console does."""
    text = (FIXTURES / name).read_text()
    if changes:
        text = json.dumps({**json.loads(text), **changes})
    return parse(text, family=name.split("_")[0])


def apply(row: dict[str, Any] | None, event: Event) -> dict[str, Any]:
    result = after_event(row, event)
    assert result is not None
    return result


def test_completed_recording_has_its_call_times_and_duration() -> None:
    row = apply(None, example("v1_recording_1.json"))
    assert (row["id"], row["state"], row["call"]) == ("{recordingId}", "complete", "{callId}")
    assert row["startTime"] == datetime.fromisoformat("2013-08-19T16:56:57.643+00:00")
    assert row["endTime"] == datetime.fromisoformat("2013-08-19T16:57:08.712+00:00")
    assert round(row["duration"], 3) == 11.069


def test_failed_recording_says_error_and_keeps_what_was_known() -> None:
    known = {"id": "{recordingId}", "media": "{recordingId}.wav", "state": "recording"}
    row = apply(known, example("v1_recording_2.json"))
    assert (row["state"], row["media"]) == ("error", "{recordingId}.wav")


def test_bxml_recording_from_a_get_callback() -> None:
    row = apply(None, example("bxml_recording_1.txt"))
    assert (row["id"], row["state"], row["call"], row["duration"]) == (
        "{recording-id}",
        "complete",
        "{call-id}",
        9.0,
    )


def test_completed_transcription_shows_its_text() -> None:
    row = apply({"id": "{recordingId}"}, example("v1_transcription_1.json"))
    assert row["transcriptionState"] == "completed"
    assert row["transcription"].startswith("I'm this program is brought to you by Stanford")


def test_failed_transcription_says_so_in_the_column() -> None:
    row = apply({"id": "{recordingId}"}, example("v1_transcription_2.json"))
    assert (row["transcription"], row["transcriptionState"]) == ("(error)", "error")


def test_transcription_with_only_its_size_leaves_the_text_to_be_read() -> None:
    event = example("v1_transcription_1.json", text="")
    assert isinstance(event, TranscriptionEvent) and text_elsewhere(event)
    assert after_event({"id": "{recordingId}"}, event) is None
    silent = example("v1_transcription_1.json", text="", textSize=0)
    assert apply({"id": "{recordingId}"}, silent)["transcription"] == NOTHING_SAID


def test_events_not_about_a_recording_leave_it() -> None:
    assert after_event(None, example("bxml_transcription_1.json")) is None  # names no recording
    assert after_event(None, example("v1_answer_1.json")) is None
    assert after_event(None, parse({"eventType": "future", "recordingId": "r-1"})) is None

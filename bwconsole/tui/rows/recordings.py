"""A recording's row in the Recordings pane, and how recording and transcription events move it.

A row is the recording's fields (`state`, `call`, `media`, `startTime`, `endTime`)
with its `duration` in seconds worked out from them, and what its transcription
came to (`transcription`, `transcriptionState`). A field an event or a reading
does not give (None) leaves the known one as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from bwconsole.events import Event, RecordingEvent, TranscriptionEvent

if TYPE_CHECKING:
    from bwconsole.api.models import Recording
    from bwconsole.tui.model import Row

__all__ = ["NOTHING_SAID", "after_event", "merged", "recording_row", "text_elsewhere"]

NOTHING_SAID = "(nothing was said)"
"""A completed transcription with no words, in the list and the detail."""


def _last_segment(url: str | None) -> str:
    return unquote(url.rstrip("/").rsplit("/", 1)[-1]) if url else ""


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _with_duration(row: dict[str, Any]) -> dict[str, Any]:
    start, end = _moment(row.get("startTime")), _moment(row.get("endTime"))
    row["duration"] = (end - start).total_seconds() if start and end else None
    return row


def recording_row(recording: Recording) -> dict[str, Any]:
    """The pane's row for a recording as the API returns it."""
    return _with_duration(
        {
            "id": recording.id,
            "startTime": recording.start_time,
            "endTime": recording.end_time,
            "state": recording.state,
            "call": _last_segment(recording.call),
            "media": _last_segment(recording.media),
        }
    )


def merged(row: Row | None, changes: Mapping[str, Any]) -> dict[str, Any]:
    """A recording's row with the fields that are known (None leaves one as it was)."""
    new = dict(row or {})
    new.update({name: value for name, value in changes.items() if value is not None})
    return _with_duration(new)


def text_elsewhere(event: TranscriptionEvent) -> bool:
    """True for a completed transcription whose event gives only the text's size: the text
    is to be read from the API (an empty text would blank the column)."""
    return (event.state or event.status) == "completed" and not event.text and bool(event.text_size)


def after_event(row: Row | None, event: Event) -> dict[str, Any] | None:
    """The row of the event's recording once the event is applied to it (`row`, None for a
    recording not seen yet), or None when the event is not about a recording or leaves it
    as it is (a transcription whose text is elsewhere: `text_elsewhere`)."""
    match event:
        case RecordingEvent(recording_id=str(recording_id)) if recording_id:
            return merged(
                row,
                {
                    "id": recording_id,
                    "state": event.state or event.status,
                    "call": event.call_id,
                    "startTime": event.start_time,
                    "endTime": event.end_time,
                },
            )
        case TranscriptionEvent(recording_id=str(recording_id)) if recording_id:
            if text_elsewhere(event):
                return None
            state = event.state or event.status
            text = event.text if state == "completed" else f"({state})"
            if state == "completed" and not text:
                text = NOTHING_SAID
            return merged(row, {"transcription": text, "transcriptionState": state})
        case _:
            return None

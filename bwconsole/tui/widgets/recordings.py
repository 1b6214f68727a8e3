"""Recordings pane: every recording with its call, duration and state, kept current from
`recording` and `transcription` events; download the audio, ask for a transcription."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.events import RecordingEvent, TranscriptionEvent
from bwconsole.tui.console import console_of
from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column, Row
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.recording_download import (
    DownloadScreen,
    destination_form,
    remember_folder,
    resolve_destination,
)
from bwconsole.tui.widgets.pane import Pane
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import Client
    from bwconsole.api.models import Recording, Transcription
    from bwconsole.live import LiveEvent
    from bwconsole.tui.console import Console

__all__ = ["RecordingsPane", "recording_row"]


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


def _seconds(value: Any) -> str:
    return "" if value is None else f"{value:.0f}"


def _with_duration(row: dict[str, Any]) -> dict[str, Any]:
    start, end = _moment(row.get("startTime")), _moment(row.get("endTime"))
    row["duration"] = (end - start).total_seconds() if start and end else None
    return row


#: A completed transcription with no words, in the list and the detail.
NOTHING_SAID = "(nothing was said)"


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


class RecordingsPane(Pane):
    """Recordings keyed by recording id, newest first.

    | Key | Action |
    |---|---|
    | d | download the audio to a file (progress shown) |
    | t | request a transcription (its text shows when done) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d",
            "download",
            "Download",
            tooltip="Save the highlighted recording's audio to a file",
            id="recordings-download",
        ),
        Binding(
            "t",
            "transcribe",
            "Transcribe",
            tooltip="Request a transcription; its text appears when it is done",
            id="recordings-transcribe",
        ),
    ]

    PANE_ID = "recordings"
    TITLE = "Recordings"
    PANE_KEY = "6"
    NEWEST_FIRST = True
    COLUMNS = (
        Column("startTime", "Started", 8, clock_time),
        Column("state", "State", 10),
        Column("duration", "Secs", 5, _seconds),
        Column("call", "Call", 26),
        Column("transcription", "Transcription", 30),
        Column("id", "Id", 26),
    )

    def __init__(self) -> None:
        super().__init__()
        self._transcripts_asked: set[str] = set()

    @property
    def console(self) -> Console:
        """The app, typed: the console's own methods (`call_api`, `backend`)."""
        return console_of(self)

    # --- feeding ----------------------------------------------------------------------------

    async def load(self, client: Client) -> None:
        async for recording in client.recordings.list():
            if recording.id:
                self._merge(recording.id, recording_row(recording))

    def _merge(self, key: str, changes: dict[str, Any]) -> None:
        row = dict(self.model.get(key) or {})
        row.update({name: value for name, value in changes.items() if value is not None})
        self.upsert(key, _with_duration(row))
        if key == self.table.cursor_key:
            self._show_detail(key)

    def apply_event(self, live: LiveEvent) -> None:
        event = live.event
        if isinstance(event, RecordingEvent) and event.recording_id:
            self._merge(
                event.recording_id,
                {
                    "id": event.recording_id,
                    "state": event.state or event.status,
                    "call": event.call_id,
                    "startTime": event.start_time,
                    "endTime": event.end_time,
                },
            )
            # The event does not name the media file: read it back once (history: the
            # listing does).
            if not getattr(live, "history", False):
                run_guarded(self, self._refresh(event.recording_id), group="recordings-refresh")
        elif isinstance(event, TranscriptionEvent) and event.recording_id:
            state = event.state or event.status
            text = event.text if state == "completed" else f"({state})"
            if state == "completed" and not text:
                # An empty text would blank the column: say so, or read the text behind
                # textUrl when the event carried only its size.
                if event.text_size:
                    run_guarded(
                        self, self._load_transcripts(event.recording_id), group="recordings-text"
                    )
                    return
                text = NOTHING_SAID
            self._merge(event.recording_id, {"transcription": text, "transcriptionState": state})

    async def _refresh(self, recording_id: str) -> None:
        recording = await self.console.call_api(self.client.recordings.get(recording_id))
        if recording is not None:
            self._merge(recording_id, recording_row(recording))

    async def _load_transcripts(self, recording_id: str) -> None:
        found = await self.console.call_api(self._transcriptions(recording_id))
        done = [t for t in found or [] if t.state == "completed"]
        if done:
            latest = max(done, key=lambda t: t.time or "")
            self._merge(
                recording_id,
                {"transcription": latest.text or NOTHING_SAID, "transcriptionState": "completed"},
            )

    async def _transcriptions(self, recording_id: str) -> list[Transcription]:
        return [t async for t in self.client.transcriptions.list(recording_id)]

    # --- display -------------------------------------------------------------------------------

    def describe(self, key: str, row: Row) -> RenderableType:
        if key not in self._transcripts_asked and row.get("state") == "complete":
            # Transcriptions are fetched the first time a recording is looked at, not for all.
            self._transcripts_asked.add(key)
            run_guarded(self, self._load_transcripts(key), group="recordings-transcripts")
        text = Text()
        for label, value in (
            ("Recording", key),
            ("State", row.get("state")),
            ("Call", row.get("call")),
            ("Started", clock_time(row.get("startTime"))),
            ("Ended", clock_time(row.get("endTime"))),
            ("Duration", f"{_seconds(row.get('duration'))} s"),
            ("Media", row.get("media")),
        ):
            text.append(f"{label}: ", style="bold")
            text.append(f"{'' if value is None else value}\n")
        text.append("\nTranscription\n", style="bold")
        state = row.get("transcriptionState")
        if state == "completed":
            text.append(str(row.get("transcription") or NOTHING_SAID))
        elif state:
            text.append(f"{state}…", style="italic")
        else:
            text.append("none yet: press t to request one", style="dim")
        return text

    # --- actions --------------------------------------------------------------------------------

    def _selected(self) -> tuple[str, Row] | None:
        key = self.table.cursor_key
        row = self.model.get(key) if key is not None else None
        if key is None or row is None:
            self.app.notify("No recording selected.", severity="warning")
            return None
        return key, row

    def action_download(self) -> None:
        """Ask where to save the highlighted recording, then download it with a progress bar."""
        selected = self._selected()
        if selected is None:
            return
        key, row = selected
        if row.get("state") != "complete" or not row.get("media"):
            self.app.notify(
                f"Recording {key} is {row.get('state')}: only a complete recording has audio.",
                severity="warning",
            )
            return
        run_guarded(self, self._download(str(row["media"])), group="recordings-download")

    async def _download(self, media_name: str) -> None:
        values = await self.app.push_screen_wait(destination_form(media_name))
        if values is None:
            return
        dest = resolve_destination(values["path"], media_name)
        if dest.is_file():  # noqa: ASYNC240 (one stat)
            question = f"{dest} exists. Replace it with {media_name}?"
            if not await self.app.push_screen_wait(ConfirmScreen(question, title="Replace file")):
                return
        screen = DownloadScreen(media_name, dest)
        await self.app.push_screen(screen)
        try:
            size = await self.console.call_api(self._save(media_name, dest, screen))
        except OSError as exc:
            self.console.show_error(f"Could not write {dest}: {exc.strerror or exc}")
            size = None
        finally:
            screen.dismiss()
        if size is not None:
            remember_folder(dest)
            self.app.notify(f"Saved {media_name} ({size:,} bytes) to {dest}", markup=False)

    async def _save(self, media_name: str, dest: Path, screen: DownloadScreen) -> int:
        dest.parent.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (one directory, once)
        return await self.client.media.download(media_name, dest, on_progress=screen.advance)

    def action_transcribe(self) -> None:
        """Request a transcription of the highlighted recording."""
        selected = self._selected()
        if selected is None:
            return
        key, row = selected
        if row.get("state") != "complete":
            self.app.notify(
                f"Recording {key} is {row.get('state')}: only a complete recording "
                "can be transcribed.",
                severity="warning",
            )
            return
        run_guarded(self, self._transcribe(key), group="recordings-transcribe")

    async def _transcribe(self, recording_id: str) -> None:
        transcription_id = await self.console.call_api(
            self.client.transcriptions.create(recording_id)
        )
        if transcription_id is None:
            return
        self._transcripts_asked.add(recording_id)
        self._merge(
            recording_id, {"transcription": "(transcribing)", "transcriptionState": "transcribing"}
        )
        self.app.notify(
            f"Transcribing recording {recording_id}: the text appears here when it is done.",
            timeout=4,
        )

"""Recordings pane: every recording with its call, duration and state, kept current from
`recording` and `transcription` events; download the audio, ask for a transcription."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.events import Event, RecordingEvent, TranscriptionEvent
from bwconsole.tui.console import console_of
from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column, Row
from bwconsole.tui.rows.recordings import (
    NOTHING_SAID,
    after_event,
    merged,
    recording_row,
    text_elsewhere,
)
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
    from bwconsole.api.models import Transcription
    from bwconsole.live import LiveEvent
    from bwconsole.tui.console import Console

__all__ = ["RecordingsPane"]


def _seconds(value: Any) -> str:
    return "" if value is None else f"{value:.0f}"


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
        self._put(key, merged(self.model.get(key), changes))

    def _put(self, key: str, row: dict[str, Any]) -> None:
        """Store a recording's row as `rows.recordings` built it."""
        self.upsert(key, row)
        if key == self.table.cursor_key:
            self._show_detail(key)

    def apply_event(self, live: LiveEvent) -> None:
        """A recording or transcription event moves its row (`rows.recordings`)."""
        match live.event:
            case RecordingEvent(recording_id=str(recording_id)) as event if recording_id:
                self._apply(recording_id, event)
                # The event does not name the media file: read it back once (history: the
                # listing does).
                if not live.history:
                    run_guarded(self, self._refresh(recording_id), group="recordings-refresh")
            case TranscriptionEvent(recording_id=str(recording_id)) as event if recording_id:
                if text_elsewhere(event):
                    run_guarded(self, self._load_transcripts(recording_id), group="recordings-text")
                else:
                    self._apply(recording_id, event)

    def _apply(self, recording_id: str, event: Event) -> None:
        row = after_event(self.model.get(recording_id), event)
        if row is not None:
            self._put(recording_id, row)

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

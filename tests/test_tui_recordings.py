"""Recordings pane on the embedded sandbox: list, live state, download, transcription."""

from __future__ import annotations

import wave
from pathlib import Path

from console_helpers import connected_console, until
from textual.pilot import Pilot
from textual.widgets import Input

from bwconsole.sandbox.seed import SEEDED_TRANSCRIPT
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.widgets.recordings import RecordingsPane


def pane_of(app: BwConsoleApp) -> RecordingsPane:
    pane = app.pane("recordings")
    assert isinstance(pane, RecordingsPane)
    return pane


def seeded_recording(app: BwConsoleApp) -> str:
    (recording,) = app.backend.sandbox.collection("recordings")  # type: ignore[union-attr]
    return str(recording["id"])


def select(pane: RecordingsPane, key: str) -> None:
    index = pane.model.index_of(key)
    assert index is not None
    pane.table.move_cursor(index)


async def test_seeded_recording_shows_call_duration_state_and_its_transcription(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="recordings") as (app, pilot):
        pane = pane_of(app)
        key = seeded_recording(app)
        await until(pilot, lambda: key in pane.model, "the seeded recording to load")
        row = pane.model.get(key)
        assert row is not None
        call = app.backend.sandbox.collection("recordings").get(key)["_callId"]  # type: ignore[union-attr]
        assert (row["state"], row["duration"], row["call"]) == ("complete", 20, call)
        assert pane.model.cells(key)[2] == "20"
        select(pane, key)
        # Looking at it fetches its transcriptions once: the seeded text shows.
        await until(
            pilot,
            lambda: (pane.model.get(key) or {}).get("transcription") == SEEDED_TRANSCRIPT,
            "the seeded transcription text",
        )
        await until(pilot, lambda: SEEDED_TRANSCRIPT in str(pane.detail.content), "the detail")


async def test_download_writes_the_wav_behind_a_progress_bar(tmp_path: Path) -> None:
    async with connected_console(tmp_path / "env", pane="recordings") as (app, pilot):
        pane = pane_of(app)
        key = seeded_recording(app)
        await until(pilot, lambda: key in pane.model, "the seeded recording to load")
        select(pane, key)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, FormScreen), "the destination form")
        field = app.screen.query_one("#field-path", Input)
        assert field.value.endswith(f"{pane.model.get(key)['media']}")  # type: ignore[index]
        field.value = str(tmp_path / "saved")  # a folder that does not exist yet: a file name
        await pilot.press("enter")
        target = tmp_path / "saved"
        await until(pilot, lambda: target.is_file(), "the file to be written")
        with wave.open(str(target)) as wav:
            assert wav.getnframes() == 20 * wav.getframerate()
        await until(pilot, lambda: not isinstance(app.screen, FormScreen), "the modal to close")
        assert app.screen is app.screen_stack[0]


async def test_a_new_recording_goes_complete_live_and_its_transcription_arrives(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="recordings") as (app, pilot):
        pane = pane_of(app)
        client = app.client
        assert app.backend is not None
        ours = app.backend.sandbox.collection("phoneNumbers")  # type: ignore[union-attr]
        number = next(iter(ours))["number"]
        call_id = await client.calls.create(
            from_=number,
            to="+15550010000",  # answers after 1 s
            recording_enabled=True,
            callback_url=app.relay_callback_url,
        )
        await until(pilot, lambda: client_state(app, call_id) == "active", "the answer")
        await client.calls.play_audio(call_id, sentence="please call me back")
        await pilot.pause(0.3)  # three words: 1.2 API seconds at time-scale 20
        await client.calls.hang_up(call_id)
        recording_id = await until_recording(app, pilot, call_id)
        await until(
            pilot,
            lambda: (pane.model.get(recording_id) or {}).get("state") == "complete",
            "the recording event to mark it complete",
        )
        await until(pilot, lambda: (pane.model.get(recording_id) or {}).get("media"), "media")
        select(pane, recording_id)
        await pilot.press("t")
        await until(
            pilot,
            lambda: (
                (pane.model.get(recording_id) or {}).get("transcription") == "please call me back"
            ),
            "the transcription event's text",
        )
        assert "please call me back" in str(pane.detail.content)


async def test_transcribe_refuses_a_recording_still_running(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="recordings") as (app, pilot):
        pane = pane_of(app)
        pane.upsert("rec-x", {"id": "rec-x", "state": "recording"})
        select(pane, "rec-x")
        await pilot.press("t")
        await pilot.pause()
        assert any("only a complete recording" in str(n.message) for n in app._notifications)
        # Only the seeded transcription exists: nothing was requested.
        assert len(app.backend.sandbox.collection("transcriptions")) == 1  # type: ignore[union-attr]


def client_state(app: BwConsoleApp, call_id: str) -> str | None:
    call = app.backend.sandbox.collection("calls").get(call_id)  # type: ignore[union-attr]
    return None if call is None else str(call["state"])


async def until_recording(app: BwConsoleApp, pilot: Pilot[None], call_id: str) -> str:
    recordings = app.backend.sandbox.collection("recordings")  # type: ignore[union-attr]
    found: list[str] = []

    def made() -> bool:
        found[:] = [r["id"] for r in recordings if r["_callId"] == call_id]
        return bool(found)

    await until(pilot, made, "the recording to exist")
    return found[0]


async def test_download_to_a_new_folder_remembers_it_and_asks_before_overwriting(
    tmp_path: Path,
) -> None:
    from bwconsole.tui.screens.confirm import ConfirmScreen

    async with connected_console(tmp_path / "env", pane="recordings") as (app, pilot):
        pane = pane_of(app)
        key = seeded_recording(app)
        await until(pilot, lambda: key in pane.model, "the seeded recording to load")
        media = str(pane.model.get(key)["media"])  # type: ignore[index]
        select(pane, key)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, FormScreen), "the destination form")
        field = app.screen.query_one("#field-path", Input)
        assert not field.value.startswith(str(Path.cwd())), "not the current directory"
        folder = tmp_path / "recordings" / "new"
        field.value = f"{folder}/"  # a trailing slash: a folder to create
        await pilot.press("enter")
        await until(pilot, lambda: (folder / media).is_file(), "the file inside the new folder")
        await until(pilot, lambda: app.screen is app.screen_stack[0], "the modal to close")

        await pilot.press("d")  # again: the folder is remembered, the file is there
        await until(pilot, lambda: isinstance(app.screen, FormScreen), "the form again")
        field = app.screen.query_one("#field-path", Input)
        assert field.value == str(folder / media)
        (folder / media).write_bytes(b"mine")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the overwrite question")
        await pilot.press("n")
        await pilot.pause(0.3)
        assert (folder / media).read_bytes() == b"mine", "kept on a no"


async def test_a_transcription_of_silence_says_so_in_the_list(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="recordings") as (app, pilot):
        pane = pane_of(app)
        client = app.client
        assert app.backend is not None
        number = next(iter(app.backend.sandbox.collection("phoneNumbers")))["number"]  # type: ignore[union-attr]
        call_id = await client.calls.create(
            from_=number,
            to="+15550010000",  # answers after 1 s
            recording_enabled=True,
            callback_url=app.relay_callback_url,
        )
        await until(pilot, lambda: client_state(app, call_id) == "active", "the answer")
        await client.calls.hang_up(call_id)  # nothing was said
        recording_id = await until_recording(app, pilot, call_id)
        await until(
            pilot,
            lambda: (pane.model.get(recording_id) or {}).get("state") == "complete",
            "the recording to be complete",
        )
        select(pane, recording_id)
        await pilot.press("t")
        await until(
            pilot,
            lambda: (pane.model.get(recording_id) or {}).get("transcriptionState") == "completed",
            "the transcription event",
        )
        assert pane.model.cells(recording_id)[4] == "(nothing was said)"

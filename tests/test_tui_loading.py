"""A pane says it is loading while its first fetch runs, so an empty list is not mistaken
for an empty account."""

from __future__ import annotations

from pathlib import Path

import pytest
from calls_console import dial, state
from console_helpers import connected_console, until

from bwconsole.live_frames import LiveEvent
from bwconsole.tui.widgets.recordings import RecordingsPane


async def test_a_pane_shows_loading_during_its_first_fetch_then_clears_it(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="numbers") as (app, pilot):
        pane = app.pane("recordings")
        assert not pane.model, "not fetched before it is shown"
        app.load_pane(pane)
        assert pane.border_subtitle == "loading…"
        await until(pilot, lambda: bool(pane.model), "the seeded recording")
        await until(pilot, lambda: not pane.border_subtitle, "the loading note to clear")
        numbers = app.pane("numbers")  # two requests (applications, numbers): may end later
        await until(pilot, lambda: bool(numbers.model), "the numbers")
        assert not numbers.border_subtitle


async def test_panes_show_loading_while_the_relay_replays_earlier_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        busy = await dial(pilot, "+15551000009", answered=False)
        await until(pilot, lambda: state(app, busy) == "rejected", "the busy call")
        await until(pilot, lambda: app.backend.live.last_seq, "events acked")  # type: ignore[union-attr]

    seen: list[tuple[bool, str]] = []
    original = RecordingsPane.apply_event

    def watching(self: RecordingsPane, live: LiveEvent) -> None:
        seen.append((bool(getattr(live, "history", False)), str(self.border_subtitle)))
        original(self, live)

    monkeypatch.setattr(RecordingsPane, "apply_event", watching)
    async with connected_console(tmp_path, pane="calls", fresh=False) as (app, pilot):
        await until(pilot, lambda: any(history for history, _ in seen), "the replayed history")
        await until(pilot, lambda: not app.pane("recordings").border_subtitle, "the note cleared")
        assert {note for history, note in seen if history} == {"loading…"}
        assert not app.pane("calls").border_subtitle

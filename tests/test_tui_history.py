"""Quit and start again on the same sandbox: the panes come back with what happened before."""

from __future__ import annotations

from pathlib import Path

from calls_console import calls_pane, dial, notes, state
from console_helpers import connected_console, until

from bwconsole.tui.widgets.events_log import EventsLogPane

BUSY = "+15551000009"
ANSWERS = "+15550011234"


def events_pane(app: object) -> EventsLogPane:
    pane = app.pane("events")  # type: ignore[attr-defined]
    assert isinstance(pane, EventsLogPane)
    return pane


def hangup_seqs(pane: EventsLogPane) -> set[int]:
    rows = (pane.model.get(key) or {} for key in pane.model)
    return {row["seq"] for row in rows if row.get("type") == "hangup"}


async def test_a_restart_shows_earlier_events_causes_and_calls_cut_off(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        busy = await dial(pilot, BUSY, answered=False)
        await until(pilot, lambda: state(app, busy) == "rejected", "the busy call")
        up = await dial(pilot, ANSWERS)
        await until(pilot, lambda: state(app, up) == "active", "the answer")
        await until(pilot, lambda: hangup_seqs(events_pane(app)), "the hangup in Events")
        earlier = hangup_seqs(events_pane(app))

    async with connected_console(tmp_path, pane="calls", fresh=False) as (app, pilot):
        pane = calls_pane(app)
        await until(pilot, lambda: earlier <= hangup_seqs(events_pane(app)), "earlier events")
        await until(pilot, lambda: (pane.model.get(busy) or {}).get("cause"), "the busy cause")
        assert pane.model.get(busy)["cause"] == "USER_BUSY"  # type: ignore[index]
        assert "hung up: USER_BUSY" in notes(app, busy)
        await until(pilot, lambda: state(app, up) == "completed", "the call cut off")
        await until(
            pilot,
            lambda: (pane.model.get(up) or {}).get("cause") == "SANDBOX_RESTARTED",
            "why the call ended",
        )
        assert "answered" in notes(app, up)
        assert not app.screen_stack[1:], "history raises no prompt or modal"

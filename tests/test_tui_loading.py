"""A pane says it is loading while its first fetch runs, so an empty list is not mistaken
for an empty account."""

from __future__ import annotations

from pathlib import Path

from console_helpers import connected_console, until


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
        numbers = app.pane("numbers")
        assert numbers.model and not numbers.border_subtitle

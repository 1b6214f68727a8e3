"""A newcomer with an empty config dir lands on the seeded sandbox, is
welcomed, and can place a call from the keyboard."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Select

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.backend import BackendOptions
from bwconsole.tui.screens.welcome import WelcomeScreen
from tests.console_helpers import until


async def test_empty_config_starts_on_the_sandbox_welcomes_and_dials(tmp_path: Path) -> None:
    app = BwConsoleApp(sandbox=True, backend=BackendOptions(data_dir=tmp_path, time_scale=20))
    async with app.run_test(size=(140, 45)) as pilot:
        await asyncio.wait_for(app.session.wait_connected(), 10)
        await until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "the first-run panel")
        await pilot.press("escape")
        numbers = app.pane("numbers")
        await until(pilot, lambda: len(numbers.model) >= 3, "the seeded numbers")

        await pilot.press("2", "d")
        await until(pilot, lambda: app.screen.query(Select), "the dial form")
        await pilot.press(*"+15550021234", "enter")
        calls = app.pane("calls")

        def dialled_active() -> bool:
            rows = (calls.model.get(key) or {} for key in calls.model)
            return any(r.get("to") == "+15550021234" and r.get("state") == "active" for r in rows)

        await until(pilot, dialled_active, "the dialled call to become active")

    # The panel is shown once; f1 brings it back.
    again = BwConsoleApp(sandbox=True, backend=BackendOptions(data_dir=tmp_path, time_scale=20))
    async with again.run_test(size=(140, 45)) as pilot:
        await asyncio.wait_for(again.session.wait_connected(), 10)
        await pilot.pause(0.2)
        assert not isinstance(again.screen, WelcomeScreen)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(again.screen, WelcomeScreen), "f1 to show it")

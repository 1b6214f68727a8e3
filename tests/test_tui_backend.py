"""The console connects to the embedded sandbox and relay on its own."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.backend import BackendOptions


async def test_console_starts_on_the_embedded_sandbox(tmp_path: Path) -> None:
    app = BwConsoleApp(sandbox=True, backend=BackendOptions(data_dir=tmp_path, fresh=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await asyncio.wait_for(app.session.wait_connected(), 10)
        assert app.backend is not None and app.backend.on_sandbox
        for _ in range(100):
            if app.relay_state == "connected" and app.balance:
                break
            await pilot.pause(0.05)
        assert app.relay_state == "connected"
        assert app.balance  # read from the sandbox account
        assert app.profile_name == "sandbox"

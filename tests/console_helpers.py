"""Helpers for Pilot tests of the console connected to the embedded sandbox and relay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from textual.pilot import Pilot

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.backend import BackendOptions
from bwconsole.tui.screens.welcome import SEEN_MARKER

WAIT_SECONDS = 10.0


@contextlib.asynccontextmanager
async def connected_console(
    data_dir: Path,
    *,
    pane: str = "numbers",
    time_scale: float = 20.0,
    size: tuple[int, int] = (140, 45),
    fresh: bool = True,
) -> AsyncIterator[tuple[BwConsoleApp, Pilot[None]]]:
    """The console on a freshly seeded embedded sandbox (time-scale sped up), connected;
    `fresh=False` carries on with what an earlier console left in `data_dir` (a restart).

    The first-run panel is marked as seen so keys reach the panes.
    """
    _mark_welcome_seen(data_dir)
    app = BwConsoleApp(
        sandbox=True,
        initial_pane=pane,
        backend=BackendOptions(data_dir=data_dir, fresh=fresh, time_scale=time_scale),
    )
    async with app.run_test(size=size) as pilot:
        await asyncio.wait_for(app.session.wait_connected(), WAIT_SECONDS)
        yield app, pilot


def _mark_welcome_seen(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / SEEN_MARKER).touch()


async def until(pilot: Pilot[None], predicate: Callable[[], object], what: str) -> None:
    """Let the app run until `predicate()` is true; fail with `what` after a bounded wait."""
    for _ in range(int(WAIT_SECONDS / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")

"""Background work never closes the console: a worker that raises is told and logged."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.catalogue import PANES
from bwconsole.tui.session import Session
from bwconsole.tui.widgets.errors import ErrorsPane
from bwconsole.tui.workers import run_guarded

SOURCE = Path(__file__).resolve().parents[1] / "bwconsole"


async def test_a_worker_that_raises_is_told_listed_logged_and_survived(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(self: Session) -> None:
        raise RuntimeError("balance parser fell over")

    monkeypatch.setattr(Session, "_refresh_balance", broken)
    app = BwConsoleApp()
    with caplog.at_level(logging.ERROR, logger="bwconsole.tui"):
        async with app.run_test() as pilot:
            app.session.refresh_balance()  # the session's timer starts this worker every minute
            await pilot.pause(0.2)
            assert app.is_running and app.return_code is None
            said = [n.message for n in app._notifications if n.severity == "error"]
            assert any("balance failed: RuntimeError: balance parser fell over" in m for m in said)
            errors = app.pane("errors")
            assert isinstance(errors, ErrorsPane)
            rows = [errors.model.get(key) for key in errors.model]
            assert any(
                r and r["category"] == "console" and "balance parser" in r["message"] for r in rows
            )
            await pilot.press("1")  # and the console still takes keys
            assert app.current_pane.PANE_ID == "numbers"
    (record,) = [r for r in caplog.records if "balance" in r.getMessage()]
    assert record.exc_info is not None and "balance parser fell over" in str(record.exc_info[1])


async def test_a_cancelled_worker_is_not_a_failure() -> None:
    import asyncio

    app = BwConsoleApp()
    async with app.run_test() as pilot:
        worker = run_guarded(app, asyncio.sleep(30), group="slow")
        await pilot.pause(0.05)
        worker.cancel()
        await pilot.pause(0.1)
        assert not [n for n in app._notifications if n.severity == "error"]


def test_every_worker_goes_through_run_guarded() -> None:
    starts = {
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if re.search(r"\.run_worker\(|@work\b", path.read_text(encoding="utf-8"))
    }
    assert starts == {"tui/workers.py"}


@pytest.mark.parametrize("pane_id", [pane.PANE_ID for pane in PANES])
async def test_a_failing_worker_of_any_pane_leaves_the_console_running(pane_id: str) -> None:
    async def broken() -> None:
        raise ValueError(f"bug in {pane_id}")

    app = BwConsoleApp(initial_pane=pane_id)
    async with app.run_test() as pilot:
        run_guarded(app.pane(pane_id), broken(), group=f"{pane_id}-job")
        await pilot.pause(0.2)
        assert app.is_running and app.current_pane.PANE_ID == pane_id
        errors = app.pane("errors")
        assert isinstance(errors, ErrorsPane)
        assert [errors.model.get(key)["code"] for key in errors.model] == [f"{pane_id}-job"]  # type: ignore[index]

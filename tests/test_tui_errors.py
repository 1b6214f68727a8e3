"""The Errors pane against the embedded sandbox: the account's errors, newest first, `r` refreshes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bwconsole.api import ApiError
from tests.console_helpers import connected_console, until


async def test_errors_load_newest_first_refresh_on_r_and_show_details(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="numbers") as (app, pilot):
        with pytest.raises(ApiError):
            await app.client.calls.get("c-first-missing")
        await pilot.press("9")
        pane = app.pane("errors")
        await until(pilot, lambda: pane.model.total >= 1, "the recorded error to load")
        assert "c-first-missing" in pane.model.get(pane.model.key_at(0))["message"]  # type: ignore[index]

        with pytest.raises(ApiError):
            await app.client.calls.get("c-second-missing")
        before = pane.model.total
        await pilot.pause(0.2)
        assert pane.model.total == before  # not polled: only `r` reads again
        await pilot.press("r")
        await until(pilot, lambda: pane.model.total == before + 1, "the refreshed list")
        newest = pane.model.get(pane.model.key_at(0))
        assert newest is not None and "c-second-missing" in newest["message"]
        assert newest["code"] and newest["category"]

        pane.table.move_cursor(0)
        await pilot.pause(0.2)
        await until(pilot, lambda: "requestPath" in str(pane.detail.render()), "the details")
        shown = str(pane.detail.render())
        assert newest["code"] in shown and "requestMethod: GET" in shown
        assert ("requestMethod", "GET") in newest["details"]

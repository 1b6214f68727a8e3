"""The applications list (opened from the Numbers pane) against the embedded sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bwconsole.sandbox.seed import APPLICATION_NAME
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.application_form import application_values
from bwconsole.tui.screens.applications import ApplicationsScreen
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.form import FormScreen
from tests.console_helpers import connected_console, until


def applications(app: BwConsoleApp) -> dict[str, dict[str, Any]]:
    assert app.backend is not None
    return {record["id"]: record for record in app.backend.sandbox.collection("applications")}


async def open_list(app: BwConsoleApp, pilot: Any) -> ApplicationsScreen:
    numbers = app.pane("numbers")
    await until(pilot, lambda: numbers.model.total > 0, "the numbers to load")
    await pilot.press("A")
    screen = app.screen
    assert isinstance(screen, ApplicationsScreen)
    await until(pilot, lambda: screen.model.total == len(applications(app)), "the applications")
    return screen


async def test_list_shows_the_accounts_applications(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        screen = await open_list(app, pilot)
        (app_id,) = applications(app)
        shown = screen.model.get(app_id)
        assert shown is not None and shown["name"] == APPLICATION_NAME
        assert APPLICATION_NAME in screen.table.render_line(1).text


async def test_create_starts_with_the_relay_url_for_this_channel(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        screen = await open_list(app, pilot)
        assert app.backend is not None
        relay = app.relay_callback_url
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormScreen), "the form")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.inputs["incoming_call_url"].value == relay
        assert form.inputs["incoming_message_url"].value == relay
        await pilot.press("enter")
        assert app.screen is form  # the name is required
        await pilot.press(*"Support line")
        form.inputs["callback_http_method"].value = "PUT"
        await pilot.press("enter")
        assert app.screen is form
        assert "POST" in str(form.errors["callback_http_method"].render())
        form.inputs["callback_http_method"].value = "get"
        form.inputs["auto_answer"].value = "no"
        form.inputs["name"].focus()
        await pilot.press("enter")
        await until(pilot, lambda: len(applications(app)) == 2, "the application to exist")
        new_id, record = next(
            (i, r) for i, r in applications(app).items() if r["name"] == "Support line"
        )
        assert record["incomingCallUrl"] == relay and record["incomingMessageUrl"] == relay
        assert record["callbackHttpMethod"] == "GET" and record["autoAnswer"] is False
        await until(pilot, lambda: new_id in screen.model, "the row")
        assert screen.table.cursor_key == new_id


async def test_edit_changes_callback_urls_and_numbers_follow_renames(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        screen = await open_list(app, pilot)
        (app_id,) = applications(app)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FormScreen), "the form")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.inputs["name"].value == APPLICATION_NAME
        form.inputs["name"].value = "Renamed app"
        form.inputs["incoming_call_url"].value = "https://example.com/calls"
        form.inputs["incoming_message_url"].value = ""  # no longer wanted
        await pilot.press("enter")
        await until(
            pilot, lambda: (screen.model.get(app_id) or {}).get("name") == "Renamed app", "row"
        )
        assert applications(app)[app_id]["incomingCallUrl"] == "https://example.com/calls"
        assert "incomingMessageUrl" not in applications(app)[app_id]
        assert screen.model.get(app_id)["incomingCallUrl"] == "https://example.com/calls"  # type: ignore[index]
        await pilot.press("escape")
        numbers = app.pane("numbers")
        labels = [(numbers.model.get(k) or {}).get("application") for k in numbers.model]
        assert labels.count("Renamed app") == 2


async def test_delete_asks_and_unlinks_the_numbers(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        screen = await open_list(app, pilot)
        (app_id,) = applications(app)
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("n")
        assert app_id in applications(app)
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: app_id not in screen.model, "the row to go")
        assert applications(app) == {}
        await pilot.press("escape")
        numbers = app.pane("numbers")
        assert all(not (numbers.model.get(k) or {}).get("application") for k in numbers.model)


def test_values_need_one_incoming_url() -> None:
    values = {
        "name": "x",
        "incoming_call_url": "",
        "incoming_message_url": "",
        "callback_http_method": "post",
        "auto_answer": "",
    }
    with pytest.raises(ValueError, match="incoming"):
        application_values(values)
    values["incoming_message_url"] = "https://example.com/m"
    assert application_values(values) == {
        "name": "x",
        "incoming_call_url": None,
        "incoming_message_url": "https://example.com/m",
        "callback_http_method": "POST",
        "auto_answer": True,
    }
    assert application_values(values, editing=True)["incoming_call_url"] == ""

"""The Numbers pane driven from the keyboard against the embedded sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, SelectionList

from bwconsole.sandbox.seed import APPLICATION_NAME
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.screens.application_picker import ApplicationPickerScreen
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.screens.number_search import NumberSearchScreen, search_criteria
from bwconsole.tui.widgets import numbers as numbers_module
from bwconsole.tui.widgets.numbers import NumbersPane
from tests.console_helpers import connected_console, until


def numbers_pane(app: BwConsoleApp) -> NumbersPane:
    pane = app.pane("numbers")
    assert isinstance(pane, NumbersPane)
    return pane


def owned(app: BwConsoleApp) -> dict[str, dict[str, Any]]:
    """The sandbox's owned numbers (not released), by id."""
    assert app.backend is not None
    return {
        record["id"]: record
        for record in app.backend.sandbox.collection("phoneNumbers")
        if record.get("numberState") != "released"
    }


async def loaded(app: BwConsoleApp, pilot: Any) -> NumbersPane:
    pane = numbers_pane(app)
    await until(pilot, lambda: pane.model.total == len(owned(app)) > 0, "the numbers to load")
    # The table takes up model changes at its next frame; the cursor lands on a row then.
    await until(pilot, lambda: pane.table.cursor_key is not None, "the cursor on a number")
    return pane


async def test_owned_numbers_load_with_their_application_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(numbers_module, "PAGE_SIZE", 2)  # three numbers: two pages
    async with connected_console(tmp_path) as (app, pilot):
        pane = await loaded(app, pilot)
        rows = [pane.model.get(key) for key in pane.model]
        assert {row["number"] for row in rows if row} == {r["number"] for r in owned(app).values()}
        assert sum(1 for row in rows if row and row["application"] == APPLICATION_NAME) == 2
        assert app.backend is not None
        pages = [e for e in app.api_log.model if "phoneNumbers" in str(app.api_log.model.get(e))]
        assert len(pages) == 2


async def test_search_mark_and_order_several(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        pane = await loaded(app, pilot)
        before = set(owned(app))
        await pilot.press("f")
        screen = app.screen
        assert isinstance(screen, NumberSearchScreen)
        await pilot.press(*"919", "enter")
        results = screen.query_one(SelectionList)
        await until(pilot, lambda: results.option_count > 0, "search results")
        assert app.focused is results
        await pilot.press("space", "down", "space")
        marked = list(results.selected)
        assert len(marked) == 2 and all(n.startswith("+1919") for n in marked)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert all(n in question.message for n in marked) and "$" in question.message
        assert " a month" in question.message
        await pilot.press("n")  # nothing bought on a no
        await pilot.pause(0.2)
        assert set(owned(app)) == before and app.screen is screen
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question again")
        await pilot.press("y")
        await until(
            pilot,
            lambda: app.screen is not screen and not isinstance(app.screen, ConfirmScreen),
            "the order to finish",
        )
        new = set(owned(app)) - before
        assert {owned(app)[i]["number"] for i in new} == set(marked)
        for number_id in new:
            row = pane.model.get(number_id)
            assert row is not None and row["number"] in marked
        assert screen.progress.progress == 2


async def test_search_says_what_criteria_are_missing(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        await loaded(app, pilot)
        await pilot.press("f")
        screen = app.screen
        assert isinstance(screen, NumberSearchScreen)
        screen.inputs["city"].value = "Cary"
        await pilot.press("enter")
        assert "state" in str(screen.status.render())
        assert screen.results.option_count == 0
        await pilot.press("escape")
        assert app.screen is not screen


def test_search_criteria_rules() -> None:
    assert search_criteria({"area_code": " 919 ", "state": ""}, toll_free=False) == {
        "area_code": "919"
    }
    assert search_criteria({"state": "nc", "city": "Cary"}, toll_free=False) == {
        "state": "NC",
        "city": "Cary",
    }
    assert search_criteria({"pattern": "8**"}, toll_free=True) == {"pattern": "8**"}
    with pytest.raises(ValueError, match="area code"):
        search_criteria({"pattern": "*2*"}, toll_free=False)
    with pytest.raises(ValueError, match="toll-free"):
        search_criteria({"area_code": "919"}, toll_free=True)


async def test_toll_free_search_lists_toll_free_numbers(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        await loaded(app, pilot)
        await pilot.press("f")
        screen = app.screen
        assert isinstance(screen, NumberSearchScreen)
        screen.toll_free.value = True
        await pilot.press("enter")
        await until(pilot, lambda: screen.results.option_count > 0, "toll-free results")
        first = screen.results.get_option_at_index(0).id or ""
        assert first[:5] in {"+1800", "+1833", "+1844", "+1855", "+1866", "+1877", "+1888"}


async def test_rename_changes_the_number_and_its_row(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        pane = await loaded(app, pilot)
        key = pane.table.cursor_key
        assert key is not None
        await pilot.press("r")
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one(Input).value = ""
        await pilot.press(*"Front desk", "enter")
        await until(
            pilot, lambda: (pane.model.get(key) or {}).get("name") == "Front desk", "rename"
        )
        assert owned(app)[key]["name"] == "Front desk"


async def test_assign_links_the_number_to_the_chosen_application(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        pane = await loaded(app, pilot)
        key = next(k for k in pane.model if not (pane.model.get(k) or {}).get("application"))
        pane.table.move_cursor(pane.model.index_of(key) or 0)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ApplicationPickerScreen), "the picker")
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2  # (no application) and the seeded one
        await pilot.press("down", "enter")
        await until(
            pilot,
            lambda: (pane.model.get(key) or {}).get("application") == APPLICATION_NAME,
            "the row to show the application",
        )
        assert owned(app)[key]["applicationId"] == pane.model.get(key)["applicationId"]  # type: ignore[index]
        # And unlink again.
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ApplicationPickerScreen), "the picker")
        await pilot.press("home", "enter")
        await until(pilot, lambda: not (pane.model.get(key) or {}).get("application"), "unlink")
        assert not owned(app)[key].get("applicationId")


async def test_release_asks_then_removes_the_number(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        pane = await loaded(app, pilot)
        key = pane.table.cursor_key
        assert key is not None
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert key in pane.model and key in owned(app)
        await pilot.press("delete")
        await pilot.press("y")
        await until(pilot, lambda: key not in pane.model, "the row to go")
        assert key not in owned(app)


async def test_a_number_that_cannot_be_ordered_is_reported_and_the_rest_are_bought(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        pane = await loaded(app, pilot)
        await pilot.press("f", *"919", "enter")
        screen = app.screen
        assert isinstance(screen, NumberSearchScreen)
        await until(pilot, lambda: screen.results.option_count > 0, "search results")
        await pilot.press("space", "down", "space")
        taken, wanted = screen.results.selected
        await app.client.phone_numbers.order(number=taken)  # someone else was faster
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: "1 failed" in str(screen.status.render()), "the failure")
        assert app.screen is screen  # stays open so the user sees what happened
        assert [o.id for o in (screen.results.get_option_at_index(0),)] == [taken]
        rows = [pane.model.get(k) or {} for k in pane.model]
        assert wanted in {row.get("number") for row in rows}
        await pilot.press("escape")
        assert app.screen is not screen


async def test_actions_wait_for_a_connection() -> None:
    app = BwConsoleApp()
    async with app.run_test(size=(120, 36)) as pilot:
        for key in ("f", "r", "A"):
            await pilot.press(key)
            assert not isinstance(app.screen, NumberSearchScreen | FormScreen)
        assert app.is_running


async def test_the_created_column_fits_at_160_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    app = BwConsoleApp()
    app.pane("numbers").upsert(
        "n-1",
        {"id": "n-1", "number": "+17046820055", "name": "main line", "numberState": "enabled",
         "application": "bwconsole demo", "city": "Charlotte", "state": "NC",
         "createdTime": "2026-11-26T09:02:00.000Z"},
    )  # fmt: skip
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            line = app.pane("numbers").table.render_line(1).text
            assert "2026-11-26 09:02" in line, line
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()

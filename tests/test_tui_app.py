"""The console app driven from the keyboard with Pilot: panes, filter, sort, cursor, logs, keys."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from rich.text import Text
from textual.command import CommandPalette

from bwconsole.api import Exchange
from bwconsole.live import LiveEvent
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.keys import keys_markdown
from bwconsole.tui.screens.help import HelpScreen
from bwconsole.tui.themes import ThemeError
from bwconsole.tui.widgets.pane_bar import PaneBar
from bwconsole.tui.widgets.virtual_table import VirtualTable
from tests.live_events import relay_event

SIZE = (120, 36)


def answer(seq: int, call_id: str) -> LiveEvent:
    body = {"eventType": "answer", "callId": call_id, "callState": "active"}
    return relay_event(seq, body=json.dumps(body))


def line(table: VirtualTable, y: int) -> str:
    return table.render_line(y).text


def fill_numbers(app: BwConsoleApp, count: int = 60) -> None:
    for i in range(count):
        app.pane("numbers").upsert(
            f"n-{i:03d}",
            {"id": f"n-{i:03d}", "number": f"+1919555{i:04d}", "name": f"line {count - i}"},
        )


async def test_each_pane_is_one_key_away() -> None:
    app = BwConsoleApp()
    async with app.run_test(size=SIZE) as pilot:
        for key, pane_id in (("2", "calls"), ("7", "events"), ("8", "api-log"), ("1", "numbers")):
            await pilot.press(key)
            assert app.current_pane.PANE_ID == pane_id
            assert app.focused is app.pane(pane_id).table
        bar = app.query_one(PaneBar)
        assert isinstance(bar, PaneBar) and bar.current == "numbers"
        assert "Conferences" in str(bar.render())


async def test_slash_filter_narrows_as_you_type_and_escape_restores() -> None:
    app = BwConsoleApp()
    fill_numbers(app)
    async with app.run_test(size=SIZE) as pilot:
        table = app.pane("numbers").table
        assert len(table.model) == 60
        await pilot.press("slash", "0", "0", "4")
        assert len(table.model) == 11  # 0040-0049 and 0004
        await pilot.press("2")
        assert len(table.model) == 1
        await pilot.pause()
        assert "+19195550042" in line(table, 1)
        await pilot.press("escape")
        assert len(table.model) == 60 and app.focused is table


async def test_sort_cycles_columns_and_reverses() -> None:
    app = BwConsoleApp()
    fill_numbers(app, 5)
    async with app.run_test(size=SIZE) as pilot:
        table = app.pane("numbers").table
        await pilot.press("s")
        assert table.model.sort_column == "number"
        await pilot.press("S")
        await pilot.pause()
        assert "▼" in line(table, 0) and "+19195550004" in line(table, 1)
        await pilot.press("s")  # by name: "line 1" is n-004
        await pilot.pause()
        assert table.model.sort_column == "name" and "line 5" in line(table, 1)


async def test_cursor_moves_and_detail_follows() -> None:
    app = BwConsoleApp()
    fill_numbers(app, 100)
    async with app.run_test(size=SIZE) as pilot:
        table = app.pane("numbers").table
        await pilot.press("down", "down")
        assert table.cursor_key == "n-002"
        await pilot.press("end")
        assert table.cursor_row == 99 and table.scroll_y > 0
        await pilot.pause(0.15)  # the detail trails fast cursor moves by up to 0.1 s
        assert "+19195550099" in str(app.pane("numbers").detail.content)
        await pilot.press("pageup")
        assert table.cursor_row < 99
        await pilot.press("home")
        assert table.cursor_row == 0 and table.scroll_y == 0


async def test_events_log_shows_newest_first_and_flags_malformed() -> None:
    app = BwConsoleApp(initial_pane="events")
    async with app.run_test(size=SIZE) as pilot:
        app.add_event(answer(1, "c-1"))
        app.add_event(relay_event(2, body="{oops", parse_error="Expecting property name"))
        app.add_event(answer(3, "c-3"))
        await pilot.pause(0.05)
        pane = app.events_log
        assert [pane.model.key_at(i) for i in range(3)] == ["3", "2", "1"]
        assert pane.model.is_flagged("2") and not pane.model.is_flagged("3")
        assert "malformed" in line(pane.table, 2)
        assert pane.table.cursor_key == "3"
        detail = pane.describe("3", pane.model.get("3") or {})
        console = Console(width=80, record=True)
        console.print(detail)
        assert '"callId": "c-3"' in console.export_text()


async def test_events_log_pause_keeps_the_view_and_resume_follows() -> None:
    app = BwConsoleApp(initial_pane="events")
    async with app.run_test(size=SIZE) as pilot:
        for seq in range(1, 6):
            app.add_event(answer(seq, f"c-{seq}"))
        await pilot.pause(0.05)
        table = app.events_log.table
        await pilot.press("down", "p")
        assert app.events_log.paused and table.cursor_key == "4"
        app.add_event(answer(6, "c-6"))
        await pilot.pause(0.05)
        assert table.cursor_key == "4" and table.cursor_row == 2
        await pilot.press("p")
        app.add_event(answer(7, "c-7"))
        await pilot.pause(0.05)
        assert table.cursor_key == "7" and table.cursor_row == 0


async def test_a_burst_of_live_updates_is_drawn_in_one_pass() -> None:
    app = BwConsoleApp(initial_pane="calls")
    async with app.run_test(size=SIZE) as pilot:
        calls = app.pane("calls")
        for i in range(20):
            calls.upsert(f"c-{i}", {"id": f"c-{i}", "state": "ringing"})
        await pilot.pause(0.05)
        before = calls.table.refresh_count
        for n in range(500):
            calls.upsert(f"c-{n % 20}", {"id": f"c-{n % 20}", "state": f"active {n}"})
        await pilot.pause(0.05)
        assert calls.table.refresh_count == before + 1
        assert "active 499" in line(calls.table, 1)


async def test_failed_api_call_is_logged_flagged_and_notified_in_words() -> None:
    app = BwConsoleApp(initial_pane="api-log")
    async with app.run_test(size=SIZE) as pilot:
        app.add_exchange(Exchange("GET", "/v1/users/u-1/calls", "", 200, 12.0))
        app.add_exchange(
            Exchange("POST", "/v1/users/u-1/calls", "", 409, 40.0, "call-conflict", "busy")
        )
        await pilot.pause(0.05)
        log = app.api_log
        assert "POST" in line(log.table, 1) and log.model.is_flagged(log.model.key_at(0))
        messages = [n.message for n in app._notifications]
        assert any("409" in m and "call-conflict: busy" in m for m in messages)


async def test_y_copies_the_highlighted_id() -> None:
    app = BwConsoleApp()
    fill_numbers(app, 3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "y")
        assert app.clipboard == "+19195550001"


async def test_help_lists_every_pane_key() -> None:
    app = BwConsoleApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=110, record=True)
        console.print(app.screen.query_one("#help-keys").content)  # type: ignore[attr-defined]
        text = console.export_text()
        for expected in ("Events", "events-pause", "copy-id", "Filter", "show-errors", "Sort"):
            assert expected in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_opens_with_colon_and_runs_a_pane_action() -> None:
    app = BwConsoleApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"events pause")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.05)
        assert app.current_pane.PANE_ID == "events" and app.events_log.paused


async def test_keymap_rebinds_by_binding_id() -> None:
    app = BwConsoleApp(keymap={"show-calls": "x", "copy-id": "c"})
    fill_numbers(app, 2)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert app.clipboard == "+19195550000"
        await pilot.press("2")
        assert app.current_pane.PANE_ID == "numbers"
        await pilot.press("x")
        assert app.current_pane.PANE_ID == "calls"
        keys = {e.binding.id: e.key for e in app.key_entries()}
        assert keys["show-calls"] == "x" and keys["copy-id"] == "c"


async def test_theme_switches_live_and_unknown_theme_is_refused() -> None:
    app = BwConsoleApp()
    async with app.run_test(size=SIZE) as pilot:
        dark_background = app.pane("numbers").table.styles.background
        app.set_theme("light")
        await pilot.pause(0.05)
        assert app.theme == "light" and not app.current_theme.dark
        assert app.pane("numbers").table.styles.background != dark_background
    with pytest.raises(ThemeError, match="contrast"):
        BwConsoleApp(theme="solarized-nope")


async def test_header_shows_account_sandbox_relay_and_balance() -> None:
    app = BwConsoleApp(profile_name="acme")
    async with app.run_test(size=SIZE) as pilot:
        header = app.query_one("#status-header")
        assert "SANDBOX" not in str(header.render())
        app.sandbox = True
        app.relay_state = "connected"
        app.balance = 1234.5  # type: ignore[assignment]
        await pilot.pause()
        text = str(header.render())
        assert "acme" in text and "SANDBOX" in text and "connected" in text and "1,234.50" in text


async def test_clicking_a_header_sorts_by_that_column_then_reverses() -> None:
    app = BwConsoleApp()
    fill_numbers(app, 5)
    async with app.run_test(size=SIZE) as pilot:
        table = app.pane("numbers").table
        name_x = app.pane("numbers").COLUMNS[0].width + 3  # inside the "Name" header
        await pilot.click(table, offset=(name_x, 0))
        assert table.model.sort_column == "name" and not table.model.reverse
        await pilot.click(table, offset=(name_x, 0))
        assert table.model.reverse


async def test_keymap_set_while_running_updates_the_pane_bar() -> None:
    app = BwConsoleApp()
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"show-errors": "e", "help": "f10"})
        await pilot.press("e")
        assert app.current_pane.PANE_ID == "errors"
        assert ("errors", "e", "Errors") in app.query_one(PaneBar).entries
        # The hint for the help screen follows the rebinding too.
        assert ("f10", "all keys") in app.query_one(PaneBar).hints


async def test_real_live_events_post_get_and_unknown_are_logged() -> None:
    app = BwConsoleApp(initial_pane="events")
    async with app.run_test(size=SIZE) as pilot:
        hangup = {"eventType": "hangup", "callId": "c-1", "cause": "NORMAL_CLEARING"}
        app.add_event(relay_event(1, payload=hangup, typed=True))
        answer = {"eventType": "answer", "callId": "c-2"}
        app.add_event(
            relay_event(2, payload=answer, method="GET", query="eventType=...", typed=True)
        )
        app.add_event(
            relay_event(3, payload={"eventType": "brand-new", "callId": "c-3"}, typed=True)
        )
        await pilot.pause(0.05)
        model = app.events_log.model
        assert model.get("2")["resource"] == "c-2" and not model.is_flagged("2")  # type: ignore[index]
        assert model.get("1")["type"] == "hangup" and not model.is_flagged("1")  # type: ignore[index]
        assert model.is_flagged("3") and "unknown event type" in line(app.events_log.table, 1)


async def test_unknown_malformed_and_idless_events_are_logged_and_break_no_pane() -> None:
    ids = {"callId": "c-1", "conferenceId": "cf-1", "messageId": "m-1", "recordingId": "r-1"}
    odd = [
        relay_event(1, payload={"eventType": "brand-new", **ids}, typed=True),
        relay_event(
            2, body='{"eventType": "answer", "callId"', parse_error="Expecting ':' delimiter"
        ),
        *(
            relay_event(seq, payload={"eventType": kind}, typed=True)  # a known type naming nothing
            for seq, kind in enumerate(
                ("answer", "conference-member", "conference", "sms", "recording", "transcription"),
                start=3,
            )
        ),
    ]
    app = BwConsoleApp(initial_pane="events")
    async with app.run_test(size=SIZE) as pilot:
        for live in odd:
            app.on_live_event(live)
        await pilot.pause(0.05)
        assert not [n.message for n in app._notifications if n.severity == "error"]
        model = app.events_log.model
        assert model.total == len(odd) and model.is_flagged("1") and model.is_flagged("2")
        assert all(app.pane(name).model.total == 0 for name in ("calls", "messages", "recordings"))


def test_keys_markdown_lists_every_binding_id() -> None:
    app = BwConsoleApp(keymap={"copy-id": "c"})
    entries = app.key_entries()
    text = keys_markdown(entries)
    for entry in entries:
        assert f"`{entry.binding.id}`" in text
    assert "## Every list" in text and "| `c` | Copy the highlighted id" in text


async def test_a_growing_log_stays_scrollable_to_its_end() -> None:
    app = BwConsoleApp(initial_pane="events")
    async with app.run_test(size=SIZE) as pilot:
        for seq in range(1, 101):
            app.add_event(answer(seq, f"c-{seq}"))
        await pilot.pause(0.05)
        await pilot.press("p")
        for seq in range(101, 151):
            app.add_event(answer(seq, f"c-{seq}"))
        await pilot.pause(0.05)
        table = app.events_log.table
        assert table.virtual_size.height == 151 and table.max_scroll_y > 100
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 149 and table.cursor_key == "1"
        assert line(table, table.size.height - 1).startswith("1 ")


@pytest.mark.parametrize("width", [80, 160])
async def test_help_and_palette_keys_stay_in_sight_on_every_pane(width: int) -> None:
    from bwconsole.tui.widgets.key_footer import KeyFooter

    app = BwConsoleApp()
    async with app.run_test(size=(width, 24)) as pilot:
        for pane_id in app.panes:
            await app.action_show_pane(pane_id)
            footer = app.query_one(KeyFooter)
            # A pane shown the first time is mounted then: the footer is laid out a few
            # frames later (bounded wait; a loaded machine takes longer than one pause).
            for _ in range(100):
                await pilot.pause(0.02)
                shown = {k.key_display: k for k in footer.query("FooterKey") if k.region.width}
                if app.focused is app.panes[pane_id].table and "?" in shown:
                    break
            for key_display in ("?", ":"):
                assert key_display in shown, (pane_id, sorted(shown))
                assert shown[key_display].region.right <= width, (pane_id, key_display)
            if footer.hidden_keys:
                assert f"+{footer.hidden_keys} more" in shown["?"].description
            bar = app.query_one(PaneBar)
            text = Text.from_markup(str(bar.render()))
            assert text.cell_len <= width - 2, pane_id  # the bar's padding
            assert "? all keys" in text.plain and ": commands" in text.plain
            assert app.panes[pane_id].TITLE in text.plain  # the pane on screen keeps its name

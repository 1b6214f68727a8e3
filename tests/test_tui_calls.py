"""Calls pane on the embedded sandbox: loading, dialing, live rows, incoming calls."""

from __future__ import annotations

from pathlib import Path

from calls_console import (
    calls_pane,
    control,
    dial,
    form,
    highlight,
    notes,
    owned_numbers,
    sandbox_call,
    sandbox_call_ids,
    state,
)
from console_helpers import connected_console, until

from bwconsole.tui.screens.call_form import ChoiceFormScreen
from bwconsole.tui.screens.call_incoming import IncomingCallScreen
from bwconsole.tui.screens.confirm import ConfirmScreen


async def test_recent_calls_load_newest_first(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        pane = calls_pane(app)
        listed = [call.id async for call in app.client.calls.list()]
        assert listed, "the seeded account has a call history"
        await until(pilot, lambda: pane.model.total == len(listed), "the history loaded")
        assert list(pane.model) == listed
        rejected = next(key for key in pane.model if state(app, key) == "rejected")
        assert pane.model.get(rejected)["direction"] == "out"  # type: ignore[index]


async def test_dial_goes_active_with_a_running_timer_then_hang_up_completes(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        caller = owned_numbers(app)[1]
        call_id = await dial(pilot, "+15550011234", caller=caller)
        made = sandbox_call(app, call_id)
        assert (made["from"], made["to"]) == (caller, "+15550011234")
        assert (
            made["callbackUrl"].endswith("/callbacks/default")
            or "/callbacks/" in made["callbackUrl"]
        )
        pane = calls_pane(app)
        await until(
            pilot, lambda: (pane.model.get(call_id) or {}).get("duration", 0) >= 1, "the timer"
        )
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the hang-up question")
        await pilot.press("y")
        await until(pilot, lambda: state(app, call_id) == "completed", "the hangup event")
        assert pane.model.get(call_id)["cause"] == "NORMAL_CLEARING"  # type: ignore[index]
        assert sandbox_call(app, call_id)["state"] == "completed"
        assert "hung up: NORMAL_CLEARING" in notes(app, call_id)


async def test_dial_refuses_a_bad_destination_in_words(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        calls_before = len(app.backend.sandbox.collection("calls"))  # type: ignore[union-attr]
        await pilot.press("d")
        screen = await form(pilot, ChoiceFormScreen)
        await pilot.press(*"919-555", "enter")  # 919-555-1234 would be read as +19195551234
        assert "neither a phone number" in str(screen.errors["to"].content)
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.backend.sandbox.collection("calls")) == calls_before  # type: ignore[union-attr]


async def test_dial_from_a_sip_endpoint_chosen_in_the_list(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        await pilot.press("d")
        screen = await form(pilot, ChoiceFormScreen)
        assert isinstance(screen, ChoiceFormScreen)
        options = [value for _, value in screen.selects["from"]._options]
        sip = next(value for value in options if str(value).startswith("sip:"))
        screen.selects["from"].value = sip
        await pilot.press(*"+15550011234", "enter")
        pane = calls_pane(app)
        await until(pilot, lambda: pane.table.cursor_key in pane.model, "the new row")
        call_id = pane.table.cursor_key
        assert call_id is not None
        await until(pilot, lambda: state(app, call_id) == "active", "the answer")
        assert sandbox_call(app, call_id)["from"] in (sip, sip.removeprefix("sip:"))


async def test_busy_and_unanswered_calls_end_with_their_cause(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        busy = await dial(pilot, "+15551000009", answered=False)
        await until(pilot, lambda: state(app, busy) == "rejected", "busy")
        assert calls_pane(app).model.get(busy)["cause"] == "USER_BUSY"  # type: ignore[index]
        await pilot.press("d")
        screen = await form(pilot, ChoiceFormScreen)
        screen.inputs["timeout"].value = "2"
        pane = calls_pane(app)
        before = sandbox_call_ids(app)
        await pilot.press(*"+15552000009", "enter")
        await until(pilot, lambda: sandbox_call_ids(app) - before, "the unanswered call")
        (silent,) = sandbox_call_ids(app) - before
        await until(pilot, lambda: state(app, silent) == "completed", "the timeout")
        assert pane.model.get(silent)["cause"] == "NO_ANSWER"  # type: ignore[index]


async def test_failed_calls_say_so_in_words_colour_and_a_notice(tmp_path: Path) -> None:
    """A call to an unallocated number used to end `completed` like any other."""
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        pane = calls_pane(app)
        gone = await dial(pilot, "+15555000009", answered=False)
        await until(pilot, lambda: (pane.model.get(gone) or {}).get("endAt"), "the hangup")
        ended = pane.model.get(gone)
        assert ended is not None and ended["outcome"] == "failed: unallocated number"
        assert ended["flagged"] and pane.model.is_flagged(gone)
        told = [n.message for n in app._notifications if n.severity == "error"]
        assert "Call to +15555000009: failed: unallocated number" in told
        busy = await dial(pilot, "+15551000009", answered=False)
        await until(pilot, lambda: (pane.model.get(busy) or {}).get("outcome") == "busy", "busy")
        ok = await dial(pilot, "+15550011234")
        assert pane.model.get(ok)["outcome"] == "active"  # type: ignore[index]
        assert not pane.model.get(ok)["flagged"]  # type: ignore[index]


async def test_a_call_made_elsewhere_is_fetched_once_and_followed(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        pane = calls_pane(app)
        call_id = await app.client.calls.create(
            from_=owned_numbers(app)[0], to="+15550011234", callback_url=app.relay_callback_url
        )
        await until(pilot, lambda: state(app, call_id) == "active", "the answer event")
        await until(
            pilot, lambda: (pane.model.get(call_id) or {}).get("startTime"), "the call fetched"
        )
        row = pane.model.get(call_id)
        assert row is not None and row["to"] == "+15550011234" and row["direction"] == "out"
        gets = [r for r in app.api_log.model if call_id in str(app.api_log.model.get(r))]
        assert len(gets) == 1, "fetched once, then kept current from events"


async def _without_auto_answer(app: object) -> str:
    """Make the seeded application let calls ring; returns the number to call."""
    from bwconsole.tui.app import BwConsoleApp

    assert isinstance(app, BwConsoleApp)
    number = owned_numbers(app)[0]
    owned = await app.client.phone_numbers.get(number)
    assert owned.application_id is not None
    await app.client.applications.update(owned.application_id, auto_answer=False)
    return number


async def test_incoming_call_notifies_from_any_pane_and_a_answers(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="numbers") as (app, pilot):
        rings: list[None] = []
        app.bell = lambda: rings.append(None)  # type: ignore[method-assign]
        number = await _without_auto_answer(app)
        injected = await control(
            app, "/sandbox/inject/call", {"from": "+19195550123", "to": number}
        )
        call_id = injected["id"]
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen), "the notification")
        assert rings, "the terminal bell rang"
        parties = str(app.screen.query_one(".calls--incoming-parties").content)  # type: ignore[attr-defined]
        assert "+19195550123 ((919) 555-0123) is calling" in parties
        assert state(app, call_id) == "started"
        await pilot.press("a")
        await until(pilot, lambda: state(app, call_id) == "active", "the answer event")
        assert sandbox_call(app, call_id)["state"] == "active"
        assert app.current_pane is calls_pane(app), "the answered call is brought forward"
        assert calls_pane(app).table.cursor_key == call_id


async def test_incoming_call_rejected_from_the_notification_or_the_pane(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        number = await _without_auto_answer(app)
        first = (
            await control(app, "/sandbox/inject/call", {"from": "+19195550123", "to": number})
        )["id"]
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen), "the notification")
        await pilot.press("r")
        await until(pilot, lambda: state(app, first) == "rejected", "the reject")
        assert calls_pane(app).model.get(first)["cause"] == "CALL_REJECTED"  # type: ignore[index]

        second = (
            await control(app, "/sandbox/inject/call", {"from": "+19195550123", "to": number})
        )["id"]
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen), "the notification")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, IncomingCallScreen), "dismissed")
        await highlight(pilot, second)
        await pilot.press("r")
        await until(pilot, lambda: state(app, second) == "rejected", "the reject from the pane")

        third = (
            await control(app, "/sandbox/inject/call", {"from": "+19195550123", "to": number})
        )["id"]
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen), "the notification")
        await pilot.press("escape")
        await highlight(pilot, third)
        await pilot.press("a")
        await until(pilot, lambda: state(app, third) == "active", "the answer from the pane")


async def test_the_notification_closes_when_the_caller_gives_up(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        number = await _without_auto_answer(app)
        call_id = (
            await control(app, "/sandbox/inject/call", {"from": "+19195550123", "to": number})
        )["id"]
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen), "the notification")
        await control(app, f"/sandbox/calls/{call_id}/hangup", {})
        await until(pilot, lambda: not isinstance(app.screen, IncomingCallScreen), "it closed")
        assert state(app, call_id) == "completed"


async def test_the_balance_shows_cents_and_follows_a_call_charge_at_once(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        await until(pilot, lambda: app.balance, "the balance")
        before = app.balance
        assert before.rsplit(".", 1)[1].isdigit() and len(before.rsplit(".", 1)[1]) == 2
        call_id = await dial(pilot, "+15550011234")
        pane = calls_pane(app)
        await until(
            pilot, lambda: (pane.model.get(call_id) or {}).get("duration", 0) >= 1, "a minute"
        )
        await app.client.calls.hang_up(call_id)
        await until(pilot, lambda: state(app, call_id) == "completed", "the hangup")
        await until(pilot, lambda: app.balance != before, "the charge in the header")


async def test_quitting_with_a_call_up_says_what_happens_and_asks(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        await dial(pilot, "+15550011234")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 call is up" in app.screen.message and "SANDBOX_RESTARTED" in app.screen.message
        await pilot.press("n")
        await pilot.pause()
        assert app.return_code is None, "still running"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question again")
        await pilot.press("y")
        await until(pilot, lambda: app.return_code is not None, "the exit")


async def test_quitting_with_no_call_up_asks_nothing() -> None:
    from bwconsole.tui.app import BwConsoleApp

    app = BwConsoleApp()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code is not None

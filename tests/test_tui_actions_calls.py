"""The Calls pane's flows without Textual: `CallActions` on fake rows and a scripted console,
making real requests to the sandbox on loopback (dial, hang up, transfer, bridge...)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

import pytest
from conftest import CallbackReceiver
from fake_console import FakeConsole, as_console, sandbox_console

from bwconsole.servers import BackgroundServer
from bwconsole.tui.actions.calls import CallActions
from bwconsole.tui.console import Console
from bwconsole.tui.forms import Form
from bwconsole.tui.model import Column, TableModel

ANSWERS = "+15550011234"
"""Answers after a second (sandbox time), stays up until hung up."""


class Rows:
    """The Calls pane as its actions see it: rows, a cursor, notes and background work."""

    def __init__(self, console: FakeConsole) -> None:
        self._console = console
        self.model = TableModel([Column("id", "Id", 26)])
        self.highlighted: str | None = None
        self.started_here: set[str] = set()
        self.notes: dict[str, list[str]] = defaultdict(list)
        self.fetched: list[str] = []
        self.work: list[Awaitable[None]] = []

    @property
    def console(self) -> Console:
        return as_console(self._console)

    def update_call(self, call_id: str, **fields: Any) -> dict[str, Any]:
        row = {**(self.model.get(call_id) or {}), "id": call_id, **fields}
        self.model.upsert(call_id, row)
        return row

    def note(self, call_id: str, text: str) -> None:
        self.notes[call_id].append(text)

    def state_or(self, call_id: str, default: str) -> str:
        return str((self.model.get(call_id) or {}).get("state") or default)

    def highlight(self, call_id: str) -> None:
        self.highlighted = call_id

    def fetch(self, call_id: str) -> None:
        self.fetched.append(call_id)

    def run_guarded(self, work: Awaitable[None], *, group: str) -> None:
        self.work.append(work)

    async def run_work(self) -> None:
        while self.work:
            await self.work.pop(0)


@pytest.fixture
async def setup(
    sandbox_server: BackgroundServer, callback_receiver: CallbackReceiver, tmp_path: Path
) -> AsyncIterator[tuple[FakeConsole, Rows, CallActions, str]]:
    async with sandbox_console(sandbox_server, tmp_path, relay_url=callback_receiver.url) as fake:
        (ordered,) = await fake.client.available_numbers.order_local(area_code="919", quantity=1)
        assert ordered.number is not None
        rows = Rows(fake)
        yield fake, rows, CallActions(rows), ordered.number


async def _state_of(fake: FakeConsole, call_id: str, want: str) -> None:
    for _ in range(200):
        if (await fake.client.calls.get(call_id)).state == want:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"call {call_id} never became {want}")


async def _live_call(fake: FakeConsole, rows: Rows, caller: str, to: str = ANSWERS) -> str:
    call_id = await fake.client.calls.create(from_=caller, to=to)
    rows.update_call(call_id, state="started", **{"from": caller, "to": to})
    await _state_of(fake, call_id, "active")
    rows.update_call(call_id, state="active")
    return call_id


async def test_dial_offers_the_owned_numbers_places_the_call_and_gives_it_a_row(
    setup: tuple[FakeConsole, Rows, CallActions, str],
) -> None:
    fake, rows, actions, number = setup
    fake.answers = [{"to": ANSWERS, "timeout": "30"}]
    actions.dial()
    await rows.run_work()
    (asked,) = fake.asked
    form: Form = asked.detail
    assert asked.text == "Dial" and (number, number) in form.choices[0].options
    call_id = rows.highlighted
    assert call_id is not None and call_id in rows.started_here and rows.fetched == [call_id]
    call = await fake.client.calls.get(call_id)
    assert (call.from_, call.to) == (number, ANSWERS)
    assert call.callback_url == fake.relay_callback_url
    assert rows.notes[call_id] == [f"dialed {ANSWERS} from {number}"]


async def test_hang_up_asks_first_and_only_a_yes_ends_the_call(
    setup: tuple[FakeConsole, Rows, CallActions, str],
) -> None:
    fake, rows, actions, number = setup
    call_id = await _live_call(fake, rows, number)
    fake.answers = [False]
    await actions.hang_up(call_id)
    assert fake.asked[-1].text == f"Hang up the call {number} -> {ANSWERS}?"
    assert (await fake.client.calls.get(call_id)).state == "active" and not rows.notes[call_id]
    fake.answers = [True]
    await actions.hang_up(call_id)
    assert rows.notes[call_id] == ["hang-up requested"]
    await _state_of(fake, call_id, "completed")


async def test_transfer_gives_the_new_leg_a_row(
    setup: tuple[FakeConsole, Rows, CallActions, str],
) -> None:
    fake, rows, actions, number = setup
    call_id = await _live_call(fake, rows, number)
    fake.answers = [{"to": "+15550021234", "caller_id": "private", "whisper": "Hello"}]
    await actions.transfer(call_id)
    (leg,) = [key for key in rows.model if key != call_id]
    assert (await fake.client.calls.get(leg)).to == "+15550021234"
    assert rows.notes[leg] == [f"transfer leg of {call_id}"] and rows.fetched == [leg]
    assert rows.notes[call_id] == [f"transferring to +15550021234 (new leg {leg})"]


async def test_b_marks_then_bridges_two_calls(
    setup: tuple[FakeConsole, Rows, CallActions, str],
) -> None:
    fake, rows, actions, number = setup
    first = await _live_call(fake, rows, number)
    second = await _live_call(fake, rows, number, "+15550011235")
    rows.highlighted = first
    actions.bridge()
    assert actions.marked == first and (rows.model.get(first) or {})["mark"] == "*"
    rows.highlighted = second
    actions.bridge()
    await rows.run_work()
    bridge_id = (rows.model.get(first) or {})["bridgeId"]
    assert bridge_id and (rows.model.get(second) or {})["bridgeId"] == bridge_id
    assert (await fake.client.calls.get(first)).bridge_id == bridge_id
    assert actions.marked is None


async def test_speak_then_stop_and_recording_on(
    setup: tuple[FakeConsole, Rows, CallActions, str],
) -> None:
    fake, rows, actions, number = setup
    call_id = await _live_call(fake, rows, number)
    await actions.stop_audio(call_id)
    assert fake.notices[-1] == "Nothing is playing on this call." and not rows.notes[call_id]
    fake.answers = [{"sentence": "Hello there"}]
    await actions.speak(call_id)
    await actions.stop_audio(call_id)
    await actions.toggle_recording(call_id)
    assert rows.notes[call_id] == [
        "speak: Hello there",
        "playback stop requested",
        "recording switched on",
    ]
    assert (await fake.client.calls.get(call_id)).recording_enabled
    assert await actions.send_tones(call_id, "12#")
    assert rows.notes[call_id][-1] == "sent dtmf 12#"


async def test_nothing_selected_or_not_connected_is_told_and_sends_nothing(
    setup: tuple[FakeConsole, Rows, CallActions, str],
) -> None:
    fake, rows, actions, _ = setup
    actions.on_selected(actions.hang_up)
    assert fake.notices == ["No call selected: dial one with d."] and not rows.work
    rows.update_call("c-gone", state="completed", cause="NORMAL_CLEARING")
    rows.highlighted = "c-gone"
    assert actions.selected() is None
    assert fake.notices[-1] == "That call has ended (NORMAL_CLEARING)."
    fake.backend = None
    actions.dial()
    assert not rows.work and fake.notices[-1].startswith("Not connected to the account yet")


async def test_joining_a_conference_needs_a_call_dialled_for_it(
    setup: tuple[FakeConsole, Rows, CallActions, str],
) -> None:
    fake, rows, actions, number = setup
    call_id = await _live_call(fake, rows, number)
    await actions.conference(call_id)
    assert "only such a call can join one" in fake.notices[-1] and fake.asked == []

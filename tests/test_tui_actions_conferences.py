"""The Conferences pane's flows without Textual: `ConferenceActions` and the `Recruiter` on
fake rows and a scripted console, against the sandbox on loopback (create, mute, dial a
member in, add a call, end and hang up what is left)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

import pytest
from fake_console import FakeConsole, as_console, sandbox_console

from bwconsole.servers import BackgroundServer
from bwconsole.tui.actions import recruiting
from bwconsole.tui.actions.conferences import ConferenceActions
from bwconsole.tui.actions.recruiting import Recruiter
from bwconsole.tui.console import Console
from bwconsole.tui.model import Column, Row, TableModel

ANSWERS = "+15550011234"


class CallRows:
    """The Calls pane as the conference flows read it: rows and notes."""

    def __init__(self) -> None:
        self.model = TableModel([Column("id", "Id", 26)])
        self.notes: dict[str, list[str]] = defaultdict(list)

    def note(self, call_id: str, text: str) -> None:
        self.notes[call_id].append(text)


class ConferenceRows:
    """The Conferences pane as its actions see it."""

    def __init__(self, console: FakeConsole) -> None:
        self._console = console
        self.model = TableModel([Column("id", "Id", 26)])
        self.members: dict[str, dict[str, dict[str, Any]]] = {}
        self.highlighted: str | None = None
        self.created: list[str] = []
        self.work: list[Awaitable[None]] = []
        self.recruiter = Recruiter(self.console, self.joined)

    @property
    def console(self) -> Console:
        return as_console(self._console)

    def joined(self, conference_id: str, member: dict[str, Any]) -> None:
        self.members.setdefault(conference_id, {})[member["id"]] = dict(member)

    def selected(self) -> tuple[str, Row] | None:
        key = self.highlighted
        row = self.model.get(key) if key is not None else None
        return None if key is None or row is None else (key, row)

    def selected_member(self) -> tuple[str, str, dict[str, Any]] | None:
        selected = self.selected()
        if selected is None or not self.members.get(selected[0]):
            return None
        member_id, member = next(iter(self.members[selected[0]].items()))
        return selected[0], member_id, member

    def merge(self, conference_id: str, changes: dict[str, Any]) -> None:
        row = dict(self.model.get(conference_id) or {"id": conference_id})
        row.update({key: value for key, value in changes.items() if value is not None})
        self.model.upsert(conference_id, row)

    def show_created(self, conference_id: str) -> None:
        self.created.append(conference_id)
        self.highlighted = conference_id

    async def refresh_conference(self, conference_id: str) -> None:
        conference = await self.console.client.conferences.get(conference_id)
        self.merge(conference_id, {"state": conference.state, "from": conference.from_})

    def party(self, call_id: str) -> str:
        return str((self._console.panes["calls"].model.get(call_id) or {}).get("to") or "")

    def run_guarded(self, work: Awaitable[None], *, group: str) -> None:
        self.work.append(work)

    async def run_work(self) -> None:
        while self.work:
            await self.work.pop(0)


@pytest.fixture
async def setup(
    sandbox_server: BackgroundServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[FakeConsole, ConferenceRows, ConferenceActions, str]]:
    monkeypatch.setattr(recruiting, "POLL_SECONDS", 0.02)
    async with sandbox_console(sandbox_server, tmp_path) as fake:
        (ordered,) = await fake.client.available_numbers.order_local(area_code="919", quantity=1)
        assert ordered.number is not None
        fake.panes["calls"] = CallRows()
        rows = ConferenceRows(fake)
        yield fake, rows, ConferenceActions(rows), ordered.number


async def _create(fake: FakeConsole, rows: ConferenceRows, actions: ConferenceActions) -> str:
    fake.answers = [{}]  # the form offers the account's number
    actions.create()
    await rows.run_work()
    (conference_id,) = rows.created
    return conference_id


async def _active(fake: FakeConsole, call_id: str) -> None:
    for _ in range(200):
        if (await fake.client.calls.get(call_id)).state == "active":
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"call {call_id} never answered")


async def test_create_offers_an_owned_number_and_mute_all_switches_the_conference(
    setup: tuple[FakeConsole, ConferenceRows, ConferenceActions, str],
) -> None:
    fake, rows, actions, number = setup
    conference_id = await _create(fake, rows, actions)
    assert fake.asked[0].detail.fields[0].value == number
    assert (await fake.client.conferences.get(conference_id)).from_ == number
    assert (rows.model.get(conference_id) or {})["state"] in ("created", "active")
    assert f"Conference {conference_id} created" in fake.notices[0]
    actions.toggle_conference("mute", "muted", "unmuted")
    await rows.run_work()
    assert (await fake.client.conferences.get(conference_id)).mute is True
    assert (rows.model.get(conference_id) or {})["mute"] is True
    assert fake.notices[-1] == f"Conference {conference_id} muted."


async def test_a_dialled_member_joins_once_answered_and_can_be_muted(
    setup: tuple[FakeConsole, ConferenceRows, ConferenceActions, str],
) -> None:
    fake, rows, actions, number = setup
    conference_id = await _create(fake, rows, actions)
    fake.answers = [{"to": ANSWERS}]
    actions.dial()  # no relay: the call is read back until it is answered
    await rows.run_work()
    assert fake.asked[-1].text == f"Dial a new member into {conference_id}"
    ((member_id, member),) = rows.members[conference_id].items()
    assert f"{ANSWERS} answered and joined conference {conference_id}." in fake.notices
    (listed,) = [m async for m in fake.client.conferences.list_members(conference_id)]
    assert listed.id == member_id and (listed.call or "").endswith(member["call"])
    actions.toggle_member("mute", "muted", "unmuted")
    await rows.run_work()
    assert (await fake.client.conferences.get_member(conference_id, member_id)).mute is True
    assert fake.notices[-1] == f"Member {member_id} muted."


async def test_add_call_offers_calls_dialled_for_the_conference_then_end_offers_hang_up(
    setup: tuple[FakeConsole, ConferenceRows, ConferenceActions, str],
) -> None:
    fake, rows, actions, number = setup
    conference_id = await _create(fake, rows, actions)
    call_id = await fake.client.calls.create(from_=number, to=ANSWERS, conference_id=conference_id)
    await _active(fake, call_id)
    calls: CallRows = fake.panes["calls"]
    calls.model.upsert(
        call_id,
        {
            "id": call_id,
            "state": "active",
            "direction": "out",
            "to": ANSWERS,
            "conferenceId": conference_id,
        },
    )
    fake.answers = [lambda options: options[0][0]]
    actions.add_call()
    await rows.run_work()
    pick = fake.asked[-1]
    assert pick.kind == "choose" and pick.detail == [(call_id, f"{ANSWERS}  out active")]
    assert [m["call"] for m in rows.members[conference_id].values()] == [call_id]
    assert fake.notices[-1] == f"Call {call_id} joined conference {conference_id}."

    fake.answers = [True, True]  # end it, then hang up the call left up
    actions.end()
    await rows.run_work()
    end, hang_up = fake.asked[-2:]
    assert end.text.startswith(f"End conference {conference_id}?")
    assert hang_up.detail == "Hang up" and f"{ANSWERS} ({call_id})" in hang_up.text
    assert (await fake.client.conferences.get(conference_id)).state == "completed"
    assert calls.notes[call_id] == [
        f"left conference {conference_id}; the call is still up",
        "hang-up requested",
    ]


async def test_nothing_to_add_is_explained_and_asks_nothing(
    setup: tuple[FakeConsole, ConferenceRows, ConferenceActions, str],
) -> None:
    fake, rows, actions, _ = setup
    conference_id = await _create(fake, rows, actions)
    actions.add_call()
    await rows.run_work()
    assert len(fake.asked) == 1  # only the create form
    assert fake.notices[-1].startswith(f"No answered call was dialled for {conference_id}")

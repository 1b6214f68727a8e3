"""Conferences pane on the embedded sandbox: every action, the REST effect and the live row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console_helpers import connected_console, until
from textual.pilot import Pilot
from textual.widgets import Input

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.screens.application_picker import ApplicationPickerScreen
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.widgets.conferences import ConferencesPane

ANSWERS = "+15550010000"  # the sandbox far end that answers after 1 s and stays


def pane_of(app: BwConsoleApp) -> ConferencesPane:
    pane = app.pane("conferences")
    assert isinstance(pane, ConferencesPane)
    return pane


def sandbox(app: BwConsoleApp, kind: str) -> Any:
    assert app.backend is not None
    return app.backend.sandbox.collection(kind)


def owned(app: BwConsoleApp) -> str:
    return str(next(iter(sandbox(app, "phoneNumbers")))["number"])


def row(app: BwConsoleApp, conference_id: str) -> dict[str, Any]:
    return dict(pane_of(app).model.get(conference_id) or {})


def member(app: BwConsoleApp, conference_id: str, member_id: str) -> dict[str, Any]:
    return pane_of(app).members.get(conference_id, {}).get(member_id, {})


async def fill(pilot: Pilot[None], app: BwConsoleApp, **values: str) -> None:
    """Fill the open form's fields and submit it."""
    await until(pilot, lambda: isinstance(app.screen, FormScreen), "a form")
    for name, value in values.items():
        app.screen.query_one(f"#field-{name}", Input).value = value
    await pilot.press("enter")


def calls_of(app: BwConsoleApp) -> Any:
    return app.pane("calls").model


async def conference_with_member(app: BwConsoleApp, pilot: Pilot[None]) -> tuple[str, str, str]:
    """A conference made through the API, with one answered member: (conference, member, call).

    The pane learns of it from the `conference` event alone (v1 cannot list conferences)."""
    assert app.backend is not None
    client, relay = app.client, app.relay_callback_url
    conference_id = await client.conferences.create(from_=owned(app), callback_url=relay)
    call_id = await client.calls.create(
        from_=owned(app), to=ANSWERS, conference_id=conference_id, callback_url=relay
    )
    await until(pilot, lambda: sandbox(app, "calls").get(call_id)["state"] == "active", "answer")
    member_id = await client.conferences.add_member(conference_id, call_id=call_id)
    await until(pilot, lambda: member(app, conference_id, member_id), "the member event")
    pane = pane_of(app)
    pane.table.move_cursor(pane.model.index_of(conference_id) or 0)
    return conference_id, member_id, call_id


async def test_create_asks_for_an_owned_number_and_remembers_the_conference(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="conferences") as (app, pilot):
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, FormScreen), "the create form")
        assert app.screen.query_one("#field-from", Input).value == owned(app)
        await pilot.press("enter")
        await until(pilot, lambda: len(sandbox(app, "conferences")) == 1, "the conference")
        (created,) = sandbox(app, "conferences")
        assert created["from"] == owned(app)
        assert app.backend is not None
        assert created["callbackUrl"] == app.relay_callback_url
        await until(pilot, lambda: row(app, created["id"]).get("state") == "created", "the row")
        assert pane_of(app).index is not None
        assert pane_of(app).index.ids() == [created["id"]]  # type: ignore[union-attr]


async def test_the_index_brings_conferences_back_with_their_members(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="numbers") as (app, pilot):
        # Made without a callback: no event, so only the index can bring it to the pane.
        conference_id = await app.client.conferences.create(from_=owned(app))
        pane = pane_of(app)
        assert pane.index is not None
        pane.index.remember(conference_id)
        pane.index.remember("conf-from-a-forgotten-sandbox")
        await pilot.press("3")
        await until(pilot, lambda: row(app, conference_id).get("state") == "created", "refresh")
        assert pane.index.ids() == [conference_id]
        assert "conf-from-a-forgotten-sandbox" not in pane.model


async def test_dial_in_calls_the_number_and_joins_it_when_answered(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="conferences") as (app, pilot):
        assert app.backend is not None
        conference_id = await app.client.conferences.create(
            from_=owned(app), callback_url=app.relay_callback_url
        )
        pane = pane_of(app)
        await until(pilot, lambda: conference_id in pane.model, "the created event")
        pane.table.move_cursor(pane.model.index_of(conference_id) or 0)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, FormScreen), "the dial form")
        assert app.screen.query_one("#field-from", Input).value == owned(app)
        await fill(pilot, app, to=ANSWERS)
        await until(pilot, lambda: row(app, conference_id).get("activeMembers") == 1, "join")
        (joined,) = sandbox(app, "members")
        assert joined["state"] == "active"
        assert sandbox(app, "calls").get(joined["_callId"])["to"] == ANSWERS
        assert member(app, conference_id, joined["id"])["state"] == "active"
        assert row(app, conference_id)["state"] == "active"
        assert joined["id"] in str(pane.detail.content)


async def test_dial_in_to_a_busy_number_says_nobody_joined(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="conferences") as (app, pilot):
        conference_id, _, _ = await conference_with_member(app, pilot)
        await pilot.press("d")
        await fill(pilot, app, to="+15551000000")
        await until(
            pilot,
            lambda: any("did not answer" in str(n.message) for n in app._notifications),
            "the not-answered notice",
        )
        assert row(app, conference_id)["activeMembers"] == 1


async def test_add_call_offers_the_calls_made_for_it_and_says_when_there_are_none(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="conferences") as (app, pilot):
        conference_id, _, _ = await conference_with_member(app, pilot)
        assert app.backend is not None
        relay = app.relay_callback_url
        fitting = await app.client.calls.create(
            from_=owned(app), to=ANSWERS, conference_id=conference_id, callback_url=relay
        )
        stranger = await app.client.calls.create(from_=owned(app), to=ANSWERS, callback_url=relay)
        calls = sandbox(app, "calls")
        await until(
            pilot,
            lambda: calls.get(fitting)["state"] == calls.get(stranger)["state"] == "active",
            "both calls to be answered",
        )
        await until(
            pilot,
            lambda: (calls_of(app).get(fitting) or {}).get("conferenceId") == conference_id,
            "the Calls pane to know the call",
        )
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ApplicationPickerScreen), "picker")
        picker = app.screen
        assert isinstance(picker, ApplicationPickerScreen)
        offered = [
            picker.options.get_option_at_index(i).id for i in range(picker.options.option_count)
        ]
        assert offered == [fitting], "only the answered call dialled for it, not yet a member"
        await pilot.press("enter")
        await until(pilot, lambda: row(app, conference_id).get("activeMembers") == 2, "join")
        await pilot.press("a")
        await until(
            pilot,
            lambda: any(
                "No answered call was dialled" in str(n.message) for n in app._notifications
            ),
            "nothing left to add, in words",
        )
        assert stranger not in str(app._notifications)
        assert row(app, conference_id)["activeMembers"] == 2


async def test_mute_and_hold_a_member_then_the_whole_conference(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="conferences") as (app, pilot):
        conference_id, member_id, _ = await conference_with_member(app, pilot)
        stored = sandbox(app, "members").get(member_id)
        await pilot.press("m")
        await until(pilot, lambda: member(app, conference_id, member_id).get("mute"), "muted")
        assert stored["mute"] is True
        await pilot.press("m")
        await until(pilot, lambda: member(app, conference_id, member_id)["mute"] is False, "back")
        await pilot.press("h")
        await until(pilot, lambda: member(app, conference_id, member_id).get("hold"), "held")
        assert stored["hold"] is True
        assert "held" in str(pane_of(app).detail.content)
        await pilot.press("M")
        await until(pilot, lambda: row(app, conference_id).get("flags") == "muted", "all muted")
        assert sandbox(app, "conferences").get(conference_id)["mute"] is True
        await pilot.press("H")
        await until(pilot, lambda: row(app, conference_id)["flags"] == "muted, held", "all held")
        assert sandbox(app, "conferences").get(conference_id)["hold"] is True


async def test_speak_and_play_to_everyone_and_to_one_member(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="conferences") as (app, pilot):
        conference_id, _, call_id = await conference_with_member(app, pilot)
        events = app.events_log.model

        def seen(event_type: str, resource: str) -> bool:
            return any(
                (r := events.get(k)) is not None
                and r["type"] == event_type
                and r["resource"] == resource
                for k in events
            )

        await pilot.press("t")
        # 100 words last 40 API seconds (2 s here): "speaking" stays up long enough to be
        # seen even when a loaded machine delays the started event.
        await fill(pilot, app, sentence=" ".join(["welcome"] * 100))
        await until(pilot, lambda: row(app, conference_id).get("audio") == "speaking", "speaking")
        await until(pilot, lambda: row(app, conference_id)["audio"] == "", "speech done")
        await pilot.press("T")
        await fill(pilot, app, sentence="just for you")
        await until(pilot, lambda: seen("speak", call_id), "a speak event on the member's call")
        await pilot.press("u")
        await fill(pilot, app, url="https://example.com/hold.mp3")
        await until(pilot, lambda: seen("conference-playback", conference_id), "playback event")
        await pilot.press("U")
        await fill(pilot, app, url="https://example.com/one.mp3")
        await until(pilot, lambda: seen("playback", call_id), "a playback on the member's call")


async def test_remove_a_member_then_end_a_conference_after_confirming(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="conferences") as (app, pilot):
        conference_id, member_id, call_id = await conference_with_member(app, pilot)
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert member_id in app.screen.message  # type: ignore[attr-defined]
        await pilot.press("n")
        await pilot.pause(0.2)
        assert member(app, conference_id, member_id)["state"] == "active"  # asked, kept
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(
            pilot, lambda: member(app, conference_id, member_id)["state"] == "completed", "left"
        )
        # The call stays up: the console says so and offers to hang it up; a no keeps it.
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the hang-up offer")
        assert call_id in app.screen.message and "still up" in app.screen.message  # type: ignore[attr-defined]
        await pilot.press("n")
        assert sandbox(app, "calls").get(call_id)["state"] == "active"
        assert "still up" in str(calls_of(app).get(call_id))
        # Nobody left: the API completes the conference, and the event says so.
        await until(pilot, lambda: row(app, conference_id)["state"] == "completed", "completed")

        other, _, other_call = await conference_with_member(app, pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("n")
        await pilot.pause(0.2)
        assert sandbox(app, "conferences").get(other)["state"] == "active"
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: row(app, other).get("state") == "completed", "ended")
        assert sandbox(app, "conferences").get(other)["state"] == "completed"
        assert row(app, other)["activeMembers"] == 0
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the hang-up offer")
        assert other_call in app.screen.message  # type: ignore[attr-defined]
        await pilot.press("y")
        done = lambda: sandbox(app, "calls").get(other_call)["state"] == "completed"  # noqa: E731
        await until(pilot, done, "the member's call hung up")


async def test_member_mark_moves_between_members(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="conferences") as (app, pilot):
        conference_id, first, _ = await conference_with_member(app, pilot)
        pane = pane_of(app)
        await until(pilot, lambda: ANSWERS in str(pane.detail.content), "the member's number")
        pane.members[conference_id]["m-second"] = {"id": "m-second", "state": "active"}
        await pilot.press("right_square_bracket")
        marked = str(pane.detail.content).split("▶ ", 1)[1]
        assert marked.startswith("unknown party") and "m-second" in marked.split("\n")[1]
        await pilot.press("left_square_bracket")
        marked = str(pane.detail.content).split("▶ ", 1)[1]
        assert marked.startswith(ANSWERS) and first in marked.split("\n")[1]


async def test_without_answer_events_the_dialled_call_is_read_back_until_answered(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="conferences") as (app, pilot):
        conference_id, _, _ = await conference_with_member(app, pilot)
        # A call with no callback URL sends no answer event: only reading it back tells.
        call_id = await app.client.calls.create(
            from_=owned(app), to=ANSWERS, conference_id=conference_id
        )
        pane = pane_of(app)
        pane.recruiter.pending[call_id] = (conference_id, ANSWERS)
        await pane.recruiter.poll(call_id)
        assert call_id not in pane.recruiter.pending
        joined = [m for m in sandbox(app, "members") if m["_callId"] == call_id]
        assert [m["state"] for m in joined] == ["active"]
        await until(pilot, lambda: row(app, conference_id).get("activeMembers") == 2, "join")

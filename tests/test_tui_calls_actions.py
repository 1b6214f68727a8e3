"""Calls pane actions on a live call: the key, the form, the REST call, then the event on the row."""

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
from bwconsole.tui.screens.call_keypad import KeypadScreen
from bwconsole.tui.widgets.dtmf_keypad import tone_id


async def test_blind_transfer_with_caller_id_and_whisper_adds_the_new_leg(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        call_id = await dial(pilot, "+15550011234")
        before = sandbox_call_ids(app)
        await pilot.press("t")
        screen = await form(pilot)
        screen.inputs["caller_id"].value = "private"
        screen.inputs["whisper"].value = "Transferring a customer"
        await pilot.press(*"+15550021234", "enter")
        await until(pilot, lambda: sandbox_call_ids(app) - before, "the new leg")
        (leg,) = sandbox_call_ids(app) - before
        assert (sandbox_call(app, leg)["to"], sandbox_call(app, leg)["from"]) == (
            "+15550021234",
            "private",
        )
        await until(pilot, lambda: state(app, leg) == "active", "the leg answered")
        assert f"transfer leg of {call_id}" in notes(app, leg)
        assert "transferring to +15550021234" in notes(app, call_id)


async def test_mark_one_call_then_bridge_it_with_another(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        first = await dial(pilot, "+15550011234")
        second = await dial(pilot, "+15550011235")
        await highlight(pilot, first)
        await pilot.press("b")
        pane = calls_pane(app)
        assert pane.model.get(first)["mark"] == "*"  # type: ignore[index]
        await highlight(pilot, second)
        await pilot.press("b")
        await until(pilot, lambda: (pane.model.get(first) or {}).get("bridgeId"), "the bridge")
        bridge_id = pane.model.get(first)["bridgeId"]  # type: ignore[index]
        assert sandbox_call(app, first)["bridgeId"] == bridge_id
        assert sandbox_call(app, second)["bridgeId"] == bridge_id
        assert pane.model.get(first)["mark"] == ""  # type: ignore[index]


async def test_speak_play_media_or_a_url_and_stop_show_their_events(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        await app.client.media.upload("hold.wav", b"RIFF....WAVE", content_type="audio/wav")
        call_id = await dial(pilot, "+15550011234")
        await pilot.press("k")
        speak = await form(pilot)
        # 100 words: 40 API seconds, 2 s here, long enough to be stopped while it plays.
        speak.inputs["sentence"].value = "Hello there " * 50
        await pilot.press("enter")
        await until(pilot, lambda: "speak started" in notes(app, call_id), "the speak event")
        await pilot.press("x")
        await until(pilot, lambda: "playback stop requested" in notes(app, call_id), "the stop")
        await until(pilot, lambda: "speak done" in notes(app, call_id), "the speech stopped")

        await pilot.press("l")
        screen = await form(pilot, ChoiceFormScreen)
        assert isinstance(screen, ChoiceFormScreen)
        await pilot.press("enter")  # neither a file nor a URL yet
        assert "media file or type an audio URL" in str(screen.form_error.content)
        media = [value for _, value in screen.selects["media"]._options if value]
        screen.selects["media"].value = next(v for v in media if str(v).endswith("hold.wav"))
        await pilot.press("enter")
        await until(pilot, lambda: "playback done" in notes(app, call_id), "playback (3 s)")
        assert "play: " in notes(app, call_id) and "hold.wav" in notes(app, call_id)
        await pilot.press("x")  # nothing plays any more: said, and no request is sent
        await until(
            pilot,
            lambda: any("Nothing is playing" in n.message for n in app._notifications),
            "the nothing-playing notice",
        )
        assert notes(app, call_id).count("playback stop requested") == 1

        await pilot.press("l")
        await form(pilot, ChoiceFormScreen)
        await pilot.press(*"https://example.com/a.mp3", "enter")
        await until(pilot, lambda: "play: https://example.com/a.mp3" in notes(app, call_id), "url")
        await until(pilot, lambda: notes(app, call_id).count("playback started") == 2, "played")


async def test_keypad_sends_each_tone_and_a_string_to_the_linked_leg(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        caller, callee = owned_numbers(app)[:2]
        outbound = await dial(pilot, callee, caller=caller)
        pane = calls_pane(app)
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen), "the inbound leg")
        inbound = app.screen.call_id  # type: ignore[attr-defined]
        await pilot.press("escape")
        await highlight(pilot, outbound)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, KeypadScreen), "the keypad")
        keypad = app.screen
        assert isinstance(keypad, KeypadScreen)
        await pilot.press("1")
        await pilot.click(f"#{tone_id('#')}")
        await until(pilot, lambda: len(keypad.sent) == 2, "two tones sent")
        await pilot.press("tab")
        await pilot.press(*"42", "enter")
        await until(pilot, lambda: keypad.sent == ["1", "#", "42"], "the string sent")
        await until(
            pilot, lambda: (pane.model.get(inbound) or {}).get("heard") == "1#42", "dtmf events"
        )
        await pilot.press("escape")
        assert "sent dtmf 42" in notes(app, outbound)


async def test_gather_shows_the_digits_when_the_event_arrives(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        call_id = await dial(pilot, "+15550011234")
        await pilot.press("g")
        screen = await form(pilot)
        assert screen.inputs["terminating"].value == "#"
        # 30 API seconds (1.5 s here) to press the first digit: room for a busy machine.
        screen.inputs["inter_digit"].value = "30"
        await pilot.press("enter")
        await until(pilot, lambda: "gathering up to 30 digits" in notes(app, call_id), "started")
        # The far end presses digits only once the gather listens (a timed far end would race
        # the form on a busy machine).
        await control(app, f"/sandbox/calls/{call_id}/dtmf", {"digits": "123#"})
        pane = calls_pane(app)
        await until(pilot, lambda: (pane.model.get(call_id) or {}).get("digits"), "the gather")
        assert pane.model.get(call_id)["digits"] == "123"  # type: ignore[index]
        assert "gathered 123 (terminating-digit)" in notes(app, call_id)


async def test_recording_toggles_on_then_off_and_the_recording_completes(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        call_id = await dial(pilot, "+15550011234")
        await pilot.press("R")
        await until(pilot, lambda: sandbox_call(app, call_id).get("recordingEnabled"), "on")
        await pilot.press("R")
        await until(pilot, lambda: not sandbox_call(app, call_id).get("recordingEnabled"), "off")
        await until(pilot, lambda: "complete" in notes(app, call_id), "the recording event")


async def test_a_call_dialed_with_a_conference_id_joins_it(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        conference_id = await app.client.conferences.create(
            from_=owned_numbers(app)[0], callback_url=app.relay_callback_url
        )
        await pilot.press("d")
        screen = await form(pilot, ChoiceFormScreen)
        screen.inputs["conference"].value = conference_id
        before = sandbox_call_ids(app)
        await pilot.press(*"+15550011234", "enter")
        await until(pilot, lambda: sandbox_call_ids(app) - before, "the call")
        (call_id,) = sandbox_call_ids(app) - before
        await until(pilot, lambda: state(app, call_id) == "active", "the answer")
        await pilot.press("c")  # it was dialled for this conference: it joins at once
        await until(pilot, lambda: "member active" in notes(app, call_id), "the member event")
        members = await app.client.conferences.list_members(conference_id)
        assert [m.call for m in members if m.call and m.call.endswith(call_id)]


async def test_c_on_an_ordinary_call_explains_and_leaves_no_empty_conference(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="calls") as (app, pilot):
        call_id = await dial(pilot, "+15550011234")
        conferences = app.backend.sandbox.collection("conferences")  # type: ignore[union-attr]
        before = len(conferences)
        await pilot.press("c")
        await until(
            pilot,
            lambda: any(
                "not dialled for a conference" in str(n.message) for n in app._notifications
            ),
            "the explanation",
        )
        await pilot.pause(0.3)
        assert len(conferences) == before, "no conference is created for nothing"
        assert all("None" not in str(n.message) for n in app._notifications)
        assert "conference" not in notes(app, call_id)

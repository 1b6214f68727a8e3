"""The Calls pane offline: its forms and keypad on a bare app, and rows built from events alone."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from bwconsole.live import LiveEvent
from bwconsole.tui.actions.call_forms import (
    dial_form,
    gather_form,
    play_form,
    playable,
    transfer_form,
)
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.screens.call_form import form_screen
from bwconsole.tui.screens.call_incoming import IncomingCallScreen
from bwconsole.tui.screens.call_keypad import KeypadScreen
from bwconsole.tui.widgets.calls import CallsPane
from bwconsole.tui.widgets.dtmf_keypad import KEYPAD_LAYOUT, tone_id
from tests.live_events import relay_event

SOURCES = [("+19195550100  main line", "+19195550100"), ("sip:me@x.sip.test", "sip:me@x.sip.test")]


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("host")

    def ask(self, screen: Screen[object]) -> None:
        self.push_screen(screen, self.results.append)


async def test_dial_form_preselects_the_caller_and_accepts_a_sip_destination() -> None:
    app = Host()
    async with app.run_test() as pilot:
        app.ask(form_screen(dial_form(SOURCES, caller="sip:me@x.sip.test", to="")))
        await pilot.pause()
        await pilot.press(*"sip:bob@example.com", "enter")
        await pilot.pause()
        assert app.results == [
            {
                "from": "sip:me@x.sip.test",
                "to": "sip:bob@example.com",
                "timeout": "",
                "conference": "",
            }
        ]


async def test_gather_form_explains_a_bad_terminator_and_digit_count() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = form_screen(gather_form())
        app.ask(screen)
        await pilot.pause()
        screen.inputs["max_digits"].value = "31"
        screen.inputs["terminating"].value = "x"
        await pilot.press("enter")
        assert "between 1 and 30" in str(screen.errors["max_digits"].content)
        assert "0-9, * and #" in str(screen.errors["terminating"].content)
        assert app.results == []


async def test_play_form_wants_exactly_one_source() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = form_screen(play_form([("hold.wav", "https://media.test/hold.wav")]))
        app.ask(screen)
        await pilot.pause()
        screen.selects["media"].value = "https://media.test/hold.wav"
        await pilot.press(*"https://example.com/a.mp3", "enter")
        assert "one of the two" in str(screen.form_error.content)
        screen.inputs["url"].value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [{"media": "https://media.test/hold.wav", "url": ""}]


async def test_keypad_refuses_tones_the_api_cannot_send() -> None:
    app = BwConsoleApp()  # the keypad sends through the console's guarded workers
    results: list[object] = []
    sent: list[str] = []

    async def send(tones: str) -> bool:
        sent.append(tones)
        return True

    async with app.run_test() as pilot:
        keypad = KeypadScreen("a call", send)
        app.push_screen(keypad, results.append)
        await pilot.pause()
        assert len(keypad.query(".dtmf--key")) == sum(len(row) for row in KEYPAD_LAYOUT)
        await pilot.click(f"#{tone_id('*')}")
        await pilot.press("asterisk", "tab", *"12x", "enter")
        await pilot.pause()
        assert "'x' cannot be sent" in str(keypad.error_line.content)
        assert sent == ["*", "*"]
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]


def live(seq: int, payload: dict[str, object]) -> LiveEvent:
    """A relay event as the live client hands it over (typed by the real parser)."""
    return relay_event(seq, payload=payload, typed=True)


async def test_events_alone_move_a_call_through_its_life_offline() -> None:
    app = BwConsoleApp(initial_pane="numbers")
    async with app.run_test() as pilot:
        pane = app.pane("calls")
        call = {"callId": "c-1", "from": "+19195550123", "to": "+19195550100"}
        app.on_live_event(live(1, {"eventType": "incomingcall", **call, "callState": "started"}))
        await pilot.pause()
        assert isinstance(app.screen, IncomingCallScreen)
        assert pane.model.get("c-1")["state"] == "started"  # type: ignore[index]
        app.on_live_event(live(2, {"eventType": "answer", **call, "callState": "active"}))
        await pilot.pause()
        assert "automatically" in str(app.screen.state_line.content)  # type: ignore[attr-defined]
        app.on_live_event(live(3, {"eventType": "dtmf", "callId": "c-1", "dtmfDigit": "5"}))
        app.on_live_event(
            live(
                4,
                {
                    "eventType": "hangup",
                    **call,
                    "cause": "NORMAL_CLEARING",
                    "callState": "completed",
                },
            )
        )
        await pilot.pause()
        assert not isinstance(app.screen, IncomingCallScreen), "an ended call's notification closes"
        row = pane.model.get("c-1")
        assert row is not None
        assert (row["state"], row["cause"], row["heard"]) == ("completed", "NORMAL_CLEARING", "5")
        app.on_live_event(live(5, {"eventType": "hangup", "cause": "NORMAL_CLEARING"}))
        app.on_live_event(live(6, {"eventType": "no-such-event", "callId": "c-2"}))
        app.on_live_event(live(7, {"no": "type"}))
        await pilot.pause()
        assert pane.model.total == 1


async def test_actions_before_the_account_is_connected_say_so() -> None:
    app = BwConsoleApp(initial_pane="calls")
    async with app.run_test() as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert any("Not connected" in str(n.message) for n in app._notifications)
        assert app.is_running


async def test_an_older_answer_from_the_api_never_moves_a_call_back() -> None:
    app = BwConsoleApp(initial_pane="calls")
    async with app.run_test() as pilot:
        pane = app.pane("calls")
        assert isinstance(pane, CallsPane)
        pane.update_call("c-1", state="active", activeAt=1.0)
        pane.update_call("c-1", state="started", activeAt=None)
        assert pane.model.get("c-1")["state"] == "active"  # type: ignore[index]
        pane.update_call("c-1", state="completed", cause="NORMAL_CLEARING", endAt=5.0)
        pane.update_call("c-1", state="active", endAt=None)
        await pilot.pause()
        row = pane.model.get("c-1")
        assert row is not None and (row["state"], row["cause"]) == ("completed", "NORMAL_CLEARING")


async def test_transfer_form_refuses_a_bad_caller_id_and_keeps_the_whisper() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = form_screen(transfer_form())
        app.ask(screen)
        await pilot.pause()
        screen.inputs["caller_id"].value = "bob"
        screen.inputs["whisper"].value = "A customer for you"
        await pilot.press(*"+15550021234", "enter")
        assert "private or a phone number" in str(screen.errors["caller_id"].content)
        screen.inputs["caller_id"].value = "private"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [
            {"to": "+15550021234", "caller_id": "private", "whisper": "A customer for you"}
        ]


async def test_enter_on_the_caller_list_submits_and_an_open_list_takes_enter() -> None:
    app = Host()
    async with app.run_test() as pilot:
        screen = form_screen(dial_form(SOURCES, caller=None, to="+19195551234"))
        app.ask(screen)
        await pilot.pause()
        screen.selects["from"].focus()
        await pilot.press("space")  # opens the list
        await pilot.pause()
        assert screen.selects["from"].expanded
        await pilot.press("down", "enter")  # chooses in it, does not submit
        await pilot.pause()
        assert app.results == [] and not screen.selects["from"].expanded
        await pilot.press("enter")  # on the closed list: submits
        await pilot.pause()
        assert app.results == [
            {"from": "sip:me@x.sip.test", "to": "+19195551234", "timeout": "", "conference": ""}
        ]


def test_the_play_form_offers_audio_files_only() -> None:
    media = [
        ("r-abc.wav", "https://m/r-abc.wav"),
        ("tr-abc", "https://m/tr-abc"),
        ("hold.MP3", "https://m/hold.MP3"),
        ("photo.png", "https://m/photo.png"),
    ]
    assert playable(media) == [
        ("r-abc.wav", "https://m/r-abc.wav"),
        ("hold.MP3", "https://m/hold.MP3"),
    ]


async def test_stop_with_nothing_playing_says_so_and_sends_nothing() -> None:
    app = BwConsoleApp(initial_pane="calls")
    async with app.run_test() as pilot:
        pane = app.pane("calls")
        assert isinstance(pane, CallsPane)
        pane.update_call("c-1", state="active", direction="out", playback_on=False)
        await pilot.pause()
        await pane.actions.stop_audio("c-1")
        await pilot.pause()
        assert any("Nothing is playing" in n.message for n in app._notifications)
        assert len(app.api_log.model) == 0

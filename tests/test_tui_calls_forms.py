"""The Calls pane's forms and keypad on a bare app: checks in words, values as typed."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from bwconsole.tui.screens.call_dialogs import dial_form, gather_form, play_form
from bwconsole.tui.screens.call_keypad import KeypadScreen
from bwconsole.tui.widgets.dtmf_keypad import KEYPAD_LAYOUT, tone_id

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
        app.ask(dial_form(SOURCES, caller="sip:me@x.sip.test", to=""))
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
        screen = gather_form()
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
        screen = play_form([("hold.wav", "https://media.test/hold.wav")])
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
    app = Host()
    sent: list[str] = []

    async def send(tones: str) -> bool:
        sent.append(tones)
        return True

    async with app.run_test() as pilot:
        keypad = KeypadScreen("a call", send)
        app.ask(keypad)
        await pilot.pause()
        assert len(keypad.query(".dtmf--key")) == sum(len(row) for row in KEYPAD_LAYOUT)
        await pilot.click(f"#{tone_id('*')}")
        await pilot.press("asterisk", "tab", *"12x", "enter")
        await pilot.pause()
        assert "'x' cannot be sent" in str(keypad.error_line.content)
        assert sent == ["*", "*"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]

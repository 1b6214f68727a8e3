"""Phone numbers in the console's forms: typed as people write them, sent in E.164."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from bwconsole.tui import phone
from bwconsole.tui.actions.call_forms import dial_form
from bwconsole.tui.forms import Field
from bwconsole.tui.screens.call_form import form_screen
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.screens.message_compose import Draft, MessageComposeScreen
from bwconsole.tui.validators import E164, Required


@pytest.fixture(autouse=True)
def us_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phone, "_region", None)


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("host")


@pytest.mark.parametrize(
    "typed", ["919-555-1234", "(919) 555 1234", "+1 919 555 1234", " +19195551234 ", "9195551234"]
)
def test_numbers_as_people_write_them_become_e164(typed: str) -> None:
    assert phone.to_e164(typed) == "+19195551234"
    assert E164().validate(typed).is_valid and E164().normalise(typed) == "+19195551234"


@pytest.mark.parametrize(
    "typed", ["+12", "12", "919-555", "555-1234", "call me", "+1234567890123456789"]
)
def test_what_cannot_be_a_number_is_refused_in_words(typed: str) -> None:
    result = E164().validate(typed)
    assert not result.is_valid
    assert "is not a phone number" in result.failure_descriptions[0]


def test_the_accounts_region_reads_numbers_without_a_plus() -> None:
    phone.remember_account_number("+442079460000")
    phone.remember_account_number("+19195551234")  # the first one known decides
    assert phone.account_region() == "GB"
    assert phone.to_e164("020 7946 0000") == "+442079460000"
    assert phone.national("+442079460000") == "020 7946 0000"
    assert phone.national("+19195551234") == "+1 919-555-1234"


def test_sandbox_far_ends_are_possible_numbers() -> None:
    assert phone.to_e164("+15554030000") == "+15554030000"


async def test_the_form_hands_on_e164() -> None:
    app = Host()
    async with app.run_test() as pilot:
        form = FormScreen("Order", [Field("to", "To", (Required(), E164()))])
        app.push_screen(form, app.results.append)
        await pilot.pause()
        await pilot.press(*"(919) 555 1234", "enter")
        await pilot.pause()
        assert app.results == [{"to": "+19195551234"}]


async def test_the_dial_form_normalises_numbers_but_keeps_sip_uris() -> None:
    sources = [("+19195550100", "+19195550100")]
    app = Host()
    async with app.run_test() as pilot:
        app.push_screen(form_screen(dial_form(sources, caller=None, to="")), app.results.append)
        await pilot.pause()
        await pilot.press(*"919-555-1234", "enter")
        await pilot.pause()
        app.push_screen(form_screen(dial_form(sources, caller=None, to="")), app.results.append)
        await pilot.pause()
        await pilot.press(*"sip:bob@example.com", "enter")
        await pilot.pause()
        assert [r["to"] for r in app.results] == ["+19195551234", "sip:bob@example.com"]  # type: ignore[index]


async def test_a_message_to_a_typed_number_goes_to_its_e164() -> None:
    app = Host()
    async with app.run_test() as pilot:
        app.push_screen(MessageComposeScreen(["+19195550100"]), app.results.append)
        await pilot.pause()
        await pilot.press(*"919.555.1234", "tab", *"hello", "enter")
        await pilot.pause()
        (draft,) = app.results
        assert isinstance(draft, Draft) and draft.to == "+19195551234"

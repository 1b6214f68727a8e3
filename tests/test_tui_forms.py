"""Form and confirm screens: validation in words, enter submits, escape cancels."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from bwconsole.tui.forms import Field
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.validators import E164, IntRange, Required, Url


class Host(App[None]):
    """A bare app to push screens on and record what they return."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield Static("host")

    def ask(self, screen: FormScreen | ConfirmScreen) -> None:
        self.push_screen(screen, self.results.append)  # type: ignore[arg-type]


def dial_form() -> FormScreen:
    return FormScreen(
        "Dial",
        [
            Field("to", "To", (Required(), E164())),
            Field("timeout", "Timeout (s)", (IntRange(1, 300),), value="30"),
            Field("callback", "Callback URL", (Url(),)),
        ],
    )


async def test_form_rejects_bad_e164_in_words_then_accepts_a_good_one() -> None:
    app = Host()
    async with app.run_test() as pilot:
        form = dial_form()
        app.ask(form)
        await pilot.pause()
        await pilot.press(*"555-1234", "enter")
        message = str(form.errors["to"].content)
        assert "is not a phone number" in message and "+19195551234" in message
        assert app.screen is form and app.results == []
        form.inputs["to"].value = ""
        await pilot.press(*"+19195551234", "enter")
        await pilot.pause()
        assert app.results == [{"to": "+19195551234", "timeout": "30", "callback": ""}]


async def test_form_reports_every_bad_field_and_escape_cancels() -> None:
    app = Host()
    async with app.run_test() as pilot:
        form = dial_form()
        app.ask(form)
        await pilot.pause()
        form.inputs["timeout"].value = "9000"
        form.inputs["callback"].value = "ftp://example.com"
        await pilot.press("enter")
        assert "is required" in str(form.errors["to"].content)
        assert "between 1 and 300" in str(form.errors["timeout"].content)
        assert "http://" in str(form.errors["callback"].content)
        assert app.focused is form.inputs["to"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None] and app.screen is not form


async def test_confirm_needs_a_deliberate_yes() -> None:
    app = Host()
    async with app.run_test() as pilot:
        app.ask(ConfirmScreen("Release +19195551234?"))
        await pilot.pause()
        await pilot.press("enter")
        assert app.results == []
        await pilot.press("y")
        app.ask(ConfirmScreen("Release +19195551234?"))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [True, False]


def test_validators_accept_empty_unless_required() -> None:
    for validator in (E164(), IntRange(1, 5), Url()):
        assert validator.validate("").is_valid
    assert not Required().validate("  ").is_valid
    assert E164().validate("+442071838750").is_valid
    assert not E164().validate("+0123").is_valid
    assert not E164().validate("+1234567890123456").is_valid
    assert not IntRange(1, 5).validate("two").is_valid


async def test_focus_starts_on_the_first_empty_required_field() -> None:
    app = Host()
    async with app.run_test() as pilot:
        form = FormScreen(
            "Rename",
            [
                Field("number", "Number", (Required(), E164()), value="+19195551234"),
                Field("timeout", "Timeout (s)", (IntRange(1, 300),)),
                Field("name", "Name", (Required(),)),
            ],
        )
        app.ask(form)
        await pilot.pause()
        assert app.focused is form.inputs["name"]


async def test_a_problem_goes_away_as_soon_as_the_field_is_fixed() -> None:
    app = Host()
    async with app.run_test() as pilot:
        form = dial_form()
        app.ask(form)
        await pilot.pause()
        form.inputs["timeout"].value = "9000"
        await pilot.press(*"555", "enter")
        assert form.errors["to"].has_class("-shown") and form.errors["timeout"].has_class("-shown")
        await pilot.press("backspace", "backspace", "backspace", *"+19195551234")
        await pilot.pause()
        assert not form.errors["to"].has_class("-shown"), "fixed: the problem is gone"
        assert form.errors["timeout"].has_class("-shown"), "still wrong: still told"
        form.inputs["timeout"].value = "30"
        await pilot.pause()
        assert not form.errors["timeout"].has_class("-shown")
        assert app.results == []

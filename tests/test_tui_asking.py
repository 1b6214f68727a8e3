"""The app's side of `Console.confirm`, `choose` and `fill`: each question is the console's
usual modal screen, and the user's keys come back as the flow's answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.widgets import Input

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.forms import Choice, Field, Form
from bwconsole.tui.screens.application_picker import ApplicationPickerScreen
from bwconsole.tui.screens.call_form import ChoiceFormScreen
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.validators import Required


async def _ask(
    ask: Callable[[BwConsoleApp], Awaitable[object]],
    keys: list[str],
    screen: type,
    typed: dict[str, str] | None = None,
) -> object:
    app = BwConsoleApp()
    answers: list[object] = []

    async def worker() -> None:
        answers.append(await ask(app))

    async with app.run_test() as pilot:
        app.run_worker(worker())
        await _until_screen(pilot, app, screen)
        for name, text in (typed or {}).items():  # set, not typed: a loaded machine drops keys
            app.screen.query_one(f"#field-{name}", Input).value = text
        await pilot.press(*keys)
        await pilot.pause()
        assert not isinstance(app.screen, screen)
    (answer,) = answers
    return answer


async def _until_screen(pilot: Pilot[None], app: BwConsoleApp, screen: type) -> None:
    """Until `screen` is up and, when it has inputs, one of them has the keyboard."""
    for _ in range(100):
        up = app.screen
        if isinstance(up, screen) and (up.focused is not None or not up.focus_chain):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"{screen.__name__} never came up")


async def test_confirm_is_a_yes_no_screen() -> None:
    yes = await _ask(lambda app: app.confirm("Hang up?", title="Hang up"), ["y"], ConfirmScreen)
    no = await _ask(lambda app: app.confirm("Hang up?"), ["escape"], ConfirmScreen)
    assert (yes, no) == (True, False)


async def test_choose_is_a_pick_list_of_the_options() -> None:
    options = [("c-1", "first"), ("c-2", "second")]
    picked = await _ask(
        lambda app: app.choose("Add a call", options), ["down", "enter"], ApplicationPickerScreen
    )
    cancelled = await _ask(
        lambda app: app.choose("Add a call", options), ["escape"], ApplicationPickerScreen
    )
    assert (picked, cancelled) == ("c-2", None)


async def test_fill_is_a_form_with_its_pick_lists_first() -> None:
    plain = Form("Speak", [Field("sentence", "Sentence", (Required(),))])
    typed = await _ask(lambda app: app.fill(plain), ["enter"], FormScreen, {"sentence": "hi"})
    with_choice = Form(
        "Play", [Field("url", "URL")], choices=[Choice("media", "Media", [("a", "a.wav")], "a.wav")]
    )
    chosen = await _ask(lambda app: app.fill(with_choice), ["enter"], ChoiceFormScreen)
    assert (typed, chosen) == ({"sentence": "hi"}, {"media": "a.wav", "url": ""})

"""How the app asks the user what a flow wants to know: `Console.confirm`, `choose`
and `fill` as the console's modal screens.

Flows describe a question in plain terms (a sentence, a list of options, a
`Form`); this is the one place that picks the screen for it, so the app only
delegates and the flows never see a screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bwconsole.tui.screens.application_picker import ApplicationPickerScreen
from bwconsole.tui.screens.call_form import form_screen
from bwconsole.tui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from bwconsole.tui.console import Console
    from bwconsole.tui.forms import Form

__all__ = ["choose", "confirm", "fill"]


async def confirm(console: Console, question: str, *, title: str) -> bool:
    """`y` or `n`/escape on a `ConfirmScreen`."""
    answer: bool = await console.push_screen_wait(ConfirmScreen(question, title=title))
    return answer


async def choose(console: Console, title: str, options: Sequence[tuple[str, str]]) -> str | None:
    """One of `options` ((value, text) pairs) from a pick-list; None when cancelled."""
    picker = ApplicationPickerScreen(title, options, offer_none=False)
    return await console.push_screen_wait(picker)


async def fill(console: Console, form: Form) -> dict[str, str] | None:
    """The values of `form`, typed into its screen; None when cancelled."""
    return await console.push_screen_wait(form_screen(form))

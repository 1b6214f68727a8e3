"""A yes/no question before anything that cannot be undone (release, hang up all, delete)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from bwconsole.tui.safe_text import markup, visible

__all__ = ["ConfirmScreen"]


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True on `y`, False on `n` or escape.

    Enter does not confirm on purpose: a destructive action takes a deliberate key.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, message: str, *, title: str = "Are you sure?") -> None:
        super().__init__()
        self.message = message
        self.question_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="confirm--body") as body:
            body.border_title = markup(self.question_title)
            yield Static(
                visible(self.message, lines=True), classes="confirm--message", markup=False
            )
            yield Static("y confirms · n or escape cancels", classes="confirm--hint")

    def action_answer(self, answer: bool) -> None:
        """Close with the user's answer."""
        self.dismiss(answer)

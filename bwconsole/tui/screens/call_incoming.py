"""The incoming-call notification: who calls whom, answer or reject with one key.

Pushed by the Calls pane from whatever pane is on screen. It follows the call:
an application with autoAnswer answers at once, and a caller may give up, so
the line under the parties says what the call is doing now.

| Key | Action |
|---|---|
| a | answer |
| r | reject |
| escape | dismiss (the call keeps ringing; the Calls pane still has it) |
"""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from bwconsole.tui.phone import national
from bwconsole.tui.safe_text import visible

__all__ = ["IncomingCallScreen", "IncomingChoice"]

IncomingChoice = Literal["answer", "reject"]


def _who(number: str) -> str:
    """A number as sent, and as a person of the account's country dials it."""
    spoken = national(number)
    shown = visible(number)
    return f"{shown} ({spoken})" if spoken and spoken != shown else shown


class IncomingCallScreen(ModalScreen[IncomingChoice | None]):
    """Dismisses with "answer", "reject" or None (escape)."""

    CSS_PATH = "../styles/calls.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "choose('answer')", "Answer", id="incoming-answer"),
        Binding("r", "choose('reject')", "Reject", id="incoming-reject"),
        Binding("escape", "choose(None)", "Dismiss", id="incoming-dismiss"),
    ]

    def __init__(self, call_id: str, caller: str, callee: str) -> None:
        super().__init__()
        self.call_id = call_id
        self.caller = caller
        self.callee = callee
        self.state_line = Static("Ringing.", id="incoming-state", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(classes="calls--incoming-body") as body:
            body.border_title = "Incoming call"
            yield Static(
                f"{_who(self.caller) or 'unknown caller'} is calling {_who(self.callee)}",
                classes="calls--incoming-parties",
                markup=False,
            )
            yield Static(visible(self.call_id), classes="calls--incoming-id", markup=False)
            yield self.state_line
            yield Static("a answers · r rejects · escape dismisses", classes="form--hint")

    def show_state(self, text: str) -> None:
        """Say what the call is doing now (answered elsewhere, caller hung up...)."""
        self.state_line.update(visible(text, lines=True))

    def action_choose(self, choice: IncomingChoice | None) -> None:
        """Close with the user's choice."""
        self.dismiss(choice)

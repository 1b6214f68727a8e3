"""The first-run panel: what the sandbox is, what to dial, how to add a real account.

Shown once, the first time the console runs on the embedded sandbox; `f1`
(listed in help and the command palette) brings it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["SEEN_MARKER", "WELCOME_LINES", "WelcomeScreen", "first_run"]

WELCOME_LINES = (
    "This is the SANDBOX: a built-in copy of the Bandwidth v1 API with a demo account, "
    "so nothing here costs money or rings a real phone.",
    "Press 2 for Calls, then d to dial. +15550021234 answers after 2 s, +15554051234 "
    "hangs up 5 s after answering, +15551000000 is busy, +15552000000 never answers.",
    "+15553123456 answers and presses 1 2 3 4 5 6 #; dial one of your own numbers "
    "(press 1 to see them) and it rings back as an incoming call.",
    "Press 4 for Messages and c to send one; every callback shows up live in Events (7).",
    "For a real account press f6 (or run `bwconsole config add NAME`), then f7 points "
    "its application at the relay; ? lists every key, f1 shows this again.",
)

SEEN_MARKER = "welcome-seen"


def first_run(data_dir: Path) -> bool:
    """True the first time this is asked for `data_dir` (a marker file remembers it)."""
    marker = data_dir / SEEN_MARKER
    if marker.exists():
        return False
    data_dir.mkdir(parents=True, exist_ok=True)
    marker.touch()
    return True


class WelcomeScreen(ModalScreen[None]):
    """Five lines for a newcomer; any of enter, escape or space closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,space", "dismiss", "Close", id="welcome-close"),
    ]

    CSS_PATH = "../styles/welcome.tcss"

    def compose(self) -> ComposeResult:
        with Vertical(classes="welcome--body") as body:
            body.border_title = "Welcome to bwconsole"
            for number, line in enumerate(WELCOME_LINES, start=1):
                yield Static(f"{number}. {line}", classes="welcome--line", markup=False)
            yield Static("enter or escape closes · f1 shows this again", classes="confirm--hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

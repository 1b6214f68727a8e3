"""An on-screen telephone keypad: twelve keys plus A-D, each press a `DtmfKeypad.Pressed`.

The keypad only says which tone was pressed; whoever holds it decides what to
do with the tone (the Calls pane's keypad screen sends it into a call).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Button

__all__ = ["KEYPAD_LAYOUT", "DtmfKeypad", "tone_id"]

KEYPAD_LAYOUT = ("123A", "456B", "789C", "*0#D")
"""The tones row by row, as on a telephone with the extended A-D column."""

_NAMES = {"*": "star", "#": "hash"}


def tone_id(tone: str) -> str:
    """The widget id of a tone's button (`dtmf-5`, `dtmf-star`, `dtmf-hash`)."""
    return f"dtmf-{_NAMES.get(tone, tone)}"


_TONES_BY_ID = {tone_id(tone): tone for row in KEYPAD_LAYOUT for tone in row}


class DtmfKeypad(Grid):
    """A 4x4 grid of tone buttons."""

    class Pressed(Message):
        """A tone's button was pressed."""

        def __init__(self, keypad: DtmfKeypad, tone: str) -> None:
            super().__init__()
            self.keypad = keypad
            self.tone = tone

        @property
        def control(self) -> DtmfKeypad:
            return self.keypad

    def compose(self) -> ComposeResult:
        for row in KEYPAD_LAYOUT:
            for tone in row:
                key = Button(tone, id=tone_id(tone), classes="dtmf--key", compact=True)
                # Typed digits belong to the keypad's screen (they send at once); the buttons
                # are for the mouse, so they never take the keyboard.
                key.can_focus = False
                yield key

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        tone = _TONES_BY_ID.get(event.button.id or "")
        if tone is not None:
            self.post_message(self.Pressed(self, tone))

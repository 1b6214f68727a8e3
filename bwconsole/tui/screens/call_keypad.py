"""Send DTMF into a call from an on-screen keypad: each key a tone, or a typed string.

| Key | Action |
|---|---|
| 0-9 * # | send that tone at once |
| tab | move to the string box (enter sends it) and back to the keys |
| escape | close |
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from bwconsole.tui.safe_text import markup, visible
from bwconsole.tui.validators import DtmfString
from bwconsole.tui.widgets.dtmf_keypad import DtmfKeypad
from bwconsole.tui.workers import run_guarded

__all__ = ["KeypadScreen"]

Sender = Callable[[str], Awaitable[bool]]
"""Sends tones into the call; True when the API took them."""

_KEY_TONES = {str(digit): str(digit) for digit in range(10)} | {
    "asterisk": "*",
    "number_sign": "#",
}


class KeypadScreen(ModalScreen[None]):
    """A keypad bound to one call; what was sent is listed under the keys."""

    CSS_PATH = "../styles/calls.tcss"
    AUTO_FOCUS = ""  # digits send at once until the user tabs into the string box
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="keypad-close"),
        Binding("tab", "switch", "Type a string", id="keypad-switch"),
        *(
            Binding(key, f"tone('{tone}')", f"Tone {tone}", show=False, id=f"keypad-{key}")
            for key, tone in _KEY_TONES.items()
        ),
    ]

    def __init__(self, call_label: str, send: Sender) -> None:
        super().__init__()
        self.call_label = call_label
        self._send = send
        self.sent: list[str] = []
        """Tones the API accepted, in order (what the log line shows)."""
        self.string_input = Input(
            placeholder="or type tones, e.g. 1234# (w pauses), enter sends",
            validators=[DtmfString()],
            validate_on=["submitted"],
            id="keypad-string",
        )
        self.log_line = Static("Nothing sent yet.", id="keypad-log", markup=False)
        self.error_line = Static(classes="form--error", id="keypad-error", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(classes="calls--keypad-body") as body:
            body.border_title = f"Keypad: {markup(self.call_label)}"
            yield DtmfKeypad(id="keypad")
            yield self.string_input
            yield self.error_line
            yield self.log_line
            yield Static(
                "digits, * and # send at once · tab to type a string · escape closes",
                classes="form--hint",
            )

    def send(self, tones: str) -> None:
        """Send tones in the background and note them once the API took them."""
        run_guarded(self, self._deliver(tones), group="keypad", exclusive=False)

    async def _deliver(self, tones: str) -> None:
        if await self._send(tones):
            self.sent.append(tones)
            self.log_line.update(f"Sent: {' '.join(self.sent)}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the string box has the keyboard, digits are typed into it, not sent.
        if action == "tone" and self.focused is self.string_input:
            return False
        return True

    @on(DtmfKeypad.Pressed)
    def _pressed(self, event: DtmfKeypad.Pressed) -> None:
        self.send(event.tone)

    @on(Input.Submitted, "#keypad-string")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        result = event.validation_result
        if result is not None and not result.is_valid:
            self.error_line.update(visible("; ".join(result.failure_descriptions)))
            self.error_line.add_class("-shown")
            return
        self.error_line.remove_class("-shown")
        if event.value.strip():
            self.send(event.value.strip())
            self.string_input.value = ""

    def action_tone(self, tone: str) -> None:
        """Send one tone."""
        self.send(tone)

    def action_switch(self) -> None:
        """Move between the keys (digits send at once) and the string box (digits are typed)."""
        if self.focused is self.string_input:
            self.set_focus(None)
        else:
            self.string_input.focus()

    def action_close(self) -> None:
        """Close the keypad."""
        self.dismiss(None)

"""The form for a new SMS/MMS or a reply: from an owned number, to an E.164 number.

A file path in the attachment field makes the message an MMS; the form checks
the file exists and is within the API's media limit before closing, so the upload
that follows has something it can send, and a refusal keeps the typed message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from bwconsole.api.media import MAX_MEDIA_BYTES
from bwconsole.tui.safe_text import markup, visible
from bwconsole.tui.validators import E164, Required, normalised

__all__ = ["Draft", "MessageComposeScreen"]


@dataclass(frozen=True)
class Draft:
    """A message ready to send.

    Attributes:
        number: The account's number it goes from.
        to: The E.164 destination.
        text: The text (may be empty for an MMS).
        attachment: A local file to send as MMS media, or None for an SMS.
    """

    number: str
    to: str
    text: str
    attachment: Path | None = None


class MessageComposeScreen(ModalScreen[Draft | None]):
    """Asks for a message; dismisses with a `Draft` or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="compose-cancel"),
        Binding("enter", "submit", "Send", show=False, priority=True, id="compose-send"),
    ]

    CSS_PATH = "../styles/messages.tcss"

    def __init__(
        self, numbers: Sequence[str], *, to: str | None = None, number: str | None = None
    ) -> None:
        """Create the form.

        Args:
            numbers: The account's numbers to choose the sender from.
            to: A fixed destination (a reply), or None to ask for one.
            number: The sender chosen first (a reply keeps the conversation's number).
        """
        super().__init__()
        self.reply_to = to
        first = number if number in numbers else numbers[0]
        self.number = Select(
            [(visible(n), n) for n in numbers], value=first, allow_blank=False, id="field-from"
        )
        self.to = Input(
            visible(to or ""),
            placeholder="e.g. +19195551234",
            validators=[Required(), E164()],
            validate_on=["submitted"],
            id="field-to",
            disabled=to is not None,
        )
        self.text = Input(placeholder="the message", id="field-text")
        self.attachment = Input(placeholder="a local file path (makes it MMS)", id="field-file")
        self.problem = Static(classes="form--error", id="compose-error", markup=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form--body") as body:
            body.border_title = (
                f"Reply to {markup(self.reply_to)}" if self.reply_to else "New message"
            )
            yield Label("From (your number)", classes="form--label")
            yield self.number
            yield Label("To", classes="form--label")
            yield self.to
            yield Label("Text", classes="form--label")
            yield self.text
            yield Label("Attach file (optional: MMS)", classes="form--label")
            yield self.attachment
            yield self.problem
            yield Static("enter sends · escape cancels", classes="form--hint")

    def on_mount(self) -> None:
        (self.text if self.reply_to else self.to).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":  # enter sends from any field, but chooses in an open list
            return not self.number.expanded
        return True

    def action_submit(self) -> None:
        """Enter, from whichever field (the From list included)."""
        self.submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Problems on screen are checked again as the fields change: fixed ones go."""
        if self.problem.has_class("-shown"):
            problems = self._problems()
            self.problem.update(visible("; ".join(problems)))
            self.problem.set_class(bool(problems), "-shown")

    def submit(self) -> None:
        """Check the fields; close with the draft if they pass, else say what is wrong."""
        problems = self._problems()
        self.problem.update(visible("; ".join(problems)))
        self.problem.set_class(bool(problems), "-shown")
        if problems:
            return
        path = self.attachment.value.strip()
        self.dismiss(
            Draft(
                number=str(self.number.value),
                to=normalised(self.to.validators, self.to.value),
                text=self.text.value,
                attachment=Path(path).expanduser() if path else None,
            )
        )

    def _problems(self) -> list[str]:
        problems: list[str] = []
        result = self.to.validate(self.to.value)
        if result is not None and not result.is_valid:
            problems += [f"To: {p}" for p in result.failure_descriptions]
        path = self.attachment.value.strip()
        if path and not Path(path).expanduser().is_file():
            problems.append(f"Attach file: {path!r} is not a file")
        elif path and (size := _size(Path(path).expanduser())) > MAX_MEDIA_BYTES:
            # Said before any upload starts; the form (and what was typed) stays.
            problems.append(
                f"Attach file: {size / 1024 / 1024:.1f} MB is over the API's "
                f"{MAX_MEDIA_BYTES // 1024 // 1024} MB media limit"
            )
        if not path and not self.text.value.strip():
            problems.append("Text: write something (or attach a file)")
        return problems

    def action_cancel(self) -> None:
        """Close without sending."""
        self.dismiss(None)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0

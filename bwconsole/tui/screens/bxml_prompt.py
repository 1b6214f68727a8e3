"""The prompt that appears when a BXML request arrives in interactive mode.

It shows the event, a countdown to the relay's deadline, the scripts to pick from
(built-in templates and the user's `.xml` files) and a box to type BXML in. What
is typed is checked with `bwconsole.bxml.parse` before it goes out; when the
countdown ends the prompt closes and the default script answers.

A prompt whose time is up takes no more answers: keys pressed on it are ignored, and
it closes itself as soon as it is the top screen again (another modal, such as the
incoming-call banner or a second prompt, may cover it when its time runs out). It is
dismissed at most once: a second dismiss would set its result twice (InvalidStateError)
and, from under a modal, would pop the modal instead of the prompt.
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from bwconsole.bxml import BxmlError, parse
from bwconsole.tui.bxml_templates import TEMPLATES
from bwconsole.tui.safe_text import UNSAFE, plain, visible

if TYPE_CHECKING:
    from bwconsole.live import BxmlRequest
    from bwconsole.tui.bxml_responder import BxmlResponder

__all__ = ["BxmlPromptScreen"]

SHOWN_FIELDS = ("eventType", "from", "to", "callId", "callState", "digits", "tag")
STARTER = '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <SpeakSentence>Hello</SpeakSentence>\n</Response>\n'


class BxmlPromptScreen(ModalScreen[str | None]):
    """Asks the user how to answer one BXML request; dismisses with the document or None.

    | Key | Action |
    |---|---|
    | enter (on a script) | answer with that script |
    | f2 | answer with the typed BXML |
    | escape | answer with the default script now |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "send_typed", "Send typed BXML", id="bxml-send-typed"),
        Binding("escape", "use_default", "Use default", id="bxml-use-default"),
    ]

    CSS_PATH = "../styles/bxml.tcss"

    def __init__(self, request: BxmlRequest, responder: BxmlResponder, *, timeout: float) -> None:
        super().__init__()
        self.request = request
        self.responder = responder
        self.deadline = monotonic() + timeout
        self.expired = False
        """True once the responder stopped waiting (the default has answered)."""
        self.timed_out = False
        """True if the countdown ran out before the user answered."""
        self.closed = False
        """True once dismissed: a screen's result can be set only once."""
        self.answered_with = ""
        """What the user answered with, in words: a script's name or "typed BXML"."""
        self.countdown = Label(id="bxml-countdown")
        self.choices = OptionList(
            *(Option(plain(self._label(name)), id=name) for name in responder.choices()),
            id="bxml-choices",
        )
        self.editor = TextArea(STARTER, language="xml", id="bxml-editor")
        self.problem = Static(classes="form--error", id="bxml-error", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(classes="form--body") as body:
            body.border_title = "BXML request"
            yield Static(self._summary(), id="bxml-event")
            yield self.countdown
            yield Label("Answer with a script (enter):", classes="form--label")
            yield self.choices
            yield Label("…or type BXML (f2 sends):", classes="form--label")
            yield self.editor
            yield self.problem
            with Horizontal(classes="bxml--buttons"):
                yield Button("Send typed BXML", id="bxml-send", variant="primary")
                yield Button(f"Use default ({self.responder.settings.default})", id="bxml-default")

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(0.1, self._tick)
        self.choices.focus()

    def expire(self) -> None:
        """The responder stopped waiting: close if on top, else close when back on top."""
        if not self.expired:
            self.expired = self.timed_out = True
            self.choices.disabled = True
            self.editor.read_only = True
            self._tick()
        self._close(None)

    def on_screen_resume(self) -> None:
        """Back on top after a modal closed: an expired prompt closes itself now."""
        if self.expired:
            self._close(None)

    def _close(self, document: str | None) -> None:
        # `is_current` is also true under a modal; only the top screen may be dismissed.
        if self.closed or self.app.screen is not self:
            return
        self.closed = True
        self.dismiss(document)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.expired:
            return
        name = event.option.id or ""
        try:
            document = self.responder.script(name, self.request)
        except (KeyError, BxmlError, OSError) as exc:
            self._show_problem(f"{name}: {exc}")
            return
        self._answer(document, name)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "bxml-send":
            self.action_send_typed()
        else:
            self.action_use_default()

    def action_send_typed(self) -> None:
        """Answer with the typed document, if it is valid BXML."""
        if self.expired:
            return
        try:
            warnings = parse(self.editor.text).warnings
        except BxmlError as exc:
            self._show_problem(str(exc))
            return
        if warnings:
            self.app.notify(
                "\n".join(warnings), title="BXML normalised", severity="warning", markup=False
            )
        self._answer(self.editor.text, "typed BXML")

    def action_use_default(self) -> None:
        """Give up choosing: the default script answers."""
        self._answer(None)

    def _answer(self, document: str | None, label: str = "") -> None:
        if self.expired:
            return  # a late key: the default has answered already
        self.expired = True
        self.answered_with = label
        self._close(document)

    def _tick(self) -> None:
        left = self.deadline - monotonic()
        if self.timed_out:
            default = self.responder.settings.default
            self.countdown.update(Text(f"Time is up: {default!r} answered.", style="bold"))
        elif self.expired:
            return
        elif left <= 0:
            self.expire()
        else:
            default = self.responder.settings.default
            self.countdown.update(Text(f"{left:4.1f} s left, then {default!r} answers"))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Pasted or loaded text is shown with its control characters made visible."""
        text = self.editor.text
        if UNSAFE.search(text.replace("\n", "").replace("\t", "")):
            cursor = self.editor.cursor_location
            self.editor.load_text(visible(text, lines=True))
            self.editor.cursor_location = cursor

    def _show_problem(self, message: str) -> None:
        self.problem.update(visible(message, lines=True))
        self.problem.add_class("-shown")

    def _label(self, name: str) -> str:
        template = TEMPLATES.get(name)
        return f"{name} — {template.description}" if template else f"{name} (your script)"

    def _summary(self) -> Text:
        fields = self.request.live.payload or {}
        text = Text()
        for name in SHOWN_FIELDS:
            if fields.get(name):
                text.append(f"{name}: ", style="bold")
                text.append(f"{visible(fields[name])}  ")
        if not text:
            text.append(visible(self.request.live.body or "(no event details)"))
        return text

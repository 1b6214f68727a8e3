"""A small modal form: labelled inputs with validators, enter submits, escape cancels.

Every console action that needs input (dial, send a message, order a number…)
pushes a `FormScreen` and gets back the values, or None when cancelled:

    values = await app.push_screen_wait(FormScreen("Dial", [Field("to", "To", (Required(), E164()))]))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.validation import Validator
from textual.widgets import Input, Label, Static

__all__ = ["Field", "FormScreen"]


@dataclass(frozen=True)
class Field:
    """One input of a form.

    Attributes:
        name: Key of the value in the result.
        label: What the user reads above the input.
        validators: Checks run on submit; their failures are shown in words.
        value: Pre-filled text.
        placeholder: Hint shown while empty.
        password: Hide what is typed.
    """

    name: str
    label: str
    validators: Sequence[Validator] = ()
    value: str = ""
    placeholder: str = ""
    password: bool = False


class FormScreen(ModalScreen[dict[str, str] | None]):
    """Asks for some values; dismisses with {name: text} or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[Field]) -> None:
        super().__init__()
        self.form_title = title
        self.fields = tuple(fields)
        self.inputs = {
            field.name: Input(
                field.value,
                placeholder=field.placeholder,
                password=field.password,
                validators=list(field.validators),
                validate_on=["submitted"],
                id=f"field-{field.name}",
            )
            for field in self.fields
        }
        self.errors = {
            field.name: Static(classes="form--error", id=f"error-{field.name}", markup=False)
            for field in self.fields
        }

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form--body") as body:
            body.border_title = self.form_title
            for field in self.fields:
                yield Label(field.label, classes="form--label")
                yield self.inputs[field.name]
                yield self.errors[field.name]
            yield Static("enter submits · escape cancels", classes="form--hint")

    def on_mount(self) -> None:
        if self.fields:
            self.inputs[self.fields[0].name].focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        """Check every field; close with the values if all pass, else say what is wrong."""
        first_bad: Input | None = None
        for field in self.fields:
            widget = self.inputs[field.name]
            result = widget.validate(widget.value)
            problems = [] if result is None or result.is_valid else result.failure_descriptions
            self.errors[field.name].update(f"{field.label}: {'; '.join(problems)}")
            self.errors[field.name].set_class(bool(problems), "-shown")
            if problems and first_bad is None:
                first_bad = widget
        if first_bad is not None:
            first_bad.focus()
            return
        self.dismiss({name: widget.value.strip() for name, widget in self.inputs.items()})

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)

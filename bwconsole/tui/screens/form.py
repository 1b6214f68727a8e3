"""A small modal form: labelled inputs with validators, enter submits, escape cancels.

Every console action that needs input (dial, send a message, order a number…)
pushes a `FormScreen` and gets back the values, or None when cancelled:

    values = await app.push_screen_wait(FormScreen("Dial", [Field("to", "To", (Required(), E164()))]))

The fields are plain data (`bwconsole.tui.forms`); flows ask through `Console.fill`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static
from textual.widgets._select import SelectOverlay

from bwconsole.tui.forms import Field
from bwconsole.tui.safe_text import markup, plain, visible
from bwconsole.tui.validators import Required, normalised

__all__ = [
    "FormScreen",
    "field_error",
    "field_input",
    "field_problems",
    "first_to_fill",
    "show_problems",
]


def field_input(field: Field, *, compact: bool = False) -> Input:
    """The input for `field`; its validators run when the form is submitted."""
    return Input(
        visible(field.value),
        placeholder=field.placeholder,
        password=field.password,
        validators=list(field.validators),
        validate_on=["submitted"],
        compact=compact,
        id=f"field-{field.name}",
    )


def first_to_fill(fields: Sequence[Field], inputs: Mapping[str, Input]) -> Input | None:
    """Where the cursor starts: the first required field still empty, else the first field."""
    for field in fields:
        required = any(isinstance(v, Required) for v in field.validators)
        if required and not inputs[field.name].value.strip() and not inputs[field.name].disabled:
            return inputs[field.name]
    return inputs[fields[0].name] if fields else None


def field_error(field: Field) -> Static:
    """Where the problems with `field` are told (hidden while there are none)."""
    return Static(classes="form--error", id=f"error-{field.name}", markup=False)


def field_problems(fields: Sequence[Field], inputs: Mapping[str, Input]) -> dict[str, list[str]]:
    """What each field's validators find wrong with its input (fine fields left out)."""
    problems: dict[str, list[str]] = {}
    for field in fields:
        widget = inputs[field.name]
        result = widget.validate(widget.value)
        if result is not None and not result.is_valid:
            problems[field.name] = list(result.failure_descriptions)
    return problems


def show_problems(
    fields: Sequence[Field],
    inputs: Mapping[str, Input],
    errors: Mapping[str, Static],
    problems: Mapping[str, Sequence[str]],
    *,
    focus: bool = True,
) -> bool:
    """Tell each field's problems under it and (unless `focus` is False) focus the
    first bad input.

    Returns:
        True when there is no problem at all.
    """
    first_bad: Input | None = None
    for field in fields:
        found = problems.get(field.name, ())
        errors[field.name].update(visible(f"{field.label}: {'; '.join(found)}"))
        errors[field.name].set_class(bool(found), "-shown")
        if found and first_bad is None:
            first_bad = inputs[field.name]
    if first_bad is not None and focus:
        first_bad.focus()
    return first_bad is None


class FormScreen(ModalScreen[dict[str, str] | None]):
    """Asks for some values; dismisses with {name: text} or None when cancelled.

    Enter submits from any field, a pick-list included (`enter` is a priority binding
    that stands aside only while a pick-list is open, to choose in it). A problem
    shown under a field goes away as soon as the field is fixed.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
        Binding("enter", "submit", "Submit", show=False, priority=True, id="form-submit"),
    ]

    def __init__(self, title: str, fields: Sequence[Field]) -> None:
        super().__init__()
        self.form_title = title
        self.fields = tuple(fields)
        self.inputs = {field.name: field_input(field) for field in self.fields}
        self.errors = {field.name: field_error(field) for field in self.fields}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form--body") as body:
            body.border_title = markup(self.form_title)
            for field in self.fields:
                yield Label(plain(field.label), classes="form--label")
                yield self.inputs[field.name]
                yield self.errors[field.name]
            yield Static("enter submits · escape cancels", classes="form--hint")

    def on_mount(self) -> None:
        first = first_to_fill(self.fields, self.inputs)
        if first is not None:
            first.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            # An open pick-list takes enter to choose an option.
            return not isinstance(self.focused, SelectOverlay) and not any(
                select.expanded for select in self.query(Select)
            )
        return True

    def action_submit(self) -> None:
        """Enter, from whichever field."""
        self.submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def on_input_changed(self, event: Input.Changed) -> None:
        """A problem shown under a field is checked again as the field changes."""
        for field in self.fields:
            if self.inputs[field.name] is event.input and self.errors[field.name].has_class(
                "-shown"
            ):
                problems = field_problems([field], self.inputs)
                show_problems([field], self.inputs, self.errors, problems, focus=False)

    def submit(self) -> None:
        """Check every field; close with the values if all pass, else say what is wrong."""
        if self.fields_pass():
            self.dismiss(
                {f.name: normalised(f.validators, self.inputs[f.name].value) for f in self.fields}
            )

    def fields_pass(self) -> bool:
        """Run every field's validators, telling the problems; True when there are none."""
        problems = field_problems(self.fields, self.inputs)
        return show_problems(self.fields, self.inputs, self.errors, problems)

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)

"""What a form asks, as plain data: its fields, pick-lists and whole-form check.

The console's flows (`tui/actions/`) describe the input they need with a `Form`
and hand it to `Console.fill`; only the app turns it into a screen
(`screens/call_form.form_screen`). So a flow can be run against a fake console
that answers from a script, and the form's fields and limits are testable
without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from textual.validation import Validator

__all__ = ["Check", "Choice", "Field", "Form"]

Check = Callable[[Mapping[str, str]], "str | None"]
"""A whole-form check: every value in, a sentence when they do not fit together (or None)."""


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


@dataclass(frozen=True)
class Choice:
    """A pick-list of a form.

    Attributes:
        name: Key of the chosen value in the result ("" when nothing is chosen).
        label: What the user reads above the list.
        options: (text shown, value) pairs.
        value: The value chosen at first; None starts blank.
        allow_blank: The user may choose nothing.
    """

    name: str
    label: str
    options: Sequence[tuple[str, str]]
    value: str | None = None
    allow_blank: bool = True


@dataclass(frozen=True)
class Form:
    """A whole form: its pick-lists come first, then its inputs.

    Attributes:
        title: The form's border title.
        fields: The inputs, in order.
        choices: The pick-lists, in order (shown above the inputs).
        check: Runs once every field passes its own validators.
    """

    title: str
    fields: Sequence[Field]
    choices: Sequence[Choice] = ()
    check: Check | None = None

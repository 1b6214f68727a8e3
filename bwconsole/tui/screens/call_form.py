"""The Calls pane's forms: a `FormScreen` with pick-lists, and the checks call inputs need.

Dialing picks the caller from the account's own numbers and SIP endpoints, and
playing picks a media file; typing those by hand invites typos the API only
reports after a round trip. `ChoiceFormScreen` adds `Select`s above the usual
inputs and keeps the look and keys of every other console form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static

from bwconsole.tui.phone import to_e164
from bwconsole.tui.safe_text import markup, plain, visible
from bwconsole.tui.screens.form import Field, FormScreen
from bwconsole.tui.validators import E164, normalised

__all__ = [
    "CallerId",
    "Choice",
    "ChoiceFormScreen",
    "Destination",
    "DtmfString",
    "MaxLength",
    "Pattern",
]

_SIP = re.compile(r"sip:[^@\s]+@[^@\s]+")
DTMF_CHARACTERS = "0123456789*#ABCDwW,"


class Destination(Validator):
    """Where a call can go: a phone number (as people write it) or a `sip:user@host` URI."""

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text or to_e164(text) is not None or _SIP.fullmatch(text):
            return self.success()
        return self.failure(
            f"{text!r} is neither a phone number (+19195551234) nor a SIP URI (sip:user@host)"
        )

    def normalise(self, value: str) -> str:
        """A number in E.164; a SIP URI as it is."""
        return value.strip() if _SIP.fullmatch(value.strip()) else E164().normalise(value)


class CallerId(Validator):
    """A transfer's caller id: `private` or a phone number."""

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text or text == "private" or to_e164(text) is not None:
            return self.success()
        return self.failure(f"{text!r} must be private or a phone number (+19195551234)")

    def normalise(self, value: str) -> str:
        """A number in E.164; `private` as it is."""
        return "private" if value.strip() == "private" else E164().normalise(value)


class DtmfString(Validator):
    """Keypad tones the API accepts: 0-9 * # A-D, `w`/`,` (half-second pause), `W` (one second)."""

    def __init__(self, maximum: int = 92) -> None:
        super().__init__()
        self.maximum = maximum

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        bad = sorted({char for char in text if char not in DTMF_CHARACTERS})
        if bad:
            return self.failure(
                f"{''.join(bad)!r} cannot be sent: use 0-9 * # A-D, w or , to pause, W to wait 1 s"
            )
        if len(text) > self.maximum:
            return self.failure(f"at most {self.maximum} tones at once")
        return self.success()


class MaxLength(Validator):
    """At most `maximum` characters (the API refuses longer sentences)."""

    def __init__(self, maximum: int) -> None:
        super().__init__()
        self.maximum = maximum

    def validate(self, value: str) -> ValidationResult:
        if len(value.strip()) <= self.maximum:
            return self.success()
        return self.failure(f"is {len(value.strip())} characters long; at most {self.maximum}")


class Pattern(Validator):
    """The whole value matches `regex`; `explanation` says in words what is allowed."""

    def __init__(self, regex: str, explanation: str) -> None:
        super().__init__()
        self.regex = re.compile(regex)
        self.explanation = explanation

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text or self.regex.fullmatch(text):
            return self.success()
        return self.failure(f"{text!r}: {self.explanation}")


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


class ChoiceFormScreen(FormScreen):
    """A form whose pick-lists come first, then its inputs; dismisses with every value.

    `check` sees all values after the fields pass their own validators and
    returns a sentence when they do not fit together (e.g. neither a URL nor a
    media file chosen), or None.
    """

    def __init__(
        self,
        title: str,
        choices: Sequence[Choice],
        fields: Sequence[Field],
        *,
        check: Callable[[Mapping[str, str]], str | None] | None = None,
    ) -> None:
        super().__init__(title, fields)
        self.choices = tuple(choices)
        self.check = check
        self.selects = {
            choice.name: Select(
                [(plain(shown, lines=False), value) for shown, value in choice.options],
                allow_blank=choice.allow_blank or choice.value is None,
                value=choice.value if choice.value is not None else Select.NULL,
                id=f"choice-{choice.name}",
            )
            for choice in self.choices
        }
        self.form_error = Static(classes="form--error", id="error-form", markup=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form--body") as body:
            body.border_title = markup(self.form_title)
            for choice in self.choices:
                yield Label(plain(choice.label), classes="form--label")
                yield self.selects[choice.name]
            for field in self.fields:
                yield Label(plain(field.label), classes="form--label")
                yield self.inputs[field.name]
                yield self.errors[field.name]
            yield self.form_error
            yield Static("tab moves · enter submits · escape cancels", classes="form--hint")

    def values(self) -> dict[str, str]:
        """Every value as the form holds it now: chosen options, then the stripped inputs."""
        chosen = {
            name: "" if select.is_blank() else str(select.value)
            for name, select in self.selects.items()
        }
        typed = {f.name: normalised(f.validators, self.inputs[f.name].value) for f in self.fields}
        return chosen | typed

    def on_select_changed(self, event: Select.Changed) -> None:
        self._check_again()

    def on_input_changed(self, event: Input.Changed) -> None:
        # (FormScreen's own handler, which rechecks the field, runs as well.)
        self._check_again()

    def _check_again(self) -> None:
        """The whole-form problem on screen goes as soon as the values fit together."""
        if self.form_error.has_class("-shown") and self.check is not None:
            problem = self.check(self.values())
            self.form_error.update(visible(problem or "", lines=True))
            self.form_error.set_class(bool(problem), "-shown")

    def submit(self) -> None:
        """Check every field, then the whole; close with the values when all pass."""
        if not self.fields_pass():
            return
        values = self.values()
        problem = self.check(values) if self.check is not None else None
        self.form_error.update(visible(problem or "", lines=True))
        self.form_error.set_class(bool(problem), "-shown")
        if problem is None:
            self.dismiss(values)

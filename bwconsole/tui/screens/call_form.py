"""A `FormScreen` with pick-lists, and the screen for any plain `Form`.

Dialing picks the caller from the account's own numbers and SIP endpoints, and
playing picks a media file; typing those by hand invites typos the API only
reports after a round trip. `ChoiceFormScreen` adds `Select`s above the usual
inputs and keeps the look and keys of every other console form.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select, Static

from bwconsole.tui.forms import Check, Choice, Field, Form
from bwconsole.tui.safe_text import markup, plain, visible
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.validators import normalised

__all__ = ["ChoiceFormScreen", "form_screen"]


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
        check: Check | None = None,
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


def form_screen(form: Form) -> FormScreen:
    """The screen that asks `form`: with pick-lists or a whole-form check a
    `ChoiceFormScreen`, else a plain `FormScreen`."""
    if form.choices or form.check is not None:
        return ChoiceFormScreen(form.title, form.choices, form.fields, check=form.check)
    return FormScreen(form.title, form.fields)

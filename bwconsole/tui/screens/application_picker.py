"""Choose one of a list by id: an application (or, for a number, none), or a call for a
conference (the Conferences pane's add-call list)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from bwconsole.tui.safe_text import markup, plain

__all__ = ["NO_APPLICATION", "ApplicationPickerScreen"]

NO_APPLICATION = ""
"""The id the picker answers for "no application" (the API unlinks with `applicationId: ""`)."""
NONE_OPTION = "-"


class ApplicationPickerScreen(ModalScreen[str | None]):
    """A list of applications; enter picks one (its id), escape cancels (None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="application-picker-cancel"),
    ]

    CSS_PATH = "../styles/applications.tcss"

    def __init__(
        self,
        title: str,
        applications: Sequence[tuple[str, str]],
        *,
        current: str | None = None,
        offer_none: bool = True,
    ) -> None:
        """Args:
        title: What is being chosen for, e.g. the number.
        applications: (id, name) pairs, in the order shown.
        current: The id chosen now; the list starts on it.
        offer_none: List "(no application)" first (unlinking a number); off when
            the choice is which application to act on.
        """
        super().__init__()
        self.picker_title = title
        options = [Option("(no application)", id=NONE_OPTION)] if offer_none else []
        options += [
            Option(plain(f"{name}  ({app_id})"), id=app_id) for app_id, name in applications
        ]
        self.options = OptionList(*options, id="application-options")
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="form--body") as body:
            body.border_title = markup(self.picker_title)
            yield self.options
            yield Static("enter chooses · escape cancels", classes="form--hint")

    def on_mount(self) -> None:
        self.options.focus()
        if self.current:
            try:
                self.options.highlighted = self.options.get_option_index(self.current)
            except LookupError:
                pass

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id
        self.dismiss(NO_APPLICATION if option_id in (None, NONE_OPTION) else option_id)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)

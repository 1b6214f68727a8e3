"""One relay event, full screen: its JSON pretty-printed, wrapped, scrollable, copyable.

The Events pane's detail panel is a third of the screen wide and long values run
off its edge; Enter on an event opens this view so nothing is out of reach.
"""

from __future__ import annotations

import json
from typing import ClassVar

from rich.json import JSON
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from bwconsole.tui.safe_text import clean_text, markup, plain

__all__ = ["EventViewScreen", "pretty_json", "wrapped_json"]


def pretty_json(raw: str) -> str:
    """The event's body indented for reading (as it came when it is not JSON)."""
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except ValueError:
        return raw


def wrapped_json(raw: str) -> Text:
    """The body highlighted as JSON (when it is) and wrapped to the width it is shown in."""
    if not raw:
        return Text("(empty body)", style="dim")
    try:
        text = JSON(raw, indent=2).text  # highlighted; rich sets it not to wrap
    except ValueError:
        text = Text(raw)
    text.no_wrap = False
    text.overflow = "fold"  # a long token (a URL, an id) breaks rather than hides
    return clean_text(text)  # a callback's control characters are shown, never sent


class EventViewScreen(ModalScreen[None]):
    """The whole of one event.

    | Key | Action |
    |---|---|
    | y | copy the JSON (OSC 52) |
    | escape / q / enter | back to the list |
    """

    CSS_PATH = "../styles/event_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "copy", "Copy JSON", tooltip="Copy the event's JSON", id="event-copy"),
        Binding("escape,q,enter", "close", "Back", tooltip="Back to the list", id="event-close"),
    ]

    def __init__(self, title: str, heading: str, raw: str) -> None:
        super().__init__()
        self.event_title = title
        self.heading = heading
        self.text = pretty_json(raw) if raw else ""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="event-view--body") as body:
            body.border_title = markup(self.event_title)
            body.border_subtitle = "y copies · escape closes"
            if self.heading:
                yield Static(plain(self.heading, "bold red"), classes="event-view--note")
            yield Static(wrapped_json(self.text), classes="event-view--json")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_copy(self) -> None:
        """Copy the whole JSON text to the clipboard."""
        self.app.copy_to_clipboard(self.text)
        self.app.notify(f"Copied the event ({len(self.text):,} characters)", timeout=2)

    def action_close(self) -> None:
        """Back to the Events list."""
        self.dismiss(None)

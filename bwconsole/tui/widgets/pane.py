"""The base of every console pane: a virtual table, a `/` filter and a detail panel.

A resource pane only declares its columns (and, if it likes, how a row's
detail and id look); feeding it is `pane.model.upsert(key, row)` from anywhere
in the app. The table, filter, sort, cursor and copy key come from here, so
every list in the console behaves the same way.
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Static

from bwconsole.tui.console import console_of
from bwconsole.tui.model import Column, Row, TableModel
from bwconsole.tui.safe_text import clean
from bwconsole.tui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from bwconsole.api import Client
    from bwconsole.live import LiveEvent
    from bwconsole.tui.console import Console

__all__ = ["Pane"]

DETAIL_INTERVAL = 0.1
"""Seconds between two redraws of the detail panel while rows stream in."""


class Pane(Vertical):
    """A list of one kind of thing, with filter, sort and detail.

    | Key | Action |
    |---|---|
    | / | filter as you type (escape clears, enter returns to the list) |
    | y | copy the highlighted row's id |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", tooltip="Filter the list as you type", id="filter"),
        Binding(
            "y", "copy_id", "Copy id", tooltip="Copy the highlighted id (OSC 52)", id="copy-id"
        ),
        Binding("escape", "close_filter", "Clear filter", id="clear-filter"),
    ]

    PANE_ID: ClassVar[str] = ""
    """Short name: the widget id is `pane-<PANE_ID>` and the switch binding `show-<PANE_ID>`."""
    TITLE: ClassVar[str] = ""
    """Name shown in the pane bar and the help screen."""
    PANE_KEY: ClassVar[str] = ""
    """The key that brings this pane forward."""
    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    """The table's columns, in display order."""
    NEWEST_FIRST: ClassVar[bool] = False
    """Show rows in reverse arrival order until the user sorts."""
    FOLLOW: ClassVar[bool] = False
    """Keep the cursor on the newest row as rows arrive (a live log)."""
    MAX_ROWS: ClassVar[int | None] = None
    """Keep at most this many rows, dropping the oldest (for logs that grow forever)."""
    SEARCH_FIELD: ClassVar[str | None] = None
    """A row field holding more text for the `/` filter than the columns show."""

    def __init__(self) -> None:
        super().__init__(id=f"pane-{self.PANE_ID}", classes="pane")
        field = self.SEARCH_FIELD
        self.model = TableModel(
            self.COLUMNS,
            reverse=self.NEWEST_FIRST,
            flag=self.is_flagged,
            max_rows=self.MAX_ROWS,
            search=None if field is None else (lambda row: str(row.get(field) or "")),
        )
        """The pane's rows; upsert/remove here and the table follows within a frame."""
        self.table = VirtualTable(self.model, follow=self.FOLLOW, id=f"table-{self.PANE_ID}")
        self.filter_input = Input(
            placeholder="filter: type to narrow, enter returns to the list, escape clears",
            compact=True,
        )
        self.filter_row = Horizontal(
            Static("Filter: ", classes="pane--filter-label"),
            self.filter_input,
            classes="pane--filter",
        )
        self.detail = Static(classes="pane--detail-body")
        self._detail_shown_at = 0.0
        self._detail_timer: Timer | None = None
        self._follow_key: str | None = None

    def compose(self) -> ComposeResult:
        yield self.filter_row
        with Horizontal(classes="pane--body"):
            yield self.table
            with VerticalScroll(classes="pane--detail"):
                yield self.detail

    def on_mount(self) -> None:
        self.border_title = self.TITLE
        self._show_detail(self.table.cursor_key)

    # --- what subclasses may override -------------------------------------------------------

    def is_flagged(self, row: Row) -> bool:
        """True when a row should stand out (drawn in the error colour)."""
        return bool(row.get("flagged"))

    def row_id(self, key: str, row: Row) -> str:
        """The text `y` copies: the row's id by default."""
        return key

    def describe(self, key: str, row: Row) -> RenderableType:
        """The detail panel's content for the highlighted row."""
        text = Text()
        for column in self.COLUMNS:
            text.append(f"{column.label}: ", style="bold")
            text.append(f"{column.format(row.get(column.key))}\n")
        return text

    async def load(self, client: Client) -> None:
        """Fetch this pane's rows from the API; called once, when the pane is first shown
        on a connected account. Afterwards events keep the rows current (`apply_event`)."""

    def apply_event(self, live: LiveEvent) -> None:
        """Update rows from one relay event (every event reaches every pane; ignore the rest)."""

    @property
    def console(self) -> Console:
        """The app, typed: `call_api`, `call_api_ok`, `backend`, `show_error` ..."""
        return console_of(self)

    @property
    def client(self) -> Client:
        """The connected account's API client (raises `NotConnected` before connection)."""
        return self.console.client

    # --- feeding --------------------------------------------------------------------------------

    def upsert(self, key: str, row: dict[str, Any]) -> None:
        """Add or update one row; the table redraws it within a frame, and the detail
        view follows when it shows this row (a rename, a new state, a new message)."""
        self.model.upsert(key, row)
        if key == self._follow_key:
            self._follow_key = None
            self.table.flush()
            index = self.model.index_of(key)
            if index is not None:
                self.table.move_cursor(index)
        if key == self.table.cursor_key:
            self._detail_changed()

    def follow(self, key: str) -> None:
        """Put the cursor on the row the user just created, now or as soon as it arrives
        (often with the event that follows the API's answer)."""
        self.table.flush()
        index = self.model.index_of(key)
        if index is None:
            self._follow_key = key
            return
        self._follow_key = None
        self.table.move_cursor(index)
        self._show_detail(key)

    # --- events -----------------------------------------------------------------------------------

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        # Changing the detail costs a screen layout and a live log moves its cursor every
        # frame: a hidden pane skips it (`focus_list` catches up), a visible one redraws the
        # detail at most DETAIL_INTERVAL apart, the last highlight always winning.
        self._detail_changed()

    def _detail_changed(self) -> None:
        if not self.display or self._detail_timer is not None:
            return
        wait = self._detail_shown_at + DETAIL_INTERVAL - monotonic()
        if wait <= 0:
            self._show_detail(self.table.cursor_key)
        else:
            self._detail_timer = self.set_timer(wait, self._show_pending_detail)

    def _show_pending_detail(self) -> None:
        self._detail_timer = None
        self._show_detail(self.table.cursor_key)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.model.set_filter(event.value)
        self.table.flush()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    def focus_list(self) -> None:
        """Give the keyboard to the table and bring the detail up to date (the pane was shown)."""
        self._show_detail(self.table.cursor_key)
        self.table.focus()

    def _show_detail(self, key: str | None) -> None:
        self._detail_shown_at = monotonic()
        row = self.model.get(key) if key is not None else None
        if key is None or row is None:
            self.detail.update(Text("Nothing selected.", style="dim"))
        else:
            # Rows hold what the API and callers sent: nothing in them reaches the terminal raw.
            self.detail.update(clean(self.describe(key, row)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "Clear filter" only exists (and only shows in the footer) while a filter is open.
        if action == "close_filter":
            return self.filter_row.has_class("-shown")
        return True

    # --- actions -------------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter box and type into it."""
        self.filter_row.add_class("-shown")
        self.filter_input.focus()
        self.refresh_bindings()

    def action_close_filter(self) -> None:
        """Clear and hide the filter, back to the full list."""
        self.filter_input.value = ""
        self.model.set_filter("")
        self.table.flush()
        self.filter_row.remove_class("-shown")
        self.table.focus()
        self.refresh_bindings()

    def action_copy_id(self) -> None:
        """Copy the highlighted row's id to the clipboard (OSC 52)."""
        key = self.table.cursor_key
        row = self.model.get(key) if key is not None else None
        if key is None or row is None:
            self.app.notify("Nothing to copy: the list is empty.", severity="warning")
            return
        value = self.row_id(key, row)
        self.app.copy_to_clipboard(value)
        self.app.notify(f"Copied {value}", timeout=2)

"""A table that draws only its visible lines, over a `TableModel` of any size.

A stock `DataTable` builds every row up front and recomputes widths on each
cell update, which costs seconds at 100,000 rows. This widget instead asks the
model for the rows on screen in `render_line` (the Line API, as toolong does
for huge logs), caches each rendered row by key, and turns any number of model
changes into one refresh per short batch (the screen merges them into its next
frame): only the visible lines whose rows changed are redrawn, unless the order
changed.
"""

from __future__ import annotations

from time import monotonic
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from bwconsole.tui.model import TableModel
from bwconsole.tui.safe_text import visible

__all__ = ["VirtualTable"]

BATCH_SECONDS = 1 / 240
"""Shortest time between two flushes of changed rows into the table.

The screen itself repaints at most 60 times a second and merges every refresh asked
for in between, so flushes only need to be batched enough to stay cheap. Holding them
a whole frame stacked a frame of waiting on top of the screen's own: p99
event-to-screen lag 34 ms at 1,000 events/s on the Calls pane, 20 ms with this
window (docs/performance.md).
"""
REORDER_SECONDS = 1 / 60
"""Shortest time between two flushes after the order changed (a live log growing at
the top): each re-syncs the scroll size and cursor and repaints the whole table, so
these stay at one a frame (at 1/240 s a 1,000 events/s log fell behind)."""


def _fit(strip: Strip, scroll_x: int, width: int, style: Style) -> Strip:
    """The part of `strip` in view, `width` cells from `scroll_x` (padded with `style`).

    A row that already fits is returned as is: `Strip.crop_extend` would cache the
    strip in itself, a reference cycle that only a full garbage collection frees,
    and a live table drops thousands of rows a second (docs/performance.md).
    """
    if scroll_x == 0 and strip.cell_length == width:
        return strip
    return strip.crop_extend(scroll_x, scroll_x + width, style)


class VirtualTable(ScrollView, can_focus=True):
    """A scrolling table over a `TableModel`, with a row cursor.

    | Key | Action |
    |---|---|
    | up / down | move the cursor |
    | pageup / pagedown | move a page |
    | home / end | first / last row |
    | enter | select the highlighted row |
    | s | sort by the next column |
    | S | reverse the sort order |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="cursor-up"),
        Binding("down", "cursor_down", "Down", show=False, id="cursor-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page-down"),
        Binding("home", "cursor_home", "First row", show=False, id="cursor-home"),
        Binding("end", "cursor_end", "Last row", show=False, id="cursor-end"),
        Binding("enter", "select_row", "Select", show=False, id="select-row"),
        Binding("s", "sort_next", "Sort", tooltip="Sort by the next column", id="sort-next"),
        Binding(
            "S", "sort_reverse", "Reverse", tooltip="Reverse the sort order", id="sort-reverse"
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--flagged",
    }

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        & > .virtual-table--header { text-style: bold; background: $panel; }
        & > .virtual-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .virtual-table--flagged { color: $error; text-style: italic; }
    }
    """

    class RowHighlighted(Message):
        """The cursor moved to another row (`key` is None when the table is empty)."""

        def __init__(self, table: VirtualTable, key: str | None, index: int) -> None:
            super().__init__()
            self.table = table
            self.key = key
            self.index = index

        @property
        def control(self) -> VirtualTable:
            return self.table

    class RowSelected(Message):
        """The user pressed enter (or clicked) on a row."""

        def __init__(self, table: VirtualTable, key: str, index: int) -> None:
            super().__init__()
            self.table = table
            self.key = key
            self.index = index

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(
        self,
        model: TableModel,
        *,
        follow: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create a table.

        Args:
            model: The rows to show; the table listens to its changes.
            follow: Keep the cursor on the first row as rows arrive (a live log);
                when False the cursor stays on its row and the view does not jump.
        """
        super().__init__(name=name, id=id, classes=classes)
        self.model = model
        self.follow = follow
        self.refresh_count = 0
        """Number of frames in which model changes were drawn (for benchmarks)."""
        self._cursor_row = 0
        self._cursor_key: str | None = None
        self._flush_scheduled = False
        self._last_flush = 0.0
        self._last_reordered = False
        # key -> (style it was drawn in, drawn row); a cursor move redraws just two rows.
        self._cache: LRUCache[str, tuple[Style, Strip]] = LRUCache(1024)
        self._styles = (Style(), Style(), Style(), Style())
        """Base, header, flagged and cursor styles, resolved at the start of each frame."""
        self._widths = tuple(column.width for column in model.columns)
        self._row_width = sum(width + 1 for width in self._widths)
        model.on_change = self._model_changed

    @property
    def cursor_row(self) -> int:
        """View position of the highlighted row."""
        return self._cursor_row

    @property
    def cursor_key(self) -> str | None:
        """Key of the highlighted row, or None when the table is empty."""
        return self._cursor_key

    def move_cursor(self, index: int) -> None:
        """Highlight the row at view position `index` (clamped) and scroll to it."""
        count = len(self.model)
        index = max(0, min(index, count - 1))
        self._set_cursor(index, self.model.key_at(index) if count else None)
        self._scroll_to_cursor()

    def flush(self) -> None:
        """Draw pending model changes now (normally scheduled by the model's change hook)."""
        self._flush_scheduled = False
        self._last_flush = monotonic()
        dirty, reordered = self.model.take_changes()
        self._last_reordered = reordered
        for key in dirty:
            self._cache.discard(key)
        if reordered:
            self._sync_virtual_size()
            self._restore_cursor()
            self.refresh()
        else:
            top, rows_shown = int(self.scroll_y), max(self.size.height - 1, 0)
            for key in dirty:
                index = self.model.index_of(key)
                if index is not None and top <= index < top + rows_shown:
                    self.refresh(Region(0, index - top + 1, self.size.width, 1))
        if dirty or reordered:
            self.refresh_count += 1

    def on_mount(self) -> None:
        self.model.take_changes()
        self.virtual_size = Size(self._row_width, len(self.model) + 1)
        self._restore_cursor()

    def on_show(self) -> None:
        self._sync_virtual_size(force=True)
        self._scroll_to_cursor()

    def on_resize(self) -> None:
        # The last column takes what the others leave, so a wide pane has no dead space
        # and a narrow one does not scroll sideways just for a long last column.
        fixed = sum(column.width + 1 for column in self.model.columns[:-1])
        last = max(10, self.scrollable_content_region.width - fixed - 1)
        widths = (*(column.width for column in self.model.columns[:-1]), last)
        if widths != self._widths:
            self._widths = widths
            self._row_width = fixed + last + 1
            self._cache.clear()
            self.virtual_size = Size(self._row_width, len(self.model) + 1)
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Resolving styles walks the DOM; do it once per frame rather than once per line.
        self._styles = (
            self.rich_style,
            self.get_component_rich_style("virtual-table--header"),
            self.get_component_rich_style("virtual-table--flagged"),
            self.get_component_rich_style("virtual-table--cursor"),
        )
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """Draw line `y` of the viewport: the header, then rows from the scroll position."""
        scroll_x = int(self.scroll_x)
        width = self.size.width
        base, header, flagged, cursor = self._styles
        if y == 0:
            header_style = base + header
            strip = self._header_strip(header_style)
            return _fit(strip, scroll_x, width, header_style)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.model):
            if index == 0:
                return _fit(self._empty_strip(base), scroll_x, width, base)
            return Strip.blank(width, base)
        key = self.model.key_at(index)
        style = base
        if self.model.is_flagged(key):
            style += flagged
        if index == self._cursor_row:
            style += cursor
        cached = self._cache.get(key)
        if cached is not None and cached[0] == style:
            strip = cached[1]
        else:
            strip = self._row_strip(key, style)
            self._cache.set(key, (style, strip))
        return _fit(strip, scroll_x, width, style)

    def _header_strip(self, style: Style) -> Strip:
        segments = []
        for column, width in zip(self.model.columns, self._widths, strict=True):
            label = column.label
            if column.key == self.model.sort_column:
                label = f"{label} {'▼' if self.model.reverse else '▲'}"
            segments.append(Segment(set_cell_size(label, width) + " ", style))
        return Strip(segments, self._row_width)

    def _empty_strip(self, style: Style) -> Strip:
        if self.model.filter_text:
            text = f"No row matches {visible(self.model.filter_text)!r} (escape clears the filter)"
        else:
            text = "Nothing here yet."
        return Strip([Segment(text, style + Style(dim=True, italic=True))])

    def _row_strip(self, key: str, style: Style) -> Strip:
        cells = self.model.cells(key)
        text = " ".join(
            set_cell_size(visible(cell.replace("\n", " ")), width)
            for width, cell in zip(self._widths, cells, strict=True)
        )
        return Strip([Segment(text + " ", style)], self._row_width)

    def _sync_virtual_size(self, *, force: bool = False) -> None:
        # Changing virtual_size costs a layout of the whole screen; a hidden table (a live
        # log in a pane in the background) catches up in on_show instead of every frame.
        size = Size(self._row_width, len(self.model) + 1)
        if size == self.virtual_size or not (force or self.is_on_screen):
            return
        scrollbar_stays = (
            self.show_vertical_scrollbar
            and size.width == self.virtual_size.width
            and size.height > self.container_size.height + 2
        )
        if scrollbar_stays and not force:
            # A live log grows every frame; with the scrollbar already shown nothing moves
            # but the scrollbar thumb, so skip the layout that setting virtual_size implies.
            self.set_reactive(VirtualTable.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
            self.vertical_scrollbar.refresh()
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
        else:
            self.virtual_size = size

    def _model_changed(self) -> None:
        if self._flush_scheduled or not self.is_mounted:
            return
        self._flush_scheduled = True
        # Flush as soon as the loop is free, but not more often than the batch window:
        # a burst of updates costs one pass, and a lone update is not held back.
        window = REORDER_SECONDS if self._last_reordered else BATCH_SECONDS
        wait = self._last_flush + window - monotonic()
        if wait > 0:
            self.set_timer(wait, self.flush)
        else:
            self.call_later(self.flush)

    def _restore_cursor(self) -> None:
        """Put the cursor back after the order changed: on the same row, or on top when following."""
        count = len(self.model)
        if count == 0:
            self._set_cursor(0, None)
            return
        if self.follow:
            self._set_cursor(0, self.model.key_at(0))
            self.scroll_to(y=0, animate=False, immediate=True)
            return
        index = self.model.index_of(self._cursor_key) if self._cursor_key is not None else None
        if index is None:
            index = min(self._cursor_row, count - 1)
        else:
            # Shift the view with the row so what the user is reading stays put.
            shift = index - self._cursor_row
            if shift:
                self.scroll_to(y=self.scroll_y + shift, animate=False, immediate=True)
        self._set_cursor(index, self.model.key_at(index))
        self._scroll_to_cursor()

    def _set_cursor(self, index: int, key: str | None) -> None:
        old_index, old_key = self._cursor_row, self._cursor_key
        self._cursor_row, self._cursor_key = index, key
        if index != old_index:
            top = int(self.scroll_y)
            for row in (old_index, index):
                self.refresh(Region(0, row - top + 1, self.size.width, 1))
        if key != old_key or index != old_index:
            self.post_message(self.RowHighlighted(self, key, index))

    def _scroll_to_cursor(self) -> None:
        rows_shown = max(self.size.height - 1, 1)
        top = int(self.scroll_y)
        if self._cursor_row < top:
            self.scroll_to(y=self._cursor_row, animate=False, immediate=True)
        elif self._cursor_row >= top + rows_shown:
            self.scroll_to(y=self._cursor_row - rows_shown + 1, animate=False, immediate=True)

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            self._sort_by_header(offset.x + int(self.scroll_x))
            return
        index = int(self.scroll_y) + offset.y - 1
        if index < len(self.model):
            if index == self._cursor_row:
                self.action_select_row()
            else:
                self.move_cursor(index)

    def _sort_by_header(self, x: int) -> None:
        """Clicking a header sorts by that column; clicking it again reverses."""
        left = 0
        for column, width in zip(self.model.columns, self._widths, strict=True):
            if left <= x < left + width + 1:
                same = column.key == self.model.sort_column
                self.model.sort_by(column.key, reverse=same and not self.model.reverse)
                self.flush()
                return
            left += width + 1

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor_row - max(self.size.height - 2, 1))

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor_row + max(self.size.height - 2, 1))

    def action_cursor_home(self) -> None:
        self.move_cursor(0)

    def action_cursor_end(self) -> None:
        self.move_cursor(len(self.model) - 1)

    def action_select_row(self) -> None:
        if self._cursor_key is not None:
            self.post_message(self.RowSelected(self, self._cursor_key, self._cursor_row))

    def action_sort_next(self) -> None:
        """Sort by the next column (after the last one: back to arrival order)."""
        keys: list[str | None] = [column.key for column in self.model.columns]
        keys.append(None)
        current = keys.index(self.model.sort_column)
        self.model.sort_by(keys[(current + 1) % len(keys)], reverse=self.model.reverse)
        self.flush()

    def action_sort_reverse(self) -> None:
        """Flip the sort direction."""
        self.model.sort_by(self.model.sort_column, reverse=not self.model.reverse)
        self.flush()

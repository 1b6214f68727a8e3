"""The data behind every console list: rows by key, filtered and sorted with an index.

A pane's rows live here, not in widgets, so a list of 100,000 rows costs one
dict entry per row and the screen only draws what is visible. The model keeps
the ordered view up to date incrementally: a live update moves one key with a
binary search instead of re-sorting or re-filtering everything, and a filter
keystroke that extends the previous query only re-scans the rows that matched
before. Plain Python, no Textual, so it is testable and usable from anywhere.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Column", "Row", "TableModel"]

Row = Mapping[str, Any]
"""One row: column key -> raw value (formatted for display by its `Column`)."""

SortKey = tuple[tuple[int, Any], int]


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Attributes:
        key: The row field shown in this column.
        label: The header text.
        width: Width in terminal cells; longer text is cut.
        formatter: Turns the raw value into text; `str` (with `None` as "") by default.
    """

    key: str
    label: str
    width: int = 12
    formatter: Callable[[Any], str] | None = None

    def format(self, value: Any) -> str:
        """Return the text shown for `value` in this column."""
        if self.formatter is not None:
            return self.formatter(value)
        return "" if value is None else str(value)


def _sortable(value: Any) -> tuple[int, Any]:
    # Numbers before text before empty, so mixed or missing values never raise.
    if value is None or value == "":
        return (2, 0)
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).lower())


class TableModel:
    """Rows keyed by id, with a filtered and sorted view kept current on every change.

    The view is a list of keys in ascending sort order; `reverse` flips it at
    lookup time so changing direction costs nothing. Without a sort column rows
    are ordered by arrival (`reverse=True` shows the newest first).

    Changes are recorded, not pushed: a widget calls `take_changes()` once per
    frame to learn which keys changed and whether the order did.

    Args:
        columns: The columns, in display order.
        reverse: Start in descending order (newest first when unsorted).
        flag: Marks rows to be drawn as flagged (e.g. a malformed event).
        max_rows: Keep at most this many rows, dropping the oldest arrival (for logs).
        search: More text of a row the filter looks in besides its cells (e.g. an event's
            payload fields as `name:value`).
    """

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        reverse: bool = False,
        flag: Callable[[Row], bool] | None = None,
        max_rows: int | None = None,
        search: Callable[[Row], str] | None = None,
    ) -> None:
        self.columns: tuple[Column, ...] = tuple(columns)
        self.search = search
        self.flag = flag
        self.max_rows = max_rows
        self._rows: dict[str, Row] = {}
        self._cells: dict[str, tuple[str, ...]] = {}
        self._haystack: dict[str, str] = {}
        self._arrival: dict[str, int] = {}
        self._counter = 0
        self._sort_column: str | None = None
        self._reverse = reverse
        self._sortkeys: dict[str, SortKey] = {}
        self._all: list[str] = []
        self._view: list[str] = self._all
        self._filter = ""
        self._dirty: set[str] = set()
        self._reordered = False
        self.on_change: Callable[[], None] | None = None
        """Called after every change, so a widget can schedule one refresh per frame."""

    # --- reading -----------------------------------------------------------------

    def __len__(self) -> int:
        """Number of rows in the view (after the filter)."""
        return len(self._view)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[str]:
        """Keys in view order."""
        return reversed(self._view) if self._reverse else iter(self._view)

    @property
    def total(self) -> int:
        """Number of rows, ignoring the filter."""
        return len(self._rows)

    @property
    def filter_text(self) -> str:
        """The current filter query."""
        return self._filter

    @property
    def sort_column(self) -> str | None:
        """Key of the column the view is sorted by, or None for arrival order."""
        return self._sort_column

    @property
    def reverse(self) -> bool:
        """True when the view is in descending order."""
        return self._reverse

    def get(self, key: str) -> Row | None:
        """Return the row stored under `key`, or None."""
        return self._rows.get(key)

    def cells(self, key: str) -> tuple[str, ...]:
        """Return the formatted cells of a row (computed once per change)."""
        return self._cells[key]

    def is_flagged(self, key: str) -> bool:
        """True when the row should be drawn as flagged."""
        return self.flag is not None and self.flag(self._rows[key])

    def key_at(self, index: int) -> str:
        """Return the key shown at view position `index` (0 is the top)."""
        if self._reverse:
            return self._view[len(self._view) - 1 - index]
        return self._view[index]

    def index_of(self, key: str) -> int | None:
        """Return the view position of `key`, or None when it is filtered out or absent."""
        if key not in self._rows:
            return None
        position = self._position(self._view, key)
        if position is None:
            return None
        return len(self._view) - 1 - position if self._reverse else position

    # --- changing rows -----------------------------------------------------------------

    def upsert(self, key: str, row: Row) -> None:
        """Add a row, or replace the row stored under `key`; the view follows."""
        existing = key in self._rows
        if existing:
            old_sortkey = self._sortkeys[key]
            was_visible = self._view is self._all or self._matches(key)
        else:
            self._arrival[key] = self._counter
            self._counter += 1
        self._rows[key] = row
        cells = tuple(column.format(row.get(column.key)) for column in self.columns)
        self._cells[key] = cells
        haystack = "\x00".join(cells)
        if self.search is not None:
            haystack = f"{haystack}\x00{self.search(row)}"
        self._haystack[key] = haystack.lower()
        new_sortkey = self._sortkey(key)
        is_visible = self._matches(key)
        if existing and (old_sortkey != new_sortkey or was_visible != is_visible):
            self._remove_from(self._all, key)
            if self._view is not self._all and was_visible:
                self._remove_from(self._view, key)
            existing = False
        self._sortkeys[key] = new_sortkey
        if not existing:
            self._insert_into(self._all, key)
            if self._view is not self._all and is_visible:
                self._insert_into(self._view, key)
            self._reordered = True
        self._dirty.add(key)
        if self.max_rows is not None and len(self._rows) > self.max_rows:
            # Dicts keep insertion order and an update does not move a key: first is oldest.
            self.remove(next(iter(self._rows)))
        self._changed()

    def remove(self, key: str) -> None:
        """Remove the row stored under `key` (no error if it is absent)."""
        if key not in self._rows:
            return
        self._remove_from(self._all, key)
        if self._view is not self._all:
            self._remove_from(self._view, key)
        for store in (self._rows, self._cells, self._haystack, self._arrival, self._sortkeys):
            del store[key]
        self._dirty.discard(key)
        self._reordered = True
        self._changed()

    def clear(self) -> None:
        """Remove every row."""
        for store in (self._rows, self._cells, self._haystack, self._arrival, self._sortkeys):
            store.clear()
        self._all = []
        self._view = self._all
        self._filter = ""
        self._dirty.clear()
        self._reordered = True
        self._changed()

    # --- filter and sort -----------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Keep only rows whose visible text (or `search` text) contains `text`, ignoring case."""
        query = text.lower()
        if query == self._filter:
            return
        if not query:
            self._view = self._all
        else:
            # Typing one more character can only narrow: re-scan the current matches only.
            narrowing = bool(self._filter) and self._filter in query
            source = self._view if narrowing else self._all
            haystack = self._haystack
            self._view = [key for key in source if query in haystack[key]]
        self._filter = query
        self._reordered = True
        self._changed()

    def sort_by(self, column: str | None, *, reverse: bool = False) -> None:
        """Order the view by a column's raw value (None: by arrival)."""
        if column is not None and column not in {c.key for c in self.columns}:
            raise KeyError(column)
        self._reverse = reverse
        if column != self._sort_column:
            self._sort_column = column
            sortkey = self._sortkey
            self._sortkeys = {key: sortkey(key) for key in self._rows}
            self._all = sorted(self._rows, key=self._sortkeys.__getitem__)
            previous, self._filter = self._filter, ""
            self._view = self._all
            self.set_filter(previous)
        self._reordered = True
        self._changed()

    def take_changes(self) -> tuple[set[str], bool]:
        """Return (keys changed, whether the order or membership changed) since the last call."""
        dirty, reordered = self._dirty, self._reordered
        self._dirty, self._reordered = set(), False
        return dirty, reordered

    # --- helpers -----------------------------------------------------------------

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def _matches(self, key: str) -> bool:
        return not self._filter or self._filter in self._haystack[key]

    def _sortkey(self, key: str) -> SortKey:
        value = self._rows[key].get(self._sort_column) if self._sort_column else None
        # Arrival number breaks ties, so every key has a distinct place for bisect.
        return (_sortable(value), self._arrival[key])

    def _position(self, keys: list[str], key: str) -> int | None:
        position = bisect.bisect_left(keys, self._sortkeys[key], key=self._sortkeys.__getitem__)
        if position < len(keys) and keys[position] == key:
            return position
        return None

    def _insert_into(self, keys: list[str], key: str) -> None:
        sortkeys = self._sortkeys
        # Rows mostly arrive in order (a log, a page of results): appending skips the search.
        if not keys or sortkeys[keys[-1]] < sortkeys[key]:
            keys.append(key)
        else:
            bisect.insort(keys, key, key=sortkeys.__getitem__)

    def _remove_from(self, keys: list[str], key: str) -> None:
        # Relies on self._sortkeys[key] still holding the key's old place.
        position = self._position(keys, key)
        if position is not None:
            del keys[position]

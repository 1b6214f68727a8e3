"""Drawing rows of the virtual table: what a busy live table leaves behind."""

from __future__ import annotations

import gc

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from bwconsole.tui.widgets.virtual_table import _fit


def _cyclic_garbage_of(text: str) -> int:
    """How many strips showing `text` only the cycle collector could free."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        return sum(1 for o in gc.garbage if isinstance(o, Strip) and o.text == text)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_a_row_that_fits_is_drawn_as_is_and_freed_without_the_collector() -> None:
    # A live log drops thousands of rows a second; rows caught in reference cycles
    # pile up for full collections, which stall the screen (docs/performance.md).
    gc.disable()
    try:
        for n in range(100):
            text = f"row {n:03d}  "
            strip = Strip([Segment(text)], len(text))
            assert _fit(strip, 0, len(text), Style()) is strip
            del strip
        assert _cyclic_garbage_of("row 042  ") == 0
    finally:
        gc.enable()


def test_a_scrolled_or_short_row_is_cropped_and_padded() -> None:
    strip = Strip([Segment("abcdef")], 6)
    assert _fit(strip, 2, 3, Style()).text == "cde"
    assert _fit(strip, 0, 8, Style()).text == "abcdef  "

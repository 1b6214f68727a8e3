"""Recordings pane: recordings with their call, duration and state."""

from __future__ import annotations

from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column
from bwconsole.tui.widgets.pane import Pane

__all__ = ["RecordingsPane"]


class RecordingsPane(Pane):
    """Recordings keyed by recording id, newest first."""

    PANE_ID = "recordings"
    TITLE = "Recordings"
    PANE_KEY = "6"
    NEWEST_FIRST = True
    COLUMNS = (
        Column("startTime", "Started", 8, clock_time),
        Column("state", "State", 10),
        Column("duration", "Secs", 5),
        Column("call", "Call", 26),
        Column("transcription", "Transcription", 30),
        Column("id", "Id", 26),
    )

"""Calls pane: live and recent calls, kept current from call events."""

from __future__ import annotations

from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column
from bwconsole.tui.widgets.pane import Pane

__all__ = ["CallsPane"]


class CallsPane(Pane):
    """Calls keyed by call id; the newest first until sorted."""

    PANE_ID = "calls"
    TITLE = "Calls"
    PANE_KEY = "2"
    NEWEST_FIRST = True
    COLUMNS = (
        Column("state", "State", 10),
        Column("direction", "Dir", 4),
        Column("from", "From", 16),
        Column("to", "To", 16),
        Column("startTime", "Started", 8, clock_time),
        Column("chargeableDuration", "Secs", 5),
        Column("cause", "Cause", 14),
        Column("id", "Id", 26),
    )

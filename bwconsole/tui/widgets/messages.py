"""Messages pane: SMS and MMS, delivery state kept current from message events."""

from __future__ import annotations

from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column
from bwconsole.tui.widgets.pane import Pane

__all__ = ["MessagesPane"]


class MessagesPane(Pane):
    """Messages keyed by message id, newest first."""

    PANE_ID = "messages"
    TITLE = "Messages"
    PANE_KEY = "4"
    NEWEST_FIRST = True
    COLUMNS = (
        Column("time", "Time", 8, clock_time),
        Column("direction", "Dir", 4),
        Column("from", "From", 16),
        Column("to", "To", 16),
        Column("state", "State", 10),
        Column("text", "Text", 40),
        Column("id", "Id", 26),
    )

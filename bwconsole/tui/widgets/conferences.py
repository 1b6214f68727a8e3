"""Conferences pane: the console's own index of conferences (v1 cannot list them)."""

from __future__ import annotations

from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column
from bwconsole.tui.widgets.pane import Pane

__all__ = ["ConferencesPane"]


class ConferencesPane(Pane):
    """Conferences keyed by conference id."""

    PANE_ID = "conferences"
    TITLE = "Conferences"
    PANE_KEY = "3"
    NEWEST_FIRST = True
    COLUMNS = (
        Column("state", "State", 10),
        Column("from", "From", 16),
        Column("activeMembers", "Members", 7),
        Column("createdTime", "Created", 8, clock_time),
        Column("completedTime", "Ended", 8, clock_time),
        Column("id", "Id", 26),
    )

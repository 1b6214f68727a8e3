"""Errors pane: the API's user errors resource (what went wrong on the account)."""

from __future__ import annotations

from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column
from bwconsole.tui.widgets.pane import Pane

__all__ = ["ErrorsPane"]


class ErrorsPane(Pane):
    """User errors keyed by error id, newest first."""

    PANE_ID = "errors"
    TITLE = "Errors"
    PANE_KEY = "9"
    NEWEST_FIRST = True
    COLUMNS = (
        Column("time", "Time", 8, clock_time),
        Column("category", "Category", 12),
        Column("code", "Code", 24),
        Column("message", "Message", 50),
        Column("id", "Id", 26),
    )

"""Numbers pane: the account's phone numbers (fed by the numbers API and events)."""

from __future__ import annotations

from bwconsole.tui.model import Column, Row
from bwconsole.tui.widgets.pane import Pane

__all__ = ["NumbersPane"]


class NumbersPane(Pane):
    """Owned phone numbers; rows are keyed by number id, `y` copies the number."""

    PANE_ID = "numbers"
    TITLE = "Numbers"
    PANE_KEY = "1"
    COLUMNS = (
        Column("number", "Number", 14),
        Column("name", "Name", 20),
        Column("application", "Application", 24),
        Column("city", "City", 14),
        Column("state", "St", 3),
        Column("numberState", "State", 9),
        Column("createdTime", "Created", 20),
        Column("id", "Id", 24),
    )

    def row_id(self, key: str, row: Row) -> str:
        return str(row.get("number") or key)

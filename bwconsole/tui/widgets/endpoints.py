"""Endpoints pane: SIP domains and their endpoints."""

from __future__ import annotations

from bwconsole.tui.formatting import yes_no
from bwconsole.tui.model import Column, Row
from bwconsole.tui.widgets.pane import Pane

__all__ = ["EndpointsPane"]


class EndpointsPane(Pane):
    """Endpoints keyed by endpoint id; `y` copies the SIP URI."""

    PANE_ID = "endpoints"
    TITLE = "Endpoints"
    PANE_KEY = "5"
    COLUMNS = (
        Column("domain", "Domain", 16),
        Column("name", "Name", 16),
        Column("sipUri", "SIP URI", 40),
        Column("enabled", "On", 3, yes_no),
        Column("id", "Id", 26),
    )

    def row_id(self, key: str, row: Row) -> str:
        return str(row.get("sipUri") or key)

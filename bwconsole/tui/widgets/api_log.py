"""API log pane: every REST call the console made, newest first.

Exchanges are the API client's records (`bwconsole.api.Exchange`): one row per
attempt, a failure told by its `error_code` / `error_message`, an attempt the
client retries marked as such.
"""

from __future__ import annotations

import re
import time
from itertools import count
from typing import TYPE_CHECKING, Any

from bwconsole.tui.formatting import clock_time, duration_ms
from bwconsole.tui.model import Column, Row
from bwconsole.tui.widgets.pane import Pane

if TYPE_CHECKING:
    from bwconsole.api import Exchange

__all__ = ["ApiLogPane", "exchange_row"]


_USER_PREFIX = re.compile(r"^(?:https?://[^/]+)?(?:/v1)?/users/[^/?]+")


def short_path(path: Any) -> str:
    """A path as the user reads it: relative to `/users/{id}` (the id is the same on every
    row and ate the column), e.g. `~/calls/c-1`; other paths stay as they are."""
    text = str(path or "")
    shortened, found = _USER_PREFIX.subn("~", text, count=1)
    return shortened if found else text


def exchange_row(exchange: Exchange) -> dict[str, Any]:
    """Turn an API exchange into a log row; a failed call is flagged."""
    parts = (exchange.error_code, exchange.error_message)
    error = ": ".join(part for part in parts if part)
    if error and not exchange.final:
        error = f"{error} (retried)"
    status = exchange.status
    return {
        "time": time.time(),
        "method": exchange.method.upper(),
        "path": exchange.path,
        "status": status,
        "duration_ms": exchange.duration_ms,
        "error": error,
        "flagged": bool(error) or (status is not None and status >= 400),
    }


class ApiLogPane(Pane):
    """The console's REST calls: method, path, status, duration, error."""

    PANE_ID = "api-log"
    TITLE = "API log"
    PANE_KEY = "8"
    NEWEST_FIRST = True
    FOLLOW = True
    MAX_ROWS = 20_000
    COLUMNS = (
        Column("time", "Time", 8, clock_time),
        Column("method", "Method", 6),
        Column("path", "Path", 48, short_path),
        Column("status", "Status", 6),
        Column("duration_ms", "Took", 8, duration_ms),
        Column("error", "Error", 40),
    )

    def __init__(self) -> None:
        super().__init__()
        self._numbers = count(1)

    def add_exchange(self, exchange: Exchange) -> dict[str, Any]:
        """Log one REST call and return its row."""
        row = exchange_row(exchange)
        self.model.upsert(str(next(self._numbers)), row)
        return row

    def row_id(self, key: str, row: Row) -> str:
        return f"{row['method']} {row['path']}"

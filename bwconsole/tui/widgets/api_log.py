"""API log pane: every REST call the console made, newest first.

Exchanges are the API client's records (`bwconsole.api.Exchange`), read by duck
typing: `method`, `path` (or `url`), `status`, `duration_ms`, and the failure
as `error` or as `error_code` / `error_message`.
"""

from __future__ import annotations

import re
import time
from itertools import count
from typing import Any

from bwconsole.tui.formatting import clock_time, duration_ms
from bwconsole.tui.model import Column, Row
from bwconsole.tui.widgets.pane import Pane

__all__ = ["ApiLogPane", "exchange_row"]


_USER_PREFIX = re.compile(r"^(?:https?://[^/]+)?(?:/v1)?/users/[^/?]+")


def short_path(path: Any) -> str:
    """A path as the user reads it: relative to `/users/{id}` (the id is the same on every
    row and ate the column), e.g. `~/calls/c-1`; other paths stay as they are."""
    text = str(path or "")
    shortened, found = _USER_PREFIX.subn("~", text, count=1)
    return shortened if found else text


def exchange_row(exchange: Any) -> dict[str, Any]:
    """Turn an API exchange into a log row; a failed call is flagged."""
    status = getattr(exchange, "status", None)
    error = getattr(exchange, "error", None)
    if error is None:
        parts = (getattr(exchange, "error_code", None), getattr(exchange, "error_message", None))
        error = ": ".join(str(part) for part in parts if part) or None
    if error is not None and getattr(exchange, "final", True) is False:
        error = f"{error} (retried)"
    return {
        "time": time.time(),
        "method": str(getattr(exchange, "method", "") or "").upper(),
        "path": str(getattr(exchange, "path", None) or getattr(exchange, "url", "") or ""),
        "status": status,
        "duration_ms": getattr(exchange, "duration_ms", None),
        "error": "" if error is None else str(error),
        "flagged": bool(error) or (isinstance(status, int) and status >= 400),
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

    def add_exchange(self, exchange: Any) -> dict[str, Any]:
        """Log one REST call and return its row."""
        row = exchange_row(exchange)
        self.model.upsert(str(next(self._numbers)), row)
        return row

    def row_id(self, key: str, row: Row) -> str:
        return f"{row['method']} {row['path']}"

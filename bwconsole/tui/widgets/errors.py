"""Errors pane: the API's user errors resource (what went wrong on the account).

The platform records every refused request and failed callback; this pane lists
them newest first, with the `details` list in the detail panel. No event reports
a new error, so the list is read when first shown and again on `r`. The console's
own failures (a background job that raised, `bwconsole.tui.workers`) are listed
here too, in category `console`.
"""

from __future__ import annotations

import itertools
import time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.tui.formatting import clock_time, epoch
from bwconsole.tui.model import Column, Row
from bwconsole.tui.widgets.pane import Pane
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import Client
    from bwconsole.api.models import UserError

__all__ = ["ErrorsPane", "error_row"]

PAGE_SIZE = 1000
"""Errors asked for per page (the API keeps at most the newest 1000)."""


def error_row(error: UserError) -> dict[str, Any]:
    """Turn one recorded error into a row (details kept as (name, value) pairs)."""
    return {
        "time": epoch(error.time),
        "category": error.category or "",
        "code": error.code or "",
        "message": error.message or "",
        "id": error.id or "",
        "details": [(d.name or "", d.value or "") for d in error.details or ()],
    }


class ErrorsPane(Pane):
    """User errors keyed by error id, newest first.

    | Key | Action |
    |---|---|
    | r | read the errors again from the API |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "refresh_errors",
            "Refresh",
            tooltip="Read the account's errors again",
            id="errors-refresh",
        ),
    ]

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

    def __init__(self) -> None:
        super().__init__()
        # The API lists newest first; ordering by time keeps that whatever order pages arrive in.
        self.model.sort_by("time", reverse=True)
        self._console_seq = itertools.count(1)

    def add_console_error(self, what: str, message: str) -> None:
        """List a failure of the console itself (not the account's): what failed, and how."""
        key = f"console-{next(self._console_seq)}"
        self.upsert(
            key,
            {
                "time": time.time(),
                "category": "console",
                "code": what,
                "message": message,
                "id": "",
                "details": [("log", "the traceback is in the console's log file")],
            },
        )

    async def load(self, client: Client) -> None:
        """Read every recorded error, page by page, into the list."""
        count = 0
        async for error in client.errors.list(size=PAGE_SIZE):
            if error.id:
                self.upsert(error.id, error_row(error))
                count += 1
        self.border_title = f"{self.TITLE} ({count})"

    def describe(self, key: str, row: Row) -> RenderableType:
        text = Text()
        text.append(f"{row['code'] or 'error'}\n", style="bold")
        text.append(f"{clock_time(row['time'])}  {row['category']}\n")
        text.append(f"{row['message']}\n\n")
        details = row.get("details") or []
        text.append("Details:\n" if details else "No details.\n", style="bold")
        for name, value in details:
            text.append(f"  {name}: ", style="bold")
            text.append(f"{value}\n")
        text.append(f"\nId: {key}\n", style="dim")
        return text

    def action_refresh_errors(self) -> None:
        """Read the errors again (new ones join the top of the list)."""
        run_guarded(self, self._refresh(), group="errors-refresh", exclusive=True)

    async def _refresh(self) -> None:
        await self.console.call_api(self._reload())

    async def _reload(self) -> None:
        await self.load(self.client)

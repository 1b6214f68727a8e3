"""Numbers pane: the account's phone numbers, with search-and-order, rename, assign, release.

No event reports a number changing, so the rows are read once when the pane
is first shown and then changed by the pane's own actions: each action makes
its REST call and updates (or removes) the row from what the API answered.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.tui.formatting import date_time
from bwconsole.tui.forms import Field
from bwconsole.tui.model import Column, Row
from bwconsole.tui.phone import national, remember_account_number
from bwconsole.tui.screens.application_picker import ApplicationPickerScreen
from bwconsole.tui.screens.applications import ApplicationsScreen
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.screens.number_search import NumberSearchScreen
from bwconsole.tui.widgets.pane import Pane
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import Application, Client, PhoneNumber

__all__ = ["NumbersPane"]

PAGE_SIZE = 1000


class NumbersPane(Pane):
    """Owned phone numbers; rows are keyed by number id, `y` copies the number.

    | Key | Action |
    |---|---|
    | f | find available numbers and order the marked ones |
    | r | rename the highlighted number |
    | a | assign the highlighted number to an application |
    | delete | release the highlighted number (asks first) |
    | A | the account's applications: create, edit callback URLs, delete |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f",
            "search",
            "Find/order",
            tooltip="Search available numbers and order some",
            id="numbers-search",
        ),
        Binding(
            "r", "rename", "Rename", tooltip="Rename the highlighted number", id="numbers-rename"
        ),
        Binding(
            "a",
            "assign",
            "Assign app",
            tooltip="Link the highlighted number to an application",
            id="numbers-assign",
        ),
        Binding(
            "delete",
            "release",
            "Release",
            key_display="del",
            tooltip="Release the highlighted number (for good)",
            id="numbers-release",
        ),
        Binding(
            "A",
            "applications",
            "Applications",
            tooltip="List, create, edit and delete applications",
            id="numbers-applications",
        ),
    ]

    PANE_ID = "numbers"
    TITLE = "Numbers"
    PANE_KEY = "1"
    COLUMNS = (
        Column("number", "Number", 14),
        Column("name", "Name", 16),
        Column("application", "Application", 22),
        Column("city", "City", 12),
        Column("state", "St", 3),
        Column("numberState", "Status", 9),
        Column("createdTime", "Created", 16, date_time),
        Column("id", "Id", 24),
    )

    def __init__(self) -> None:
        super().__init__()
        self.application_names: dict[str, str] = {}
        """Application id -> name, for the Application column."""

    def row_id(self, key: str, row: Row) -> str:
        return str(row.get("number") or key)

    async def load(self, client: Client) -> None:
        """Read the applications (for their names), then every owned number, page by page."""
        async for application in client.applications.list(size=PAGE_SIZE):
            if application.id:
                self.application_names[application.id] = application.name or application.id
        async for number in client.phone_numbers.list(size=PAGE_SIZE):
            self.put(number)

    def put(self, number: PhoneNumber) -> None:
        """Show (or update) one owned number from what the API said about it."""
        if not number.id:
            return
        remember_account_number(number.number)  # forms read typed numbers in its country
        self.upsert(
            number.id,
            {
                "id": number.id,
                "number": number.number,
                "name": number.name,
                "applicationId": number.application_id,
                "application": self._application_label(number.application_id),
                "city": number.city,
                "state": number.state,
                "numberState": number.number_state,
                "createdTime": number.created_time,
            },
        )

    def describe(self, key: str, row: Row) -> RenderableType:
        """The columns, and the number as a person of the account's country dials it."""
        text = super().describe(key, row)
        spoken = national(str(row.get("number") or ""))
        if isinstance(text, Text) and spoken:
            text.append("Dialled as: ", style="bold")
            text.append(f"{spoken}\n")
        return text

    def set_applications(self, applications: list[Application]) -> None:
        """Use a fresh list of applications: relabel every row (a name may have changed or gone)."""
        self.application_names = {a.id: a.name or a.id for a in applications if a.id}
        for key in list(self.model):
            row = self.model.get(key)
            if row is None:
                continue
            app_id = row.get("applicationId")
            if app_id and app_id not in self.application_names:
                app_id = None  # deleting an application unlinks its numbers
            label = self._application_label(app_id)
            if label != row.get("application") or app_id != row.get("applicationId"):
                self.upsert(key, {**row, "applicationId": app_id, "application": label})

    # --- helpers ---------------------------------------------------------------------------

    def _application_label(self, app_id: str | None) -> str:
        if not app_id:
            return ""
        return self.application_names.get(app_id, app_id)

    def _connected(self) -> bool:
        if self.console.backend is None:
            self.console.notify("Not connected to an account yet.", severity="warning")
            return False
        return True

    def _highlighted(self) -> tuple[str, Row] | None:
        if not self._connected():
            return None
        key = self.table.cursor_key
        row = self.model.get(key) if key is not None else None
        if key is None or row is None:
            self.app.notify("No number is highlighted.", severity="warning")
            return None
        return key, row

    async def _call(self, request: Awaitable[Any]) -> Any:
        return await self.console.call_api(request)

    async def _refresh(self, number_id: str) -> None:
        number = await self._call(self.client.phone_numbers.get(number_id))
        if number is not None:
            self.put(number)

    async def _rename(self, key: str, row: Row) -> None:
        form = FormScreen(
            f"Rename {row.get('number')}", [Field("name", "Name", value=str(row.get("name") or ""))]
        )
        values = await self.app.push_screen_wait(form)
        if values is None:
            return
        if await self.console.call_api_ok(
            self.client.phone_numbers.update(key, name=values["name"])
        ):
            await self._refresh(key)

    async def _assign(self, key: str, row: Row) -> None:
        applications = await self._call(self.client.applications.list(size=PAGE_SIZE).collect())
        if applications is None:
            return
        self.application_names = {a.id: a.name or a.id for a in applications if a.id}
        picker = ApplicationPickerScreen(
            f"Application for {row.get('number')}",
            list(self.application_names.items()),
            current=row.get("applicationId"),
        )
        app_id = await self.app.push_screen_wait(picker)
        if app_id is None:
            return
        update = self.client.phone_numbers.update(key, application_id=app_id)
        if await self.console.call_api_ok(update):
            await self._refresh(key)

    async def _release(self, key: str, row: Row) -> None:
        question = (
            f"Release {row.get('number')} ({row.get('name') or 'no name'})? "
            "It leaves the account for good and cannot be ordered again."
        )
        if not await self.app.push_screen_wait(ConfirmScreen(question, title="Release number")):
            return
        if await self.console.call_api_ok(self.client.phone_numbers.delete(key)):
            self.model.remove(key)
            self.app.notify(f"Released {row.get('number')}.")

    async def _applications(self) -> None:
        screen = ApplicationsScreen(self.client, self.console.relay_callback_url)
        applications = await self.app.push_screen_wait(screen)
        if applications is not None:
            self.set_applications(applications)

    # --- actions ---------------------------------------------------------------------------

    def action_search(self) -> None:
        """Search available numbers; the ones ordered appear here as they are bought."""
        if not self._connected():
            return
        self.app.push_screen(NumberSearchScreen(self.client, on_ordered=self._ordered))

    def _ordered(self, number: PhoneNumber) -> None:
        self.put(number)
        if number.id is not None and (index := self.model.index_of(number.id)) is not None:
            self.table.move_cursor(index)

    def action_rename(self) -> None:
        """Give the highlighted number a new name."""
        if (target := self._highlighted()) is not None:
            run_guarded(self, self._rename(*target), group="numbers-action", exclusive=True)

    def action_assign(self) -> None:
        """Choose the application whose URLs receive this number's events."""
        if (target := self._highlighted()) is not None:
            run_guarded(self, self._assign(*target), group="numbers-action", exclusive=True)

    def action_release(self) -> None:
        """Release the highlighted number, after asking."""
        if (target := self._highlighted()) is not None:
            run_guarded(self, self._release(*target), group="numbers-action", exclusive=True)

    def action_applications(self) -> None:
        """Open the applications list (create/edit callback URLs, delete)."""
        if not self._connected():
            return
        run_guarded(self, self._applications(), group="numbers-action", exclusive=True)

"""The account's applications in a modal list: create, edit callback URLs, delete.

Applications decide where a number's or endpoint's events go, so this list is
opened from the Numbers pane. It reuses the console's virtual table; closing
it hands the current applications back so the pane can relabel its rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from bwconsole.tui.application_form import (
    application_fields,
    application_values,
)
from bwconsole.tui.console import console_of
from bwconsole.tui.formatting import yes_no
from bwconsole.tui.model import Column, TableModel
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.widgets.virtual_table import VirtualTable
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import Application, Client

__all__ = ["ApplicationsScreen"]

COLUMNS = (
    Column("name", "Name", 20),
    Column("incomingCallUrl", "Incoming call URL", 34),
    Column("incomingMessageUrl", "Incoming message URL", 34),
    Column("callbackHttpMethod", "Method", 6),
    Column("autoAnswer", "Auto", 4, yes_no),
    Column("id", "Id", 26),
)


def _row(application: Application) -> dict[str, object]:
    return {
        "id": application.id,
        "name": application.name,
        "incomingCallUrl": application.incoming_call_url,
        "incomingMessageUrl": application.incoming_message_url,
        "callbackHttpMethod": application.callback_http_method,
        "autoAnswer": application.auto_answer,
    }


class ApplicationsScreen(ModalScreen[list["Application"]]):
    """Applications of the account; dismisses with them as they are when closed.

    | Key | Action |
    |---|---|
    | n | new application (callback URLs pre-filled with the relay's) |
    | e | edit the highlighted application |
    | delete | delete the highlighted application (asks first) |
    | escape | close |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create", "New", tooltip="Create an application", id="applications-create"),
        Binding(
            "e", "edit", "Edit", tooltip="Edit the highlighted application", id="applications-edit"
        ),
        Binding(
            "delete",
            "delete",
            "Delete",
            tooltip="Delete the highlighted application",
            key_display="del",
            id="applications-delete",
        ),
        Binding("escape", "close", "Close", id="applications-close"),
    ]

    CSS_PATH = "../styles/applications.tcss"

    def __init__(self, client: Client, relay_url: str | None) -> None:
        """Args:
        client: The account whose applications are shown.
        relay_url: The callback URL new applications start with (the relay's, if any).
        """
        super().__init__()
        self.client = client
        self.relay_url = relay_url or ""
        self.model = TableModel(COLUMNS)
        self.table = VirtualTable(self.model, id="applications-table")
        self.applications: dict[str, Application] = {}
        """The account's applications by id, as last read or written."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="applications--body") as body:
            body.border_title = "Applications"
            yield self.table
            yield Static(
                "n new · e edit · del deletes · escape closes", classes="form--hint", markup=False
            )

    def on_mount(self) -> None:
        self.table.focus()
        run_guarded(self, self._load(), group="applications-load")

    def put(self, application: Application) -> None:
        """Show (or update) one application."""
        if application.id:
            self.applications[application.id] = application
            self.model.upsert(application.id, _row(application))

    async def _load(self) -> None:
        async for application in self.client.applications.list(size=1000):
            self.put(application)

    def _highlighted(self) -> Application | None:
        key = self.table.cursor_key
        application = self.applications.get(key) if key is not None else None
        if application is None:
            self.app.notify("No application is highlighted.", severity="warning")
        return application

    async def _edit(self, application: Application | None) -> None:
        title = "New application" if application is None else f"Edit {application.name}"
        values = await self.app.push_screen_wait(
            FormScreen(title, application_fields(application, self.relay_url))
        )
        if values is None:
            return
        try:
            fields = application_values(values, editing=application is not None)
        except ValueError as exc:
            self.app.notify(str(exc), severity="error")
            return
        call_api = console_of(self).call_api
        if application is None:
            app_id = await call_api(self.client.applications.create(**fields))
        else:
            app_id = application.id or ""
            if not await console_of(self).call_api_ok(
                self.client.applications.update(app_id, **fields)
            ):
                return
        if app_id is None:
            return
        fresh = await call_api(self.client.applications.get(app_id))
        if fresh is not None:
            self.put(fresh)
            self.table.move_cursor(self.model.index_of(app_id) or 0)

    async def _delete(self, application: Application) -> None:
        question = (
            f"Delete application {application.name} ({application.id})? "
            "Its numbers and endpoints stop sending events anywhere."
        )
        if not await self.app.push_screen_wait(ConfirmScreen(question)):
            return
        app_id = application.id or ""
        if not await console_of(self).call_api_ok(self.client.applications.delete(app_id)):
            return
        self.applications.pop(app_id, None)
        self.model.remove(app_id)

    def action_create(self) -> None:
        """Create an application whose callbacks go to the relay unless changed."""
        run_guarded(self, self._edit(None), group="applications-action", exclusive=True)

    def action_edit(self) -> None:
        """Change the highlighted application's callback URLs, method or auto-answer."""
        application = self._highlighted()
        if application is not None:
            run_guarded(self, self._edit(application), group="applications-action", exclusive=True)

    def action_delete(self) -> None:
        """Delete the highlighted application, after asking."""
        application = self._highlighted()
        if application is not None:
            run_guarded(
                self, self._delete(application), group="applications-action", exclusive=True
            )

    def action_close(self) -> None:
        """Close, handing back the applications as they are now."""
        self.dismiss(list(self.applications.values()))

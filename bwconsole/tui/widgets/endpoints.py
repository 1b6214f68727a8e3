"""Endpoints pane: SIP domains and their endpoints in one two-level list.

Each domain is a row (keyed `domain:<id>`) followed by its endpoints (keyed by
endpoint id); the list is sorted by domain name, and a domain row arrives
before its endpoints, so endpoints sit under their domain. No event reports
domains or endpoints changing: the pane reads them once and then applies the
result of its own actions.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.tui.endpoint_forms import (
    MAX_DOMAINS,
    dial_fields,
    domain_fields,
    endpoint_fields,
)
from bwconsole.tui.formatting import yes_no
from bwconsole.tui.model import Column, Row
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.widgets.calls import CallsPane
from bwconsole.tui.widgets.pane import Pane
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import Client, Domain, Endpoint

__all__ = ["EndpointsPane", "domain_key", "sip_uri"]

PAGE_SIZE = 1000
DOMAIN_PREFIX = "domain:"


DOMAIN_DETAIL: tuple[tuple[str, str], ...] = (
    ("Domain", "domain"),
    ("Description", "description"),
    ("Endpoints", "endpointCount"),
    ("Id", "id"),
)
ENDPOINT_DETAIL: tuple[tuple[str, str], ...] = (
    ("Endpoint", "name"),
    ("SIP URI", "sipUri"),
    ("Enabled", "enabled"),
    ("Domain", "domain"),
    ("Description", "description"),
    ("SIP user", "username"),
    ("Realm", "realm"),
    ("Application", "applicationId"),
    ("Id", "id"),
)


def domain_key(domain_id: str) -> str:
    """The row key of a domain (endpoint rows use the endpoint id)."""
    return DOMAIN_PREFIX + domain_id


def sip_uri(address: str | None) -> str:
    """An endpoint's `sipUri` as a dialable URI (the API gives it without `sip:`)."""
    if not address:
        return ""
    return address if address.startswith("sip:") else f"sip:{address}"


def _endpoints_label(count: int) -> str:
    return f"({count} endpoint{'s' if count != 1 else ''})"


class EndpointsPane(Pane):
    """Domains and their endpoints; `y` copies an endpoint's SIP URI.

    | Key | Action |
    |---|---|
    | D | new domain (N of 100 shown) |
    | n | new endpoint in the highlighted domain |
    | e | enable / disable the highlighted endpoint |
    | d | dial: call from the highlighted endpoint |
    | delete | delete the highlighted endpoint or domain (asks first) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "D", "create_domain", "New domain", tooltip="Create a SIP domain", id="domains-create"
        ),
        Binding(
            "n",
            "create_endpoint",
            "New endpoint",
            tooltip="Create an endpoint in the highlighted domain",
            id="endpoints-create",
        ),
        Binding(
            "e",
            "toggle_enabled",
            "Enable/disable",
            tooltip="Enable or disable the highlighted endpoint",
            id="endpoints-toggle",
        ),
        Binding(
            "d",
            "dial",
            "Call from",
            tooltip="Place a call from the highlighted endpoint",
            id="endpoints-dial",
        ),
        Binding(
            "delete",
            "delete",
            "Delete",
            key_display="del",
            tooltip="Delete the highlighted endpoint or domain",
            id="endpoints-delete",
        ),
    ]

    PANE_ID = "endpoints"
    TITLE = "Endpoints"
    PANE_KEY = "5"
    COLUMNS = (
        Column("domain", "Domain", 16),
        Column("name", "Endpoint", 14),
        Column("enabled", "On", 3, yes_no),
        Column("sipUri", "SIP URI", 46),
        Column("description", "Description", 22),
        Column("id", "Id", 26),
    )

    def __init__(self) -> None:
        super().__init__()
        self.model.sort_by("domain")
        self.domains: dict[str, Domain] = {}
        """The account's domains by id."""
        self.endpoint_ids: dict[str, set[str]] = {}
        """Domain id -> ids of its endpoints (rows hidden by the filter included)."""

    def on_mount(self) -> None:
        super().on_mount()
        self._update_title()

    def row_id(self, key: str, row: Row) -> str:
        return str(row.get("sipUri") or row.get("id") or key)

    def describe(self, key: str, row: Row) -> Text:
        fields = ENDPOINT_DETAIL if row.get("kind") == "endpoint" else DOMAIN_DETAIL
        text = Text()
        for label, field in fields:
            value = row.get(field)
            text.append(f"{label}: ", style="bold")
            text.append(f"{yes_no(value) if field == 'enabled' else value or ''}\n")
        return text

    async def load(self, client: Client) -> None:
        """Read every domain, then each domain's endpoints page by page."""
        for domain in await client.domains.list():
            self.put_domain(domain)
        for domain_id in list(self.domains):
            async for endpoint in client.endpoints.list(domain_id, size=PAGE_SIZE):
                self.put_endpoint(endpoint)
            self._count_endpoints(domain_id)

    def put_domain(self, domain: Domain) -> None:
        """Show (or update) a domain row."""
        if not domain.id:
            return
        self.domains[domain.id] = domain
        count = len(self.endpoint_ids.get(domain.id, ()))
        self.upsert(
            domain_key(domain.id),
            {
                "kind": "domain",
                "id": domain.id,
                "domainId": domain.id,
                "domain": domain.name,
                "name": _endpoints_label(count),
                "endpointCount": count,
                "description": domain.description,
            },
        )
        self._update_title()

    def put_endpoint(self, endpoint: Endpoint) -> None:
        """Show (or update) an endpoint row under its domain."""
        if not endpoint.id or not endpoint.domain_id:
            return
        domain = self.domains.get(endpoint.domain_id)
        self.endpoint_ids.setdefault(endpoint.domain_id, set()).add(endpoint.id)
        credentials = endpoint.credentials
        self.upsert(
            endpoint.id,
            {
                "kind": "endpoint",
                "id": endpoint.id,
                "domainId": endpoint.domain_id,
                "domain": domain.name if domain else endpoint.domain_id,
                "name": endpoint.name,
                "sipUri": sip_uri(endpoint.sip_uri),
                "enabled": endpoint.enabled,
                "description": endpoint.description,
                "applicationId": endpoint.application_id,
                "realm": credentials.realm if credentials else None,
                "username": credentials.username if credentials else None,
            },
        )

    # --- helpers ---------------------------------------------------------------------------

    def _update_title(self) -> None:
        self.border_title = f"{self.TITLE} · {len(self.domains)} of {MAX_DOMAINS} domains"

    def _count_endpoints(self, domain_id: str) -> None:
        key = domain_key(domain_id)
        row = self.model.get(key)
        if row is not None:
            count = len(self.endpoint_ids.get(domain_id, ()))
            if row.get("endpointCount") != count:
                self.upsert(key, {**row, "name": _endpoints_label(count), "endpointCount": count})

    def _connected(self) -> bool:
        if self.console.backend is None:
            self.console.notify("Not connected to an account yet.", severity="warning")
            return False
        return True

    def _highlighted(self, kind: str | None = None) -> tuple[str, Row] | None:
        if not self._connected():
            return None
        key = self.table.cursor_key
        row = self.model.get(key) if key is not None else None
        if key is None or row is None:
            self.app.notify("Nothing is highlighted.", severity="warning")
            return None
        if kind is not None and row.get("kind") != kind:
            self.app.notify(f"Highlight an {kind} first.", severity="warning")
            return None
        return key, row

    def _go_to(self, key: str) -> None:
        if (index := self.model.index_of(key)) is not None:
            self.table.move_cursor(index)

    async def _call(self, request: Awaitable[Any]) -> Any:
        return await self.console.call_api(request)

    async def _refresh_endpoint(self, domain_id: str, endpoint_id: str) -> None:
        endpoint = await self._call(self.client.endpoints.get(domain_id, endpoint_id))
        if endpoint is not None:
            self.put_endpoint(endpoint)
        self._count_endpoints(domain_id)

    async def _create_domain(self) -> None:
        title = f"New domain ({len(self.domains)} of {MAX_DOMAINS} used)"
        values = await self.app.push_screen_wait(FormScreen(title, domain_fields()))
        if values is None:
            return
        create = self.client.domains.create(
            name=values["name"], description=values["description"] or None
        )
        domain_id = await self._call(create)
        if domain_id is None:
            return
        # The v1 docs have no GET for one domain: re-read the list.
        domains = await self._call(self.client.domains.list().collect())
        for domain in domains or ():
            if domain.id == domain_id:
                self.put_domain(domain)
        self._go_to(domain_key(domain_id))

    async def _create_endpoint(self, domain_id: str) -> None:
        domain = self.domains[domain_id]
        form = FormScreen(f"New endpoint in {domain.name}", endpoint_fields())
        values = await self.app.push_screen_wait(form)
        if values is None:
            return
        create = self.client.endpoints.create(
            domain_id,
            name=values["name"],
            password=values["password"],
            description=values["description"] or None,
        )
        endpoint_id = await self._call(create)
        if endpoint_id is not None:
            await self._refresh_endpoint(domain_id, endpoint_id)
            self._go_to(endpoint_id)

    async def _toggle(self, key: str, row: Row) -> None:
        domain_id = str(row["domainId"])
        enabled = row.get("enabled") is not False
        update = self.client.endpoints.update(domain_id, key, enabled=not enabled)
        if await self.console.call_api_ok(update):
            await self._refresh_endpoint(domain_id, key)
            self.app.notify(f"{row.get('name')} {'disabled' if enabled else 'enabled'}.")

    async def _delete(self, key: str, row: Row) -> None:
        domain_id = str(row["domainId"])
        if row.get("kind") == "domain":
            inside = sorted(self.endpoint_ids.get(domain_id, ()))
            question = f"Delete domain {row.get('domain')} and its {len(inside)} endpoint(s)?"
        else:
            question = f"Delete endpoint {row.get('name')} ({row.get('sipUri')})?"
        if not await self.app.push_screen_wait(ConfirmScreen(question)):
            return
        if row.get("kind") == "domain":
            if not await self.console.call_api_ok(self.client.domains.delete(domain_id)):
                return
            for endpoint_key in inside:
                self.model.remove(endpoint_key)
            self.model.remove(key)
            self.domains.pop(domain_id, None)
            self.endpoint_ids.pop(domain_id, None)
            self._update_title()
        else:
            if not await self.console.call_api_ok(self.client.endpoints.delete(domain_id, key)):
                return
            self.model.remove(key)
            self.endpoint_ids.get(domain_id, set()).discard(key)
            self._count_endpoints(domain_id)

    async def _dial(self, row: Row) -> None:
        source = str(row.get("sipUri") or "")
        values = await self.app.push_screen_wait(FormScreen(f"Call from {source}", dial_fields()))
        if values is None:
            return
        # Like a call dialed in Calls: its events come through the relay, and Calls shows it.
        create = self.client.calls.create(
            from_=source, to=values["to"], callback_url=self.console.relay_callback_url
        )
        call_id = await self._call(create)
        if call_id is not None:
            calls = self.console.pane("calls")
            if isinstance(calls, CallsPane):
                calls.actions.track_dialed(call_id, source, values["to"])
            self.app.notify(f"Calling {values['to']} from {source} ({call_id}): see Calls (2).")

    # --- actions ---------------------------------------------------------------------------

    def action_create_domain(self) -> None:
        """Create a SIP domain (an account has at most 100)."""
        if not self._connected():
            return
        if len(self.domains) >= MAX_DOMAINS:
            self.app.notify(
                f"The account has {MAX_DOMAINS} domains, the limit: delete one first.",
                severity="error",
            )
            return
        run_guarded(self, self._create_domain(), group="endpoints-action", exclusive=True)

    def action_create_endpoint(self) -> None:
        """Create an endpoint with credentials in the highlighted row's domain."""
        if self._connected() and not self.domains:
            self.app.notify(
                "Create a domain first: endpoints live in a domain.", severity="warning"
            )
            return
        if (target := self._highlighted()) is not None:
            domain_id = str(target[1]["domainId"])
            run_guarded(
                self, self._create_endpoint(domain_id), group="endpoints-action", exclusive=True
            )

    def action_toggle_enabled(self) -> None:
        """Enable a disabled endpoint, or disable an enabled one."""
        if (target := self._highlighted("endpoint")) is not None:
            run_guarded(self, self._toggle(*target), group="endpoints-action", exclusive=True)

    def action_delete(self) -> None:
        """Delete the highlighted endpoint, or domain with its endpoints, after asking."""
        if (target := self._highlighted()) is not None:
            run_guarded(self, self._delete(*target), group="endpoints-action", exclusive=True)

    def action_dial(self) -> None:
        """Ask for a destination and call it from the highlighted endpoint."""
        if (target := self._highlighted("endpoint")) is not None:
            run_guarded(self, self._dial(target[1]), group="endpoints-action", exclusive=True)

"""Helpers for the Calls pane's Pilot tests: dial from the keyboard, reach the sandbox's control routes."""

from __future__ import annotations

from typing import Any

import httpx
from console_helpers import until
from textual.pilot import Pilot

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.screens.call_form import ChoiceFormScreen
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.widgets.calls import CallsPane


def calls_pane(app: BwConsoleApp) -> CallsPane:
    pane = app.pane("calls")
    assert isinstance(pane, CallsPane)
    return pane


def state(app: BwConsoleApp, call_id: str) -> str:
    row = calls_pane(app).model.get(call_id)
    return "" if row is None else str(row.get("state"))


def notes(app: BwConsoleApp, call_id: str) -> str:
    row = calls_pane(app).model.get(call_id) or {}
    return "\n".join(row.get("notes") or ())


def sandbox_call(app: BwConsoleApp, call_id: str) -> dict[str, Any]:
    assert app.backend is not None
    record = app.backend.sandbox.collection("calls").get(call_id)
    assert record is not None, f"the sandbox has no call {call_id}"
    return dict(record)


def sandbox_call_ids(app: BwConsoleApp) -> set[str]:
    assert app.backend is not None
    return {record["id"] for record in app.backend.sandbox.collection("calls")}


def owned_numbers(app: BwConsoleApp) -> list[str]:
    assert app.backend is not None
    return [record["number"] for record in app.backend.sandbox.collection("phoneNumbers")]


async def form(pilot: Pilot[None], kind: type[FormScreen] = FormScreen) -> FormScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, kind), f"a {kind.__name__}")
    assert isinstance(app.screen, FormScreen)
    return app.screen


async def dial(
    pilot: Pilot[None], to: str, *, caller: str | None = None, answered: bool = True
) -> str:
    """Dial from the keyboard (d, the number, enter); return the new call's id."""
    app = pilot.app
    assert isinstance(app, BwConsoleApp)
    pane = calls_pane(app)
    before = sandbox_call_ids(app)
    await pilot.press("d")
    screen = await form(pilot, ChoiceFormScreen)
    assert isinstance(screen, ChoiceFormScreen)
    if caller is not None:
        screen.selects["from"].value = caller
    screen.inputs["to"].value = to  # typing is covered elsewhere; this keeps tests fast
    await pilot.press("enter")
    await until(pilot, lambda: sandbox_call_ids(app) - before, "the call placed")
    # Dialing an owned number also creates the inbound leg: the dialed one is outbound.
    (call_id,) = [
        new
        for new in sandbox_call_ids(app) - before
        if sandbox_call(app, new)["direction"] == "out"
    ]
    await until(pilot, lambda: call_id in pane.model, "the dialed call's row")
    assert pane.table.cursor_key == call_id, "the new call is highlighted"
    if answered:
        await until(pilot, lambda: state(app, call_id) == "active", f"{call_id} answered")
    return call_id


async def control(app: BwConsoleApp, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST to one of the sandbox's control routes (`/sandbox/...`)."""
    assert app.backend is not None
    profile = app.backend.profile
    base = profile.api_url.removesuffix("/v1")
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        response = await http.post(path, json=body, auth=(profile.api_token, profile.api_secret))
    response.raise_for_status()
    payload = response.json() if response.content else {}
    assert isinstance(payload, dict)
    return payload


async def highlight(pilot: Pilot[None], call_id: str) -> None:
    pane = calls_pane(pilot.app)  # type: ignore[arg-type]
    pane.table.flush()
    index = pane.model.index_of(call_id)
    assert index is not None
    pane.table.move_cursor(index)
    await pilot.pause()

"""The Endpoints pane driven from the keyboard against the embedded sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from bwconsole.sandbox.seed import ENDPOINT_PASSWORD
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.endpoint_forms import Destination, DomainName, SipPassword, SipUser
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.widgets.endpoints import EndpointsPane, domain_key
from tests.console_helpers import connected_console, until


def endpoints_pane(app: BwConsoleApp) -> EndpointsPane:
    pane = app.pane("endpoints")
    assert isinstance(pane, EndpointsPane)
    return pane


def collection(app: BwConsoleApp, name: str) -> dict[str, dict[str, Any]]:
    assert app.backend is not None
    return {record["id"]: record for record in app.backend.sandbox.collection(name)}


async def loaded(app: BwConsoleApp, pilot: Any) -> EndpointsPane:
    pane = endpoints_pane(app)
    await until(pilot, lambda: pane.model.total == 2, "the seeded domain and endpoint")
    return pane


def keys_in_view(pane: EndpointsPane) -> list[str]:
    return list(pane.model)


def row(pane: EndpointsPane, key: str) -> dict[str, Any]:
    found = pane.model.get(key)
    assert found is not None, key
    return dict(found)


async def fill(app: BwConsoleApp, pilot: Any, values: dict[str, str]) -> None:
    screen = app.screen
    assert isinstance(screen, FormScreen), screen
    for name, value in values.items():
        screen.inputs[name].value = value
    screen.inputs[next(iter(values))].focus()
    await pilot.press("enter")


async def test_domains_and_endpoints_load_as_two_levels(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="endpoints") as (app, pilot):
        pane = await loaded(app, pilot)
        (domain_id,) = collection(app, "domains")
        (endpoint_id,) = collection(app, "endpoints")
        assert keys_in_view(pane) == [domain_key(domain_id), endpoint_id]
        assert row(pane, domain_key(domain_id))["name"] == "(1 endpoint)"
        endpoint = row(pane, endpoint_id)
        assert endpoint["sipUri"] == "sip:softphone@bwconsole-demo.bwapp.bwsipp.io"
        assert endpoint["enabled"] is True
        assert "1 of 100 domains" in str(pane.border_title)
        assert "sip:softphone@" in pane.table.render_line(2).text


async def test_create_domain_then_endpoint_with_credentials(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="endpoints") as (app, pilot):
        pane = await loaded(app, pilot)
        await pilot.press("D")
        assert "1 of 100 used" in str(app.screen.query_one(".form--body").border_title)
        await fill(app, pilot, {"name": "bad name!", "description": "Desk phones"})
        assert isinstance(app.screen, FormScreen)  # refused: not a DNS name
        assert "DNS" in str(app.screen.errors["name"].render())
        await fill(app, pilot, {"name": "acme-office"})
        await until(pilot, lambda: len(pane.domains) == 2, "the new domain row")
        domain_id = next(
            d for d, r in collection(app, "domains").items() if r["name"] == "acme-office"
        )
        assert pane.table.cursor_key == domain_key(domain_id)
        assert "2 of 100 domains" in str(pane.border_title)

        await pilot.press("n")
        await fill(app, pilot, {"name": "reception", "password": "short"})
        assert isinstance(app.screen, FormScreen)
        assert "at least 6" in str(app.screen.errors["password"].render())
        await fill(app, pilot, {"password": "s3cret-pass"})
        await until(pilot, lambda: len(pane.endpoint_ids.get(domain_id, ())) == 1, "endpoint row")
        (endpoint_id,) = pane.endpoint_ids[domain_id]
        record = collection(app, "endpoints")[endpoint_id]
        assert record["name"] == "reception" and record["_password"] == "s3cret-pass"
        assert row(pane, endpoint_id)["sipUri"] == "sip:reception@acme-office.bwapp.bwsipp.io"
        assert row(pane, domain_key(domain_id))["name"] == "(1 endpoint)"
        assert pane.table.cursor_key == endpoint_id
        # The endpoint sits right under its domain.
        keys = keys_in_view(pane)
        assert keys.index(endpoint_id) == keys.index(domain_key(domain_id)) + 1


async def test_enable_disable_toggles_the_endpoint(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="endpoints") as (app, pilot):
        pane = await loaded(app, pilot)
        (endpoint_id,) = collection(app, "endpoints")
        pane.table.move_cursor(1)
        await pilot.press("e")
        await until(pilot, lambda: row(pane, endpoint_id)["enabled"] is False, "disabled")
        assert collection(app, "endpoints")[endpoint_id]["enabled"] is False
        await until(pilot, lambda: "Enabled: no" in str(pane.detail.content), "the detail")
        await pilot.press("e")
        await until(pilot, lambda: row(pane, endpoint_id)["enabled"] is True, "enabled")
        assert collection(app, "endpoints")[endpoint_id]["enabled"] is True


async def test_delete_endpoint_then_domain_after_confirming(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="endpoints") as (app, pilot):
        pane = await loaded(app, pilot)
        (domain_id,) = collection(app, "domains")
        (endpoint_id,) = collection(app, "endpoints")
        pane.table.move_cursor(1)
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert endpoint_id in pane.model
        await pilot.press("delete", "y")
        await until(pilot, lambda: endpoint_id not in pane.model, "the endpoint row to go")
        assert endpoint_id not in collection(app, "endpoints")
        assert row(pane, domain_key(domain_id))["name"] == "(0 endpoints)"
        pane.table.move_cursor(0)
        await pilot.press("delete", "y")
        await until(pilot, lambda: pane.model.total == 0, "the domain row to go")
        assert collection(app, "domains") == {}
        assert "0 of 100 domains" in str(pane.border_title)


async def test_dial_from_an_endpoint_creates_a_call_from_its_sip_uri(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="endpoints") as (app, pilot):
        pane = await loaded(app, pilot)
        before = set(collection(app, "calls"))
        pane.table.move_cursor(1)
        await pilot.press("d")
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"919555", "enter")
        assert isinstance(app.screen, FormScreen)  # not a number nor a SIP URI
        app.screen.query_one(Input).value = "+19195550123"
        await pilot.press("enter")
        await until(pilot, lambda: set(collection(app, "calls")) - before, "the call")
        (call_id,) = set(collection(app, "calls")) - before
        call = collection(app, "calls")[call_id]
        assert call["from"] == "sip:softphone@bwconsole-demo.bwapp.bwsipp.io"
        assert call["to"] == "+19195550123"
        calls = app.pane("calls")
        await until(pilot, lambda: call_id in calls.model, "the call in the Calls pane")
        events = app.pane("events")
        rows = lambda: [events.model.get(key) or {} for key in events.model]  # noqa: E731
        await until(pilot, lambda: any(call_id in str(r) for r in rows()), "its events")


async def test_dial_needs_an_endpoint_row(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="endpoints") as (app, pilot):
        pane = await loaded(app, pilot)
        pane.table.move_cursor(0)
        await pilot.press("d")
        assert not isinstance(app.screen, FormScreen)


def test_validators_follow_the_docs() -> None:
    assert SipPassword().validate(ENDPOINT_PASSWORD).is_valid
    assert not SipPassword().validate("abc12").is_valid
    assert not SipPassword().validate("pässwörd€").is_valid  # € is not Latin-1
    assert SipPassword().validate("pässwörd").is_valid
    assert SipUser().validate("jsmith_mobile").is_valid
    assert not SipUser().validate("j smith").is_valid
    assert not SipUser().validate("a@b").is_valid
    assert DomainName().validate("mycoolapp").is_valid
    assert not DomainName().validate("-x").is_valid
    assert not DomainName().validate("a" * 64).is_valid
    assert Destination().validate("sip:bob@example.com").is_valid
    assert Destination().validate("+19195551234").is_valid
    assert Destination().validate("9195551234").is_valid  # read in the account's region
    assert Destination().normalise("919-555-1234") == "+19195551234"
    assert Destination().normalise("sip:bob@example.com") == "sip:bob@example.com"
    assert not Destination().validate("+12").is_valid


async def test_the_domain_limit_is_shown_and_enforced(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        for i in range(99):
            await app.client.domains.create(name=f"d{i}", description="filler")
        await pilot.press("5")
        pane = endpoints_pane(app)
        await until(pilot, lambda: len(pane.domains) == 100, "every domain")
        assert "100 of 100 domains" in str(pane.border_title)
        await pilot.press("D")
        assert not isinstance(app.screen, FormScreen)


async def test_an_endpoint_needs_a_domain(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="endpoints") as (app, pilot):
        pane = await loaded(app, pilot)
        pane.table.move_cursor(0)
        await pilot.press("delete", "y")
        await until(pilot, lambda: pane.model.total == 0, "the domain row to go")
        await pilot.press("n")
        assert not isinstance(app.screen, FormScreen)

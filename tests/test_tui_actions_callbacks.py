"""Pointing callbacks at the relay and back, and the BXML demo number, as flows: a scripted
fake console against the sandbox on loopback (no Textual)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fake_console import CHANNEL, as_console, sandbox_console

from bwconsole.api import PhoneNumber
from bwconsole.servers import BackgroundServer
from bwconsole.tui.actions.bxml_demo import BXML_DEMO_NAME, use_bxml_demo
from bwconsole.tui.actions.callbacks import point_callbacks, restore_callbacks

CALLS = "https://app.example.com/calls"
RELAY = "http://127.0.0.1:9/relay"


async def _urls(console: Any, app_id: str) -> tuple[str | None, str | None]:
    application = await console.client.applications.get(app_id)
    return application.incoming_call_url, application.incoming_message_url


async def test_point_asks_which_application_shows_the_plan_and_restore_puts_back(
    sandbox_server: BackgroundServer, tmp_path: Path
) -> None:
    async with sandbox_console(sandbox_server, tmp_path, relay_url=RELAY) as fake:
        client = fake.client
        first = await client.applications.create(name="first", incoming_call_url=CALLS)
        await client.applications.create(name="second", incoming_call_url=CALLS)
        relay = f"{RELAY}/callbacks/{CHANNEL}"

        fake.answers = [first, False]
        await point_callbacks(as_console(fake))
        pick, question = fake.asked
        assert pick.kind == "choose" and (first, "first") in pick.detail
        assert question.kind == "confirm" and CALLS in question.text and relay in question.text
        assert fake.notices[-1] == "Callback URLs left unchanged."
        assert (await _urls(fake, first))[0] == CALLS

        fake.answers = [first, True]
        await point_callbacks(as_console(fake))
        assert await _urls(fake, first) == (relay, relay)
        assert "now sends its callbacks to the relay" in fake.notices[-1]

        fake.answers = [True]  # one saved application: no pick, only the yes
        await restore_callbacks(as_console(fake))
        assert fake.asked[-1].kind == "confirm" and CALLS in fake.asked[-1].text
        assert (await _urls(fake, first))[0] == CALLS
        assert "Restored the callback URLs" in fake.notices[-1]

        fake.answers = []
        await restore_callbacks(as_console(fake))
        assert "nothing to restore" in fake.notices[-1]
        assert fake.errors == []


async def test_point_without_a_relay_says_so_and_asks_nothing(
    sandbox_server: BackgroundServer, tmp_path: Path
) -> None:
    async with sandbox_console(sandbox_server, tmp_path, relay_url=None) as fake:
        await point_callbacks(as_console(fake))
        assert fake.asked == [] and "has no relay URL" in fake.errors[-1]


class NumberRows:
    """The Numbers pane as the demo sees it."""

    def __init__(self) -> None:
        self.application_names: dict[str, str] = {}
        self.rows: dict[str, PhoneNumber] = {}

    def put(self, number: PhoneNumber) -> None:
        self.rows[number.id or ""] = number


async def test_the_bxml_demo_links_a_number_to_an_application_at_the_bxml_door(
    sandbox_server: BackgroundServer, tmp_path: Path
) -> None:
    async with sandbox_console(sandbox_server, tmp_path, relay_url=RELAY) as fake:
        (ordered,) = await fake.client.available_numbers.order_local(area_code="919", quantity=1)
        rows = NumberRows()
        fake.panes["numbers"] = rows
        number = await use_bxml_demo(as_console(fake))
        assert number == ordered.number and fake.asked == []
        (demo,) = [a async for a in fake.client.applications.list() if a.name == BXML_DEMO_NAME]
        assert demo.incoming_call_url == f"{RELAY}/bxml/{CHANNEL}"
        (row,) = rows.rows.values()
        assert row.application_id == demo.id
        assert rows.application_names == {demo.id: BXML_DEMO_NAME}
        assert await use_bxml_demo(as_console(fake)) == number  # found, not made twice
        assert len([a async for a in fake.client.applications.list()]) == 1

"""The console loses its relay connection: what arrived meanwhile reaches the panes after it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from bwconsole.config import Profile
from bwconsole.servers import BackgroundServer
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.backend import BackendOptions
from bwconsole.tui.widgets.messages import MessagesPane
from tests.console_helpers import until
from tests.relay_helpers import TOKEN, RelayProxy, relay_server

CHANNEL = "acct"
CALLER = "+19195550123"
AWAY_TEXT = "sent while the console was cut off"


async def test_events_that_arrive_while_cut_off_reach_the_panes_after_reconnecting(
    tmp_path: Path, sandbox_server: BackgroundServer
) -> None:
    credentials = sandbox_server.sandbox.credentials  # type: ignore[attr-defined]
    async with relay_server(store=f"sqlite:{tmp_path / 'relay.db'}") as relay:
        async with RelayProxy(relay.port) as gate:
            profile = Profile(
                name="t",
                user_id=credentials.user_id,
                api_token=credentials.token,
                api_secret=credentials.secret,
                api_url=sandbox_server.url + "/v1",
                relay_url=f"http://127.0.0.1:{gate.port}",
                relay_token=TOKEN,
                relay_channel=CHANNEL,
            )
            app = BwConsoleApp(
                initial_pane="messages",
                backend=BackendOptions(profile=profile, data_dir=tmp_path / "console"),
            )
            async with app.run_test(size=(140, 45)) as pilot:
                await asyncio.wait_for(app.session.wait_connected(), 10)
                await until(pilot, lambda: app.relay_state == "connected", "the relay")
                pane = app.pane("messages")
                assert isinstance(pane, MessagesPane)

                gate.close()
                await until(pilot, lambda: app.relay_state != "connected", "the cut")
                async with httpx.AsyncClient(base_url=relay.url) as http:
                    answer = await http.post(
                        f"/callbacks/{CHANNEL}",
                        json={
                            "eventType": "sms",
                            "direction": "in",
                            "messageId": "m-away",
                            "from": CALLER,
                            "to": "+17046820055",
                            "text": AWAY_TEXT,
                            "state": "received",
                            "time": "2026-11-27T04:00:00Z",
                        },
                    )
                    assert answer.status_code == 200
                await pilot.pause(0.3)
                assert "m-away" not in pane.messages  # still cut off: nothing can have come

                gate.is_open = True
                await until(pilot, lambda: app.relay_state == "connected", "the reconnect")
                await until(pilot, lambda: "m-away" in pane.messages, "the missed message")
                assert [m["text"] for m in pane.thread(CALLER)] == [AWAY_TEXT]
                assert CALLER in pane.model

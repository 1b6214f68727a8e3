"""The API log fed by the real API client against the sandbox (a real uvicorn on loopback)."""

from __future__ import annotations

import pytest

from bwconsole.api import ApiError, Client
from bwconsole.servers import BackgroundServer
from bwconsole.tui.app import BwConsoleApp


async def test_real_client_calls_land_in_the_api_log_and_failures_notify(
    sandbox_server: BackgroundServer,
) -> None:
    creds = sandbox_server.sandbox.credentials  # type: ignore[attr-defined]
    app = BwConsoleApp(initial_pane="api-log")
    async with app.run_test(size=(120, 30)) as pilot:
        async with Client(
            creds.user_id,
            creds.token,
            creds.secret,
            base_url=sandbox_server.url + "/v1",
            timeout=10.0,
            max_retries=0,
            on_exchange=app.add_exchange,
        ) as api:
            await api.account.get()
            with pytest.raises(ApiError):
                await api.calls.get("c-does-not-exist")
        await pilot.pause(0.05)
        log = app.api_log
        newest, oldest = (log.model.get(log.model.key_at(i)) for i in range(2))
        assert oldest is not None and newest is not None
        assert oldest["method"] == "GET" and oldest["status"] == 200 and not oldest["flagged"]
        assert newest["status"] == 404 and newest["flagged"] and newest["error"]
        assert "c-does-not-exist" in newest["path"]
        assert any("404" in n.message and newest["error"] in n.message for n in app._notifications)

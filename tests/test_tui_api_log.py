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


async def test_a_failure_that_a_retry_fixed_is_logged_but_not_told() -> None:
    """Once, the first GET on a fresh sandbox raced the servers' start and raised a red
    `connection-error` toast although the client's retry succeeded 54 ms later."""
    from bwconsole.sandbox.app import create_app
    from bwconsole.sandbox.core import Sandbox

    sandbox = Sandbox(seed=1)
    server = BackgroundServer(create_app(sandbox))  # bound, not yet accepting

    async def start_during_backoff(seconds: float) -> None:
        await server.start()

    creds = sandbox.credentials
    app = BwConsoleApp(initial_pane="api-log")
    async with app.run_test(size=(120, 30)) as pilot:
        try:
            async with Client(
                creds.user_id,
                creds.token,
                creds.secret,
                base_url=server.url + "/v1",
                sleep=start_during_backoff,
                on_exchange=app.add_exchange,
            ) as api:
                await api.account.get()
        finally:
            await server.stop()
        await pilot.pause(0.05)
        rows = [app.api_log.model.get(key) for key in app.api_log.model]
        assert [(r["status"], r["error"].startswith("connection-error")) for r in rows if r] == [
            (200, False),
            (None, True),
        ]
        assert any("(retried)" in str(r["error"]) for r in rows if r)
        assert not [n for n in app._notifications if n.severity == "error"]


def test_paths_are_shown_relative_to_the_user() -> None:
    from bwconsole.tui.widgets.api_log import short_path

    assert short_path("/v1/users/u-sandbox0000000000000000000/calls/c-1") == "~/calls/c-1"
    assert short_path("/users/u-1/messages?size=100") == "~/messages?size=100"
    assert short_path("/v1/availableNumbers/local") == "/v1/availableNumbers/local"

"""The console knows when a `bwconsole listen` forwards its channel, and how each event went.

The console runs the embedded sandbox in this process; `bwconsole listen --sandbox`
(a real child process on the same data dir) joins that sandbox's relay and forwards
to a local app; `bwconsole trigger sms` makes a message arrive.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from tests.console_helpers import connected_console, until
from tests.listen_helpers import REPO, listen_env, listening, local_app

pytestmark = pytest.mark.timeout(90)


def _notes(app: object) -> list[str]:
    model = app.events_log.model  # type: ignore[attr-defined]
    return [str(model.get(model.key_at(i))["note"]) for i in range(model.total)]


async def test_console_shows_the_listen_and_each_events_delivery(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = listen_env(tmp_path)
    env["BWCONSOLE_DATA_DIR"] = str(home)
    async with (
        local_app() as local,
        connected_console(home, pane="events", time_scale=1) as (app, pilot),
    ):
        assert app.forwarders == ""
        async with listening(["--sandbox", "--forward-to", local.url], env) as listen:
            await listen.wait_for_line("forwarding")
            # told in the relay's next ping (every 5 s on the embedded relay)
            await until(pilot, lambda: app.forwarders.startswith("listen-"), "the forwarder")
            header = str(app.query_one("#status-header").render())
            assert "forwarded by listen-" in header
            sent = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "bwconsole", "trigger", "sms", "--text", "to both"],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert sent.returncode == 0, sent.stderr
            await until(pilot, lambda: any(n.startswith("fwd 200") for n in _notes(app)), "fwd")
            assert len(local.hits) >= 1
            assert await listen.stop() == 0
        await until(pilot, lambda: app.forwarders == "", "the forwarder gone")

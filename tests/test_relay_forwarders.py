"""The relay tells a channel's subscribers about its forwarders (`role=forwarder`, as
`bwconsole listen` connects) and passes their delivery reports on (docs/relay.md)."""

from __future__ import annotations

import json

import pytest

from tests.relay_helpers import console, next_frame, relay_server

pytestmark = pytest.mark.timeout(30)


async def test_forwarders_are_named_in_pings_and_their_reports_passed_on() -> None:
    async with relay_server(store="memory", ping_interval=0.2) as server:
        async with console(server, "acct", "subscriber=viewer") as viewer:
            first = await next_frame(viewer, "ping")
            assert "forwarders" not in first  # nobody forwards yet: the ping is as before
            async with console(server, "acct", "subscriber=listen-laptop&role=forwarder") as fwd:
                while "forwarders" not in (ping := await next_frame(viewer, "ping")):
                    pass
                assert ping["forwarders"] == ["listen-laptop"]
                assert "forwarders" not in await next_frame(fwd, "ping")  # not told of itself
                await fwd.send(
                    json.dumps({"type": "forwarded", "seq": 7, "status": 200, "latency_ms": 3.21})
                )
                await fwd.send(json.dumps({"type": "forwarded", "seq": "x", "status": 200}))
                await fwd.send(
                    json.dumps({"type": "forwarded", "seq": 8, "status": "cannot connect; retry 2"})
                )
                report = await next_frame(viewer, "forwarded")
                assert report == {
                    "type": "forwarded",
                    "seq": 7,
                    "by": "listen-laptop",
                    "status": 200,
                    "latency_ms": 3.2,
                }
                second = await next_frame(viewer, "forwarded")  # the malformed one was dropped
                assert second["seq"] == 8 and second["status"] == "cannot connect; retry 2"
            while "forwarders" in await next_frame(viewer, "ping"):
                pass  # gone with its connection


async def test_a_subscriber_that_is_no_forwarder_cannot_send_reports() -> None:
    async with relay_server(store="memory", ping_interval=0.2) as server:
        async with console(server, "acct") as viewer, console(server, "acct") as other:
            await other.send(json.dumps({"type": "forwarded", "seq": 1, "status": 200}))
            with pytest.raises(TimeoutError):
                await next_frame(viewer, "forwarded", within=0.6)

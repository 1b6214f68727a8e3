"""BXML requests through the relay: answered by a console, or the fallback, never past the timeout."""

from __future__ import annotations

import asyncio
import json
import time

import httpx

from bwconsole.relay import DEFAULT_FALLBACK_BXML

# the *_fixture imports register the `store` and Redis fixtures in this module
from tests.redis_helpers import redis_url_fixture, shared_redis_fixture  # noqa: F401
from tests.relay_helpers import console, next_frame, relay_server, store_fixture  # noqa: F401

ANSWER = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><SpeakSentence>Hi</SpeakSentence></Response>'
)
QUERY = "eventType=incomingcall&callId=c-1&from=%2B19195551212&to=%2B13865551212"


async def test_a_connected_console_answers_and_the_request_is_stored_as_an_event(
    store: str,
) -> None:
    async with relay_server(store=store) as server, httpx.AsyncClient(base_url=server.url) as http:
        async with console(server, "ivr", "after=0") as ws:
            pending = asyncio.create_task(http.get(f"/bxml/ivr?{QUERY}"))
            request = await next_frame(ws, "request")
            assert request["event"]["eventType"] == "incomingcall"
            assert request["query"] == QUERY and request["method"] == "GET"
            await ws.send(json.dumps({"type": "response", "id": request["id"], "body": ANSWER}))
            response = await asyncio.wait_for(pending, 5)
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/xml")
            assert response.text == ANSWER
        async with console(server, "ivr", "after=0") as ws:
            stored = await next_frame(ws)
            assert (stored["seq"], stored["event"]["callId"]) == (request["seq"], "c-1")


async def test_no_console_gets_the_fallback_at_once(store: str) -> None:
    async with relay_server(store=store) as server, httpx.AsyncClient(base_url=server.url) as http:
        started = time.monotonic()
        response = await http.post("/bxml/ivr", json={"eventType": "answer", "callId": "c-2"})
        assert time.monotonic() - started < 1.0
        assert response.status_code == 200
        assert response.text == DEFAULT_FALLBACK_BXML
        assert "<Hangup/>" in response.text


async def test_a_console_that_does_not_answer_in_time_gets_the_configured_fallback(
    store: str,
) -> None:
    custom = "<Response><Hangup/></Response>"
    async with relay_server(store=store, bxml_timeout=0.3, bxml_fallback=custom) as server:
        async with httpx.AsyncClient(base_url=server.url) as http, console(server, "ivr") as ws:
            await next_frame(ws, "ping")
            for _ in range(50):  # the first ping comes before the relay counts the console in
                started = time.monotonic()
                response = await http.get(f"/bxml/ivr?{QUERY}")
                elapsed = time.monotonic() - started
                if response.headers["x-relay-bxml-source"] != "no-console":
                    break
                await asyncio.sleep(0.02)
            assert 0.3 <= elapsed < 1.5
            assert response.text == custom
            assert response.headers["x-relay-bxml-source"] == "timeout"
            late = await next_frame(ws, "request")
            await ws.send(json.dumps({"type": "response", "id": late["id"], "body": ANSWER}))


async def test_consoles_that_do_not_answer_requests_are_not_asked(store: str) -> None:
    async with (
        relay_server(store=store, bxml_timeout=2) as server,
        httpx.AsyncClient(base_url=server.url) as http,
    ):
        async with console(server, "ivr", "requests=0") as watcher:
            await next_frame(watcher, "ping")
            started = time.monotonic()
            response = await http.get(f"/bxml/ivr?{QUERY}")
            assert time.monotonic() - started < 1.0
            assert response.headers["x-relay-bxml-source"] == "no-console"
            assert (await next_frame(watcher))["event"]["eventType"] == "incomingcall"


async def test_a_console_leaving_mid_request_hands_it_to_another(store: str) -> None:
    async with (
        relay_server(store=store, bxml_timeout=3) as server,
        httpx.AsyncClient(base_url=server.url) as http,
    ):
        async with console(server, "ivr") as steady:
            await next_frame(steady, "ping")
            async with console(server, "ivr") as leaving:
                await next_frame(leaving, "ping")
                # the first ping comes before a console joins live fan-out: wait for the join
                hub = server.relay.hub  # type: ignore[attr-defined]
                async with asyncio.timeout(5):
                    while len(hub.subscribers("ivr")) < 2:  # noqa: ASYNC110
                        await asyncio.sleep(0.01)
                pending = asyncio.create_task(http.get(f"/bxml/ivr?{QUERY}"))
                await next_frame(leaving, "request")  # the newest console is asked first
            request = await next_frame(steady, "request")
            await steady.send(json.dumps({"type": "response", "id": request["id"], "body": ANSWER}))
            response = await asyncio.wait_for(pending, 5)
            assert (response.text, response.headers["x-relay-bxml-source"]) == (ANSWER, "console")

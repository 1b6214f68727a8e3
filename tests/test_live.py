"""`LiveClient` against a real relay: typed events, acks, resume, reconnects, dead links, BXML."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx

from bwconsole.events import AnswerEvent, SmsEvent
from bwconsole.live import BxmlRequest, LiveClient, LiveEvent
from bwconsole.relay import create_app, server_options
from bwconsole.servers import BackgroundServer
from tests.relay_helpers import CALLBACK, TOKEN, RelayProxy, relay_server

SMS = {
    "eventType": "sms",
    "direction": "in",
    "from": "+1",
    "to": "+2",
    "messageId": "m-1",
    "text": "hi",
}


class Recorder:
    """Collects what a LiveClient reports and lets a test wait for it."""

    def __init__(self) -> None:
        self.events: list[LiveEvent] = []
        self.states: list[str] = []
        self._changed = asyncio.Event()

    def on_event(self, event: LiveEvent) -> None:
        self.events.append(event)
        self._changed.set()

    def on_state(self, state: str) -> None:
        self.states.append(state)
        self._changed.set()

    async def until(self, condition: Callable[[], bool], within: float = 5) -> None:
        async with asyncio.timeout(within):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    @property
    def seqs(self) -> list[int]:
        return [e.seq for e in self.events]


@contextlib.asynccontextmanager
async def following(
    url: str, channel: str, recorder: Recorder, **kwargs: Any
) -> AsyncIterator[LiveClient]:
    kwargs.setdefault("state_path", None)
    kwargs.setdefault("token", TOKEN)
    client = LiveClient(
        url,
        channel,
        on_event=recorder.on_event,
        on_state=recorder.on_state,
        backoff=(0.05, 0.2),
        **kwargs,
    )
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def test_typed_events_are_acked_and_a_restarted_client_resumes_from_its_state_file(
    tmp_path: Path,
) -> None:
    async with relay_server() as server, httpx.AsyncClient(base_url=server.url) as http:
        await http.post("/callbacks/acct", json=CALLBACK)
        await http.post("/callbacks/acct", json={"not": "an event"})
        await http.get("/callbacks/acct", params=SMS)
        first = Recorder()
        async with following(server.url, "acct", first, state_path=tmp_path) as client:
            await first.until(lambda: len(first.events) == 3)
            assert client.state == "connected"
        answer, odd, sms = first.events
        assert isinstance(answer.event, AnswerEvent) and answer.event.call_id == "c-abc"
        assert json.loads(answer.body) == CALLBACK
        assert odd.event is None and odd.parse_error
        assert isinstance(sms.event, SmsEvent) and sms.method == "GET"
        assert first.states == ["connecting", "connected", "stopped"]
        assert json.loads((tmp_path / "live-acct.json").read_text())["last_seq"] == 3

        await http.post("/callbacks/acct", json={**CALLBACK, "callId": "c-4"})
        second = Recorder()
        async with following(server.url, "acct", second, state_path=tmp_path) as client:
            await second.until(lambda: bool(second.events))
            await http.post("/callbacks/acct", json={**CALLBACK, "callId": "c-5"})
            await second.until(lambda: len(second.events) == 2)
            assert second.seqs == [4, 5] and client.last_seq == 5
            health = await http.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})
            async with asyncio.timeout(5):
                while health.json()["channels"]["acct"]["subscribers"][0]["acked"] != 5:
                    await asyncio.sleep(0.02)  # noqa: ASYNC110 - polling the server's view
                    health = await http.get(
                        "/healthz", headers={"Authorization": f"Bearer {TOKEN}"}
                    )


async def test_reconnects_after_the_relay_restarts_and_resumes_from_its_ack(tmp_path: Path) -> None:
    store = f"sqlite:{tmp_path / 'relay.db'}"
    app = create_app(store, tokens=[TOKEN])
    first_server = BackgroundServer(app, **server_options(app))
    port = first_server.port
    await first_server.start()
    recorder = Recorder()
    async with following(first_server.url, "acct", recorder) as client:
        async with httpx.AsyncClient(base_url=first_server.url) as http:
            for i in range(3):
                await http.post("/callbacks/acct", json={**CALLBACK, "callId": f"c-{i}"})
        await recorder.until(lambda: len(recorder.events) == 3)
        await first_server.stop()
        await recorder.until(lambda: client.state == "reconnecting")
        app = create_app(store, tokens=[TOKEN])
        second_server = BackgroundServer(app, port=port, **server_options(app))
        await second_server.start()
        try:
            async with httpx.AsyncClient(base_url=second_server.url) as http:
                for i in range(3, 6):
                    await http.post("/callbacks/acct", json={**CALLBACK, "callId": f"c-{i}"})
            await recorder.until(lambda: len(recorder.events) >= 6, within=10)
            assert recorder.seqs == [1, 2, 3, 4, 5, 6]
            assert recorder.states[-3:] == ["connected", "reconnecting", "connected"]
        finally:
            await second_server.stop()


async def test_a_silent_connection_is_noticed_and_replaced() -> None:
    async with relay_server(ping_interval=0.2) as server, RelayProxy(server.port) as proxy:
        recorder = Recorder()
        async with httpx.AsyncClient(base_url=server.url) as http:
            async with following(f"http://127.0.0.1:{proxy.port}", "acct", recorder) as client:
                await http.post("/callbacks/acct", json=CALLBACK)
                await recorder.until(lambda: recorder.seqs == [1])
                proxy.freeze()
                await http.post("/callbacks/acct", json={**CALLBACK, "callId": "c-lost-in-transit"})
                await recorder.until(lambda: "reconnecting" in recorder.states, within=3)
                assert "nothing from the relay" in (client.last_error or "")
                await recorder.until(lambda: recorder.seqs == [1, 2], within=5)
                assert client.state == "connected"


async def test_bxml_requests_are_answered_through_the_handler() -> None:
    async def answer(request: BxmlRequest) -> str:
        return f"<Response><SpeakSentence>{request.live.payload['from']}</SpeakSentence></Response>"

    async with relay_server() as server, httpx.AsyncClient(base_url=server.url) as http:
        recorder = Recorder()
        async with following(server.url, "ivr", recorder, on_request=answer) as client:
            await recorder.until(lambda: client.state == "connected")
            response = await http.get(
                "/bxml/ivr", params={"eventType": "incomingcall", "from": "+1999"}
            )
            assert response.text == "<Response><SpeakSentence>+1999</SpeakSentence></Response>"
            await recorder.until(lambda: len(recorder.events) == 1)


async def test_a_refused_token_keeps_retrying_and_says_why() -> None:
    async with relay_server() as server:
        recorder = Recorder()
        async with following(server.url, "acct", recorder, token="wrong") as client:
            await recorder.until(lambda: "reconnecting" in recorder.states)
            assert client.state != "connected"
            assert "403" in (client.last_error or "")


async def test_a_client_ahead_of_a_reset_relay_starts_over(tmp_path: Path) -> None:
    async with relay_server() as server, httpx.AsyncClient(base_url=server.url) as http:
        saved = {"url": server.url.replace("http", "ws"), "channel": "acct", "last_seq": 50}
        (tmp_path / "live-acct.json").write_text(json.dumps(saved))
        await http.post("/callbacks/acct", json=CALLBACK)
        await http.post("/callbacks/acct", json=CALLBACK)
        recorder = Recorder()
        async with following(server.url, "acct", recorder, state_path=tmp_path) as client:
            await recorder.until(lambda: len(recorder.events) == 2)
            assert recorder.seqs == [1, 2] and client.last_seq == 2
            assert "reconnecting" in recorder.states  # it dropped the stale position and came back


async def test_a_failing_event_handler_does_not_stall_the_stream() -> None:
    seen: list[int] = []
    done = asyncio.Event()

    def on_event(event: LiveEvent) -> None:
        seen.append(event.seq)
        if event.seq == 1:
            raise RuntimeError("bug in a pane")
        done.set()

    async with relay_server() as server, httpx.AsyncClient(base_url=server.url) as http:
        await http.post("/callbacks/acct", json=CALLBACK)
        await http.post("/callbacks/acct", json=CALLBACK)
        client = LiveClient(server.url, "acct", TOKEN, state_path=None, on_event=on_event)
        await client.start()
        try:
            await asyncio.wait_for(done.wait(), 5)
            assert seen == [1, 2] and client.last_seq == 2 and client.state == "connected"
        finally:
            await client.stop()

"""CallbackSender on the wire: order per key, keep-alive reuse, retries, timeouts, replies, shutdown."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import h11
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from bwconsole.sandbox import callbacks as callbacks_module
from bwconsole.sandbox.callbacks import (
    CONNECTIONS_PER_ORIGIN,
    USER_AGENT,
    CallbackSender,
    Delivery,
    Outcome,
)
from bwconsole.servers import serving

pytestmark = pytest.mark.timeout(20)

BXML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><SpeakSentence>hi</SpeakSentence></Response>'
)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    payload: Any
    port: int


@dataclass
class App:
    """An application server that records what it gets; some paths misbehave on purpose."""

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        assert request.client is not None
        self.seen.append(
            Seen(
                request.method,
                request.url.path,
                dict(request.query_params),
                dict(request.headers),
                json.loads(body) if body else None,
                request.client.port,
            )
        )
        self.arrived.set()
        path = request.url.path
        if path == "/slow":
            await asyncio.sleep(0.01)
        if path == "/stuck":
            await self.release.wait()
        if path == "/broken":
            return Response("nope", status_code=500)
        if path == "/bxml":

            async def chunks() -> AsyncIterator[bytes]:
                for part in (BXML[:20], BXML[20:]):
                    yield part.encode()

            return StreamingResponse(chunks(), media_type="application/xml")
        if path == "/latin":
            return Response("café".encode("latin-1"), media_type="text/plain; charset=latin-1")
        if path == "/close":
            return Response("bye", headers={"Connection": "close"})
        return Response("", status_code=200)

    def at(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    async def wait_for(self, path: str, count: int) -> None:
        """Until `count` requests reached `path` (bounded)."""
        async with asyncio.timeout(5):
            while len(self.at(path)) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def app() -> AsyncIterator[App]:
    recorder = App()
    starlette = Starlette(
        routes=[Route("/{path:path}", recorder.endpoint, methods=["GET", "POST"])]
    )
    async with serving(starlette) as server:
        recorder.url = server.url
        yield recorder
        recorder.release.set()


@pytest.fixture
async def sender() -> AsyncIterator[tuple[CallbackSender, list[str]]]:
    failures: list[str] = []
    callbacks = CallbackSender(on_failure=lambda _delivery, message: failures.append(message))
    yield callbacks, failures
    await callbacks.aclose()


async def test_each_key_is_delivered_in_order_over_a_few_reused_connections(
    app: App, sender: tuple[CallbackSender, list[str]]
) -> None:
    callbacks, failures = sender
    tasks = [
        callbacks.send(f"call-{key}", Delivery(app.url + "/slow", {"call": key, "n": n}))
        for n in range(10)
        for key in range(30)
    ]
    outcomes = await asyncio.gather(*tasks)
    assert all(outcome.ok for outcome in outcomes) and not failures
    for key in range(30):
        assert [s.payload["n"] for s in app.seen if s.payload["call"] == key] == list(range(10))
    connections = {seen.port for seen in app.seen}
    assert len(connections) <= min(30, CONNECTIONS_PER_ORIGIN)


async def test_post_headers_basic_auth_and_get_query(
    app: App, sender: tuple[CallbackSender, list[str]]
) -> None:
    callbacks, _ = sender
    secured = app.url.replace("http://", "http://me:s%40cret@")
    await callbacks.deliver(Delivery(secured + "/post", {"eventType": "answer", "to": "+1 919"}))
    payload = {"eventType": "gather", "digits": "12", "flag": True, "list": ["a", "b"]}
    await callbacks.deliver(Delivery(app.url + "/get?kept=yes", payload, method="GET"))
    post, get = app.at("/post")[0], app.at("/get")[0]
    assert post.method == "POST" and post.payload == {"eventType": "answer", "to": "+1 919"}
    assert post.headers["content-type"] == "application/json; charset=utf-8"
    assert post.headers["user-agent"] == USER_AGENT
    assert post.headers["authorization"] == "Basic " + base64.b64encode(b"me:s@cret").decode()
    assert get.method == "GET" and get.payload is None
    assert get.query == {
        "kept": "yes",
        "eventType": "gather",
        "digits": "12",
        "flag": "true",
        "list": "[a, b]",
    }
    assert "authorization" not in get.headers


async def test_a_chunked_bxml_reply_comes_back_whole(
    app: App, sender: tuple[CallbackSender, list[str]]
) -> None:
    callbacks, _ = sender
    outcome = await callbacks.send("call", Delivery(app.url + "/bxml", {"eventType": "answer"}))
    assert outcome == Outcome(ok=True, status=200, body=BXML, content_type="application/xml")


async def test_a_reply_is_decoded_in_its_declared_charset(
    app: App, sender: tuple[CallbackSender, list[str]]
) -> None:
    callbacks, _ = sender
    assert (await callbacks.deliver(Delivery(app.url + "/latin", {}))).body == "café"


async def test_connection_close_replies_and_later_deliveries_still_work(
    app: App, sender: tuple[CallbackSender, list[str]]
) -> None:
    callbacks, failures = sender
    for n in range(3):
        outcome = await callbacks.deliver(Delivery(app.url + "/close", {"n": n}))
        assert outcome.ok and outcome.body == "bye"
    assert len({seen.port for seen in app.at("/close")}) == 3 and not failures


async def test_failure_goes_to_the_fallback_and_is_reported(
    app: App, sender: tuple[CallbackSender, list[str]]
) -> None:
    callbacks, failures = sender
    delivery = Delivery(app.url + "/broken", {"eventType": "hangup"}, fallback_url=app.url + "/fb")
    outcome = await callbacks.deliver(delivery)
    assert outcome.ok and [s.path for s in app.seen] == ["/broken", "/fb"]
    assert failures == [f"callback answered HTTP 500 ({app.url}/broken)"]


async def test_a_slow_server_times_out_and_the_next_delivery_gets_a_fresh_connection(
    app: App, sender: tuple[CallbackSender, list[str]]
) -> None:
    callbacks, failures = sender
    outcome = await callbacks.send("call", Delivery(app.url + "/stuck", {}, timeout_ms=100))
    assert not outcome.ok and outcome.error == "callback timed out after 100 ms"
    assert failures == [f"callback timed out after 100 ms ({app.url}/stuck)"]
    assert (await callbacks.send("call", Delivery(app.url + "/ok", {}))).ok


async def test_an_unreachable_server_is_reported(sender: tuple[CallbackSender, list[str]]) -> None:
    callbacks, failures = sender
    async with serving(Starlette()) as server:
        gone = server.url
    outcome = await callbacks.deliver(Delivery(gone + "/cb", {"eventType": "answer"}))
    assert not outcome.ok and outcome.status is None
    assert failures and failures[0].startswith("callback failed: ConnectionRefusedError")


class KeepAliveServer:
    """A keep-alive HTTP/1.1 server (h11); with `drop_second` it answers one request per
    connection and drops the next one unanswered, as a server whose idle timeout fired."""

    def __init__(self, *, drop_second: bool) -> None:
        self.drop_second = drop_second
        self.requests: list[bytes] = []
        self.client_closed = asyncio.Event()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        answered = False
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                if not data:
                    self.client_closed.set()
                    break
                conn.receive_data(data)
            elif isinstance(event, h11.Request):
                self.requests.append(event.target)
                if answered and self.drop_second:
                    break
            elif isinstance(event, h11.EndOfMessage):
                reply = h11.Response(status_code=200, headers=[("Content-Length", "2")])
                writer.write(conn.send(reply) + conn.send(h11.Data(data=b"ok")))
                writer.write(conn.send(h11.EndOfMessage()))
                conn.start_next_cycle()
                answered = True
        writer.close()


async def test_a_keep_alive_connection_the_server_dropped_is_retried_once() -> None:
    fake = KeepAliveServer(drop_second=True)
    server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    failures: list[str] = []
    callbacks = CallbackSender(on_failure=lambda _d, message: failures.append(message))
    try:
        for n in range(3):
            outcome = await callbacks.send("k", Delivery(f"http://127.0.0.1:{port}/{n}", {}))
            assert outcome.ok and outcome.body == "ok"
    finally:
        await callbacks.aclose()
        server.close()
    assert failures == []
    assert fake.requests == [b"/0", b"/1", b"/1", b"/2", b"/2"]


async def test_idle_connections_are_closed_after_the_keep_alive_expiry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(callbacks_module, "KEEPALIVE_EXPIRY", 0.05)
    fake = KeepAliveServer(drop_second=False)
    server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    callbacks = CallbackSender()
    try:
        assert (await callbacks.deliver(Delivery(f"http://127.0.0.1:{port}/x", {}))).ok
        async with asyncio.timeout(2):
            await fake.client_closed.wait()  # by the sender, with no further delivery
    finally:
        await callbacks.aclose()
        server.close()


async def test_a_cancelled_delivery_does_not_cancel_the_ones_behind_it(
    app: App, sender: tuple[CallbackSender, list[str]]
) -> None:
    callbacks, _ = sender
    first = callbacks.send("call", Delivery(app.url + "/stuck", {"n": 1}))
    second = callbacks.send("call", Delivery(app.url + "/after", {"n": 2}))
    await app.wait_for("/stuck", 1)
    first.cancel()
    assert (await second).ok and [s.payload for s in app.at("/after")] == [{"n": 2}]


async def test_aclose_cancels_every_queued_delivery_promptly(app: App) -> None:
    callbacks = CallbackSender()
    tasks = [
        callbacks.send(f"call-{key}", Delivery(app.url + "/stuck", {"n": n}))
        for key in range(50)
        for n in range(20)
    ]
    await app.wait_for("/stuck", 50)
    async with asyncio.timeout(2):
        await callbacks.aclose()
    assert all(task.cancelled() for task in tasks)
    assert len(app.at("/stuck")) == 50  # nothing queued went out after the close


def rss_bytes() -> int:
    """This process's resident set size, from /proc (no psutil needed)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


async def endless(_request: Request) -> Response:
    """A reply of 300 MB, streamed: only a sender that buffers it all pays for it."""
    chunk = b"<" + b"x" * 65535

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(300 * 16):
            yield chunk

    return StreamingResponse(chunks(), media_type="application/xml")


async def test_a_huge_reply_is_read_only_up_to_the_bxml_limit(
    sender: tuple[CallbackSender, list[str]],
) -> None:
    callbacks, failures = sender
    app = Starlette(routes=[Route("/{path:path}", endless, methods=["GET", "POST"])])
    async with serving(app) as server:
        before = rss_bytes()
        outcome = await callbacks.deliver(Delivery(server.url + "/answer", {"eventType": "answer"}))
        grown = rss_bytes() - before
    assert outcome.ok and outcome.too_large and outcome.body == ""
    assert grown < 32 * 1024 * 1024, f"RSS grew by {grown / 2**20:.0f} MiB"
    assert not failures

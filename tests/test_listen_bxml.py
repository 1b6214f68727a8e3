"""BXML through the relay to the developer's app: an inbound sandbox call runs the local app's
`<SpeakSentence>`/`<Gather>`; a slow or failing app gets the relay's fallback in time."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest
from starlette.responses import Response

from bwconsole.relay import DEFAULT_FALLBACK_BXML
from bwconsole.sandbox.app import create_app as create_sandbox_app
from bwconsole.sandbox.core import Sandbox
from bwconsole.servers import BackgroundServer
from tests.listen_helpers import Hit, listen_env, listening, local_app
from tests.relay_helpers import TOKEN, relay_server
from tests.voice_helpers import own_number

pytestmark = pytest.mark.timeout(90)

CHANNEL = "dev"
NUMBER = "+19195550188"
CALLER = "+12025550123"


def _event(hit: Hit) -> dict[str, str]:
    if hit.method == "GET":
        return dict(httpx.QueryParams(hit.query.decode()))
    return dict(json.loads(hit.body)) if hit.body else {}


def ivr(hit: Hit) -> Response:
    """The developer's app: greet and gather one digit; repeat it back; hang up."""
    event = _event(hit)
    if event.get("eventType") == "gather":
        text = f"You pressed {event['digits']}. Goodbye."
        bxml = f"<Response><SpeakSentence>{text}</SpeakSentence><Hangup/></Response>"
    elif event.get("eventType") == "answer":
        more = hit.headers["x-bwconsole-bxml-url"]
        bxml = (
            "<Response><SpeakSentence>Hello from localhost.</SpeakSentence>"
            f'<Gather requestUrl="{more}" maxDigits="1"/></Response>'
        )
    else:
        bxml = ""
    return Response(bxml, media_type="application/xml")


def args(relay: BackgroundServer, token_file: Path, url: str, *extra: str) -> list[str]:
    return [
        "--forward-to",
        url,
        "--relay",
        relay.url,
        "--channel",
        CHANNEL,
        "--token-file",
        str(token_file),
        *extra,
    ]


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens"
    path.write_text(TOKEN + "\n")
    return path


async def test_inbound_call_runs_the_local_apps_bxml(tmp_path: Path, token_file: Path) -> None:
    sandbox = Sandbox(time_scale=10, seed=1)
    api = BackgroundServer(create_sandbox_app(sandbox))
    await api.start()
    creds = sandbox.credentials
    try:
        async with (
            relay_server(store="memory") as relay,
            local_app(reply=ivr) as app,
            listening(args(relay, token_file, app.url), listen_env(tmp_path)) as listen,
            httpx.AsyncClient(base_url=api.url, auth=(creds.token, creds.secret)) as http,
        ):
            created = await http.post(
                f"/v1/users/{creds.user_id}/applications",
                json={"name": "my app", "incomingCallUrl": f"{relay.url}/bxml/{CHANNEL}"},
            )
            assert created.status_code == 201, created.text
            own_number(sandbox, NUMBER, created.headers["location"].rsplit("/", 1)[-1])
            await listen.wait_for_line("forwarding")
            injected = await http.post(
                "/sandbox/inject/call", json={"from": CALLER, "to": NUMBER, "dtmf": "7"}
            )
            assert injected.status_code == 201, injected.text
            call_id = injected.json()["id"]
            # the sandbox ran the app's Gather: its result came back through relay and listen
            await app.wait_until(lambda hits: any(_event(h).get("digits") == "7" for h in hits), 30)
            gather = next(h for h in app.hits if _event(h).get("eventType") == "gather")
            assert _event(gather)["callId"] == call_id
            assert gather.headers["x-bwconsole-bxml-url"] == f"{relay.url}/bxml/{CHANNEL}"
            # ... and then its goodbye and Hangup: the call ends
            async with asyncio.timeout(20):
                while True:
                    call = (await http.get(f"/v1/users/{creds.user_id}/calls/{call_id}")).json()
                    if call["state"] == "completed":
                        break
                    await asyncio.sleep(0.05)
            events = (await http.get(f"/v1/users/{creds.user_id}/calls/{call_id}/events")).json()
            assert "hangup" in [event["name"] for event in events]
            line = await listen.wait_for_line("SpeakSentence, Gather")
            assert "BXML 200" in line and "answer" in line
            # each BXML request reached the app once (not also as a plain event)
            seqs = [h.seq for h in app.hits]
            assert len(seqs) == len(set(seqs))
            assert await listen.stop() == 0
    finally:
        await api.stop()


async def test_slow_app_gets_the_fallback_within_the_timeout(
    tmp_path: Path, token_file: Path
) -> None:
    async with (
        relay_server(store="memory", bxml_timeout=5.0) as relay,
        local_app(reply=ivr, delay=3.0) as app,
        listening(
            args(relay, token_file, app.url, "--bxml-timeout", "0.5s"), listen_env(tmp_path)
        ) as listen,
        httpx.AsyncClient(base_url=relay.url) as http,
    ):
        await listen.wait_for_line("forwarding")
        started = time.monotonic()
        response = await http.post(
            f"/bxml/{CHANNEL}", json={"eventType": "answer", "callId": "c-slow", "from": CALLER}
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 200
        assert response.text == DEFAULT_FALLBACK_BXML
        assert elapsed < 3.0  # listen gave up after 0.5 s: the relay did not wait its 5 s
        await listen.wait_for_line("fallback")
        assert await listen.stop() == 0


async def test_failing_or_invalid_bxml_is_reported(tmp_path: Path, token_file: Path) -> None:
    answers = {
        "c-500": Response("boom", status_code=500),
        "c-bad": Response("<Response><Speak>hi</Speak></Response>", media_type="application/xml"),
    }
    async with (
        relay_server(store="memory") as relay,
        local_app(reply=lambda hit: answers[_event(hit)["callId"]]) as app,
        listening(args(relay, token_file, app.url), listen_env(tmp_path)) as listen,
        httpx.AsyncClient(base_url=relay.url) as http,
    ):
        await listen.wait_for_line("forwarding")
        started = time.monotonic()
        failed = await http.post(
            f"/bxml/{CHANNEL}", json={"eventType": "answer", "callId": "c-500"}
        )
        assert failed.text == DEFAULT_FALLBACK_BXML
        assert time.monotonic() - started < 3.0
        invalid = await http.post(
            f"/bxml/{CHANNEL}", json={"eventType": "answer", "callId": "c-bad"}
        )
        # the app's answer goes to the API as is (it would reject it), and the problem is shown
        assert invalid.text == "<Response><Speak>hi</Speak></Response>"
        line = await listen.wait_for_line("INVALID")
        assert "c-bad" in line and "Speak" in line
        assert "app answered 500" in await listen.wait_for_line("c-500")
        assert await listen.stop() == 0


async def test_bxml_request_is_answered_while_a_callback_is_being_retried(
    tmp_path: Path, token_file: Path
) -> None:
    def reply(hit: Hit) -> Response:
        if hit.path == "/voice":
            return Response("<Response><Hangup/></Response>", media_type="application/xml")
        return Response("not yet", status_code=503)  # the callback handler is broken

    async with (
        relay_server(store="memory") as relay,
        local_app(reply=reply) as app,
        httpx.AsyncClient(base_url=relay.url) as http,
    ):
        voice = f"http://127.0.0.1:{app.port}/voice"
        extra = ("--bxml-to", voice, "--retry-max", "0.2s")
        async with listening(args(relay, token_file, app.url, *extra), listen_env(tmp_path)) as lt:
            await lt.wait_for_line("forwarding")
            await http.post(f"/callbacks/{CHANNEL}", json={"eventType": "sms", "messageId": "m-1"})
            await lt.wait_for_line("retry 3")  # listen is stuck on the sms, retrying
            answered = await http.post(
                f"/bxml/{CHANNEL}", json={"eventType": "answer", "callId": "c-1"}
            )
            assert answered.headers["x-relay-bxml-source"] == "console"
            assert answered.text == "<Response><Hangup/></Response>"
            assert [hit.path for hit in app.hits if hit.path == "/voice"] == ["/voice"]
            assert await lt.stop() == 0


async def test_the_relays_shorter_deadline_wins(tmp_path: Path, token_file: Path) -> None:
    async with (
        relay_server(store="memory", bxml_timeout=1.5) as relay,
        local_app(reply=ivr, delay=3.0) as app,
        listening(args(relay, token_file, app.url), listen_env(tmp_path)) as listen,
        httpx.AsyncClient(base_url=relay.url) as http,
    ):
        await listen.wait_for_line("forwarding")
        response = await http.post(f"/bxml/{CHANNEL}", json={"eventType": "answer", "callId": "c"})
        # listen's 4 s would be too late: it gave up at the relay's 1.5 s less 0.5 s and
        # asked for the fallback itself, instead of the relay timing out
        assert response.text == DEFAULT_FALLBACK_BXML
        assert response.headers["x-relay-bxml-source"] == "console"
        assert "within 1.0 s" in await listen.wait_for_line("fallback")
        assert await listen.stop() == 0

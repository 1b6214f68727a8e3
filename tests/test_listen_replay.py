"""Replay and scenarios: `bwconsole events list`, `events resend`, `listen --from`, `--events`,
and `bwconsole trigger` on the embedded sandbox that `listen --sandbox` runs."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bwconsole.servers import BackgroundServer
from tests.listen_helpers import REPO, Hit, listen_env, listening, local_app
from tests.relay_helpers import TOKEN, relay_server

pytestmark = pytest.mark.timeout(90)

CHANNEL = "dev"
TYPES = ["incomingcall", "answer", "sms", "answer", "hangup", "sms"]


@pytest.fixture
async def relay() -> AsyncIterator[BackgroundServer]:
    async with relay_server(store="memory") as server, httpx.AsyncClient() as http:
        for n, kind in enumerate(TYPES, start=1):
            body = json.dumps({"eventType": kind, "callId": f"c-{n}", "n": n})
            response = await http.post(
                f"{server.url}/callbacks/{CHANNEL}",
                content=body,
                headers={"content-type": "application/json"},
            )
            assert response.json() == {"seq": n}
        yield server


@pytest.fixture
def relay_args(relay: BackgroundServer, tmp_path: Path) -> list[str]:
    tokens = tmp_path / "tokens"
    tokens.write_text(TOKEN + "\n")
    return ["--relay", relay.url, "--channel", CHANNEL, "--token-file", str(tokens)]


async def bwconsole(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bwconsole ARGS` off the loop (the servers it talks to run on the loop)."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bwconsole", *args],
        env=listen_env(tmp_path),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _payload(hit: Hit) -> dict[str, str]:
    return dict(json.loads(hit.body))


async def test_events_list_filters_the_stored_events(relay_args: list[str], tmp_path: Path) -> None:
    done = await bwconsole(tmp_path, "events", "list", *relay_args)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [f"#{n}" for n in range(1, 7)]
    assert "incomingcall" in lines[0] and "c-1" in lines[0]
    answers = await bwconsole(tmp_path, "events", "list", "--type", "answer", *relay_args)
    assert [line.split()[0] for line in answers.stdout.splitlines()] == ["#2", "#4"]
    one = await bwconsole(tmp_path, "events", "list", "--id", "c-5", "--json", *relay_args)
    (frame,) = [json.loads(line) for line in one.stdout.splitlines()]
    assert frame["seq"] == 5 and frame["event"]["eventType"] == "hangup"
    last = await bwconsole(tmp_path, "events", "list", "--limit", "2", *relay_args)
    assert [line.split()[0] for line in last.stdout.splitlines()] == ["#5", "#6"]


async def test_resend_delivers_stored_events_again_exactly(
    relay: BackgroundServer, relay_args: list[str], tmp_path: Path
) -> None:
    store = relay.relay.store  # type: ignore[attr-defined]
    stored = {s.seq: json.loads(s.frame) for s in await store.read(CHANNEL, 0, 100)}
    async with local_app() as app:
        done = await bwconsole(
            tmp_path, "events", "resend", "2", "4-5", "--forward-to", app.url, *relay_args
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert app.seqs() == [2, 4, 5]
        for hit in app.hits:
            assert hit.body == stored[hit.seq]["body"].encode()
        assert done.stdout.count("-> 200") == 3
        missing = await bwconsole(
            tmp_path, "events", "resend", "6", "99", "--forward-to", app.url, *relay_args
        )
        assert missing.returncode == 4
        assert "#99: not stored" in missing.stdout
        assert app.seqs() == [2, 4, 5, 6]
    # resending acked nothing: a listen afterwards still starts with the first event
    async with local_app() as app:
        async with listening(["--forward-to", app.url, *relay_args], listen_env(tmp_path)):
            await app.wait_until(lambda hits: len(hits) == 6, 20)
        assert app.seqs() == [1, 2, 3, 4, 5, 6]


async def test_listen_from_seq_and_events_filter(relay_args: list[str], tmp_path: Path) -> None:
    async with local_app() as app:
        args = ["--forward-to", app.url, "--from", "3", "--events", "answer,hangup", *relay_args]
        async with listening([*args, "--print-json"], listen_env(tmp_path)) as listen:
            await app.wait_until(lambda hits: len(hits) == 2, 20)
            await listen.wait_for_line("hangup")
            await listen.wait_for_line('"callId": "c-5"')  # --print-json: the payload too
            await asyncio.sleep(0.3)
            assert [_payload(h)["eventType"] for h in app.hits] == ["answer", "hangup"]
            assert app.seqs() == [4, 5]
            assert await listen.stop() == 0
        # the filtered-out events were acked too: a restart has nothing left to send
        async with listening(["--forward-to", app.url, *relay_args], listen_env(tmp_path)) as again:
            await again.wait_for_line("from seq 7")
            assert await again.stop() == 0
        assert app.seqs() == [4, 5]


async def test_bad_token_exits_3(relay: BackgroundServer, tmp_path: Path) -> None:
    tokens = tmp_path / "wrong"
    tokens.write_text("not-the-token\n")
    common = ["--relay", relay.url, "--channel", CHANNEL, "--token-file", str(tokens)]
    done = await bwconsole(tmp_path, "listen", "--forward-to", "http://127.0.0.1:9/x", *common)
    assert done.returncode == 3
    assert "HTTP 403" in done.stderr
    listed = await bwconsole(tmp_path, "events", "list", *common)
    assert listed.returncode == 3
    half = await bwconsole(tmp_path, "listen", "--forward-to", "http://x/", "--relay", relay.url)
    assert half.returncode == 1 and "go together" in half.stderr


async def test_trigger_scenarios_reach_the_app_through_listen_sandbox(tmp_path: Path) -> None:
    async with local_app() as app:
        args = ["--sandbox", "--forward-to", app.url]
        async with listening(args, listen_env(tmp_path)) as listen:
            await listen.wait_for_line("forwarding", within=30)
            call = await bwconsole(
                tmp_path, "trigger", "call", "--dtmf", "5", "--hangup-after", "1"
            )
            assert call.returncode == 0, call.stderr
            call_id = call.stdout.split()[1]
            await app.wait_until(lambda hits: "hangup" in _types(hits, call_id), 20)
            assert _types(app.hits, call_id) == ["incomingcall", "answer", "hangup"]

            sms = await bwconsole(tmp_path, "trigger", "sms", "--text", "hi there")
            assert sms.returncode == 0, sms.stderr
            message_id = sms.stdout.split()[1]
            await app.wait_until(lambda hits: bool(_about(hits, "messageId", message_id)), 20)
            (inbound,) = _about(app.hits, "messageId", message_id)
            assert inbound["direction"] == "in" and inbound["text"] == "hi there"

            mms = await bwconsole(tmp_path, "trigger", "mms", "--media", "https://x.test/a.png")
            assert mms.returncode == 0, mms.stderr
            mms_id = mms.stdout.split()[1]
            await app.wait_until(lambda hits: bool(_about(hits, "messageId", mms_id)), 20)
            (picture,) = _about(app.hits, "messageId", mms_id)
            assert picture["eventType"] == "mms" and picture["media"] == ["https://x.test/a.png"]

            failed = await bwconsole(tmp_path, "trigger", "failed-sms")
            assert failed.returncode == 0, failed.stderr
            failed_id = failed.stdout.split()[1]
            await app.wait_until(
                lambda hits: any(
                    e.get("deliveryState") for e in _about(hits, "messageId", failed_id)
                ),
                20,
            )
            receipt = [
                e for e in _about(app.hits, "messageId", failed_id) if e.get("deliveryState")
            ]
            assert str(receipt[-1]["deliveryCode"]) == "720"
            assert await listen.stop() == 0
    stopped = await bwconsole(tmp_path, "trigger", "sms")
    assert stopped.returncode == 1 and "not running" in stopped.stderr


def _about(hits: list[Hit], field: str, value: str) -> list[dict[str, str]]:
    events = [_payload(hit) for hit in hits if hit.method == "POST"]
    return [event for event in events if event.get(field) == value]


def _types(hits: list[Hit], call_id: str) -> list[str]:
    return [event["eventType"] for event in _about(hits, "callId", call_id)]


async def test_since_filter(relay_args: list[str], tmp_path: Path) -> None:
    everything = await bwconsole(tmp_path, "events", "list", "--since", "2000-01-01", *relay_args)
    assert len(everything.stdout.splitlines()) == len(TYPES)
    future = await bwconsole(tmp_path, "events", "list", "--since", "2999-01-01", *relay_args)
    assert future.returncode == 0 and future.stdout == ""


def test_listen_help_documents_every_flag_and_the_exit_codes() -> None:
    from bwconsole.cli import build_parser

    parser = build_parser("listen")
    listen = parser._subparsers._group_actions[0].choices["listen"]  # type: ignore[union-attr]
    for action in listen._actions:
        assert action.help and action.help != "==SUPPRESS==", action.option_strings
    text = listen.format_help()
    for flag in (
        "--forward-to",
        "--bxml-to",
        "--events",
        "--from",
        "--print-json",
        "--quiet",
        "--timeout",
        "--retry-max",
        "--bxml-timeout",
        "--relay",
        "--channel",
        "--token-file",
        "--sandbox",
        "--profile",
    ):
        assert flag in text
    assert "exit codes: 0 stopped" in text and "3 the relay refused the token" in text


async def test_pruned_or_empty_channels_answer_at_once(
    relay: BackgroundServer, relay_args: list[str], tmp_path: Path
) -> None:
    await relay.relay.store.prune(time.time() + 1)  # type: ignore[attr-defined]
    started = time.monotonic()
    listed = await bwconsole(tmp_path, "events", "list", *relay_args)
    assert listed.returncode == 0 and listed.stdout == ""
    resent = await bwconsole(
        tmp_path, "events", "resend", "2", "--forward-to", "http://127.0.0.1:9/", *relay_args
    )
    assert resent.returncode == 4 and "#2: not stored" in resent.stdout
    empty = [*relay_args[:3], "other", *relay_args[4:]]
    assert (await bwconsole(tmp_path, "events", "list", *empty)).stdout == ""
    assert time.monotonic() - started < 20  # no 30 s wait for events that are gone

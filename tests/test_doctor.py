"""`bwconsole doctor` on the real sandbox and relay: passes when all is well, names what is not."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bwconsole.api import Client
from bwconsole.callback_setup import relay_callback_url
from bwconsole.cli import main
from bwconsole.config import Config, Profile, save_config
from bwconsole.embedded import Embedded, embedded
from bwconsole.logs import log_path
from bwconsole.relay import create_app, server_options
from bwconsole.servers import serving

Run = Callable[..., Awaitable[tuple[int, list[str]]]]


@pytest.fixture
def cfg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("BWCONSOLE_CONFIG_DIR", str(tmp_path / "cfg"))
    for var in ("USER_ID", "API_TOKEN", "API_SECRET", "API_URL"):
        monkeypatch.delenv(f"BANDWIDTH_{var}", raising=False)
    return tmp_path / "cfg" / "config.toml"


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Embedded]:
    async with embedded(data_dir=tmp_path / "data") as running:
        yield running


@pytest.fixture
def doctor(capsys: pytest.CaptureFixture[str], cfg: Path) -> Run:
    """`await doctor(profile, *argv)`: save `profile` as the active one and run the doctor."""

    async def run(profile: Profile | None, *argv: str) -> tuple[int, list[str]]:
        if profile is not None:
            save_config(Config(profiles={profile.name: profile}, active=profile.name, path=cfg))
        # main() runs its own event loop, so it gets a thread while the servers serve in this one.
        code = await asyncio.wait_for(asyncio.to_thread(main, [*argv, "doctor"]), timeout=60)
        out, err = capsys.readouterr()
        assert err == ""
        return code, out.splitlines()

    return run


def line(lines: list[str], name: str) -> str:
    """The one output line of the check `name`."""
    (found,) = [text for text in lines if text[5:].startswith(name + ":")]
    return found


async def test_passes_on_a_correct_sandbox_profile(env: Embedded, doctor: Run) -> None:
    code, lines = await doctor(env.profile)
    assert code == 0
    assert lines[0].startswith("checking profile 'sandbox'")
    assert [text[:5] for text in lines[1:-1]] == ["ok   "] * 4
    assert "accepted by 127.0.0.1" in line(lines, "credentials")
    assert "accepted the token for channel sandbox" in line(lines, "relay")
    assert "(bwconsole demo) sends calls and messages to the relay" in line(lines, "callbacks")
    assert "came back over the websocket" in line(lines, "round trip")


async def test_wrong_secret_fails_the_credentials_check(env: Embedded, doctor: Run) -> None:
    broken = dataclasses.replace(env.profile, api_secret="wrong-secret-0000")
    code, lines = await doctor(broken)
    assert code == 1
    assert line(lines, "credentials").startswith("FAIL credentials: bad credentials (HTTP 401)")
    assert line(lines, "callbacks").startswith("skip")
    # The embedded relay's ingress wants the credential in the application's URLs, which
    # a wrong secret cannot read: the round trip says so rather than pass by the back door.
    assert line(lines, "round trip").startswith("FAIL round trip: the relay refused")
    assert "ingress credentials" in line(lines, "round trip")
    assert all("wrong-secret-0000" not in text for text in lines)


async def test_application_not_pointing_at_the_relay_is_named(env: Embedded, doctor: Run) -> None:
    p = env.profile
    async with Client(p.user_id, p.api_token, p.api_secret, p.api_url) as client:
        app_id = await client.applications.create(
            name="elsewhere", incoming_call_url="https://app.example.com/calls"
        )
    code, lines = await doctor(env.profile)
    assert code == 1
    failed = [text for text in lines if text.startswith("FAIL")]
    assert failed == [
        f"FAIL callbacks: application {app_id} (elsewhere): incomingCallUrl goes to "
        "https://app.example.com/calls, not the relay "
        f"(fix: bwconsole config point-callbacks --application {app_id})"
    ]


async def test_wrong_relay_token_fails_relay_and_skips_round_trip(
    env: Embedded, doctor: Run
) -> None:
    code, lines = await doctor(dataclasses.replace(env.profile, relay_token="not-the-token"))
    assert code == 1
    assert line(lines, "relay").startswith("FAIL relay: relay refused the token")
    assert line(lines, "round trip").startswith("skip")


async def test_round_trip_uses_ingress_credentials_from_the_application_url(
    env: Embedded, doctor: Run
) -> None:
    """A relay with ingress auth: the doctor finds the credentials in the application's URLs."""
    relay_app = create_app("memory", tokens=["tok-123"], ingress_auth=("bw", "pw-123"))
    async with serving(relay_app, **server_options(relay_app)) as relay:
        profile = dataclasses.replace(env.profile, relay_url=relay.url, relay_token="tok-123")
        p = env.profile
        async with Client(p.user_id, p.api_token, p.api_secret, p.api_url) as client:
            (app,) = await client.applications.list()
            assert app.id
            await client.applications.update(
                app.id, incoming_call_url=relay_callback_url(profile), incoming_message_url=""
            )
            code, lines = await doctor(profile)
            assert code == 1
            assert line(lines, "round trip").startswith(
                "FAIL round trip: the relay refused the test callback (HTTP 401"
            )

            with_auth = relay_callback_url(profile, ("bw", "pw-123"))
            await client.applications.update(app.id, incoming_call_url=with_auth)
            code, lines = await doctor(profile)
    assert code == 0, lines
    assert "sends calls to the relay" in line(lines, "callbacks")
    assert all("pw-123" not in text for text in lines)


async def test_without_a_profile_it_checks_a_throwaway_sandbox(cfg: Path, doctor: Run) -> None:
    code, lines = await doctor(None)
    assert code == 0, lines
    assert lines[0].startswith("checking the built-in sandbox")
    assert len(lines) == 6
    assert lines[-1] == f"log file: {log_path()}"


async def test_a_config_file_others_can_read_is_a_warning_not_a_failure(
    env: Embedded, doctor: Run, cfg: Path
) -> None:
    save_config(Config(profiles={"p": env.profile}, active="p", path=cfg))
    os.chmod(cfg, 0o644)
    code, lines = await doctor(None)
    assert code == 0, lines
    assert lines[0] == (
        f"warn config: {cfg} holds secrets and is readable by its group and other users "
        f"(mode 0644); fix: chmod 600 {cfg}"
    )
    os.chmod(cfg, 0o600)
    code, lines = await doctor(None)
    assert not any(text.startswith("warn") for text in lines)


async def test_json_output(env: Embedded, cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_config(Config(profiles={"p": env.profile}, active="p", path=cfg))
    os.chmod(cfg, 0o640)
    code = await asyncio.wait_for(asyncio.to_thread(main, ["doctor", "--json"]), timeout=60)
    document = json.loads(capsys.readouterr().out)
    assert code == 0 and document["ok"] is True
    assert document["target"] == "profile 'p'"
    assert [c["name"] for c in document["checks"]] == [
        "credentials",
        "relay",
        "callbacks",
        "round trip",
    ]
    assert {c["status"] for c in document["checks"]} == {"ok"}
    assert document["log_file"] == str(log_path())
    assert document["config_file"] == str(cfg)
    assert "readable by its group" in document["warnings"][0]


async def test_profile_option_before_or_after_the_command(
    env: Embedded, doctor: Run, cfg: Path
) -> None:
    good = dataclasses.replace(env.profile, name="good")
    bad = dataclasses.replace(env.profile, name="bad", api_secret="nope-nope-nope")
    save_config(Config(profiles={"good": good, "bad": bad}, active="bad", path=cfg))
    code, _ = await doctor(None, "--profile", "good")
    assert code == 0
    code = await asyncio.to_thread(main, ["doctor", "--profile", "good"])
    assert code == 0

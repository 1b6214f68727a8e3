"""`config point-callbacks` / `restore-callbacks` against the real sandbox and relay."""

from __future__ import annotations

import asyncio
import io
import stat
import sys
import tomllib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bwconsole.api import Client
from bwconsole.callback_setup import display_url, points_at_relay, relay_callback_url
from bwconsole.cli import main
from bwconsole.config import Config, Profile, save_config
from bwconsole.embedded import Embedded, embedded

CALLS = "https://app.example.com/calls"
MESSAGES = "https://hook:s3cret-pass@app.example.com/messages"


@pytest.fixture
def cfg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("BWCONSOLE_CONFIG_DIR", str(tmp_path / "cfg"))
    for var in ("USER_ID", "API_TOKEN", "API_SECRET", "API_URL"):
        monkeypatch.delenv(f"BANDWIDTH_{var}", raising=False)
    return tmp_path / "cfg" / "config.toml"


@pytest.fixture
async def env(cfg: Path, tmp_path: Path) -> AsyncIterator[Embedded]:
    """The embedded sandbox and relay, saved as the active profile `box`."""
    async with embedded(data_dir=tmp_path / "data") as running:
        save_config(Config(profiles={"box": running.profile}, active="box", path=cfg))
        yield running


@pytest.fixture
async def client(env: Embedded) -> AsyncIterator[Client]:
    p = env.profile
    async with Client(p.user_id, p.api_token, p.api_secret, p.api_url) as api:
        yield api


Run = Callable[..., Awaitable[tuple[int, str, str]]]


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """`await config(*argv, stdin="y\\n")` -> (exit status, stdout, stderr)."""

    async def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        # main() runs its own event loop, so it gets a thread while the servers serve in this one.
        code = await asyncio.wait_for(asyncio.to_thread(main, ["config", *argv]), timeout=30)
        out, err = capsys.readouterr()
        return code, out, err

    return run


async def urls(client: Client, app_id: str) -> tuple[str | None, str | None]:
    app = await client.applications.get(app_id)
    return app.incoming_call_url, app.incoming_message_url


async def test_point_shows_asks_saves_and_restore_puts_back(
    cfg: Path, config: Run, env: Embedded, client: Client
) -> None:
    app_id = await client.applications.create(
        name="production", incoming_call_url=CALLS, incoming_message_url=MESSAGES
    )
    relay = f"{env.relay_url}/callbacks/sandbox"

    code, out, _ = await config("point-callbacks", "--application", app_id, stdin="n\n")
    assert code == 1 and "left unchanged" in out
    assert CALLS in out and "https://hook:****@app.example.com/messages" in out
    assert "s3cret-pass" not in out  # a password in a URL is never printed
    assert f"-> {relay}" in out
    assert await urls(client, app_id) == (CALLS, MESSAGES)  # declined: nothing changed

    code, out, _ = await config("point-callbacks", "--application", app_id, stdin="y\n")
    assert code == 0 and f"pointed application {app_id} at the relay" in out
    assert await urls(client, app_id) == (relay, relay)
    backup = cfg.parent / "callbacks-backup.toml"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    saved = tomllib.loads(backup.read_text())["box"][app_id]
    assert (saved["incomingCallUrl"], saved["incomingMessageUrl"]) == (CALLS, MESSAGES)

    code, out, _ = await config("restore-callbacks", "--yes")
    assert code == 0 and f"restored the callback URLs of application {app_id}" in out
    assert await urls(client, app_id) == (CALLS, MESSAGES)
    assert "box" not in tomllib.loads(backup.read_text())

    code, _, err = await config("restore-callbacks", "--yes")
    assert code == 1 and "no saved callback URLs for profile 'box'" in err


async def test_pointing_twice_keeps_the_real_originals(
    cfg: Path, config: Run, env: Embedded, client: Client, tmp_path: Path
) -> None:
    app_id = await client.applications.create(name="calls only", incoming_call_url=CALLS)
    await config("point-callbacks", "--application", app_id, "--yes")
    password_file = tmp_path / "ingress-password"
    password_file.write_text("ingress-pw-123\n")
    code, out, _ = await config(
        "point-callbacks",
        "--application",
        app_id,
        "--ingress-user",
        "bw",
        "--ingress-password-file",
        str(password_file),
        "--yes",
    )
    assert code == 0 and "ingress-pw-123" not in out
    with_auth = relay_callback_url(env.profile, ("bw", "ingress-pw-123"))
    assert await urls(client, app_id) == (with_auth, with_auth)

    code, _, _ = await config("restore-callbacks", "--application", app_id, "--yes")
    assert code == 0
    # The application had no message URL: restoring removes the relay's one.
    assert await urls(client, app_id) == (CALLS, None)


async def test_already_pointed_application_needs_no_change(
    cfg: Path, config: Run, env: Embedded, tmp_path: Path
) -> None:
    # The embedded sandbox's only application is seeded pointing at its relay, with the
    # ingress credential of this start.
    user, password = env.ingress
    password_file = tmp_path / "ingress-password"
    password_file.write_text(password)
    code, out, _ = await config(
        "point-callbacks", "--ingress-user", user, "--ingress-password-file", str(password_file)
    )
    assert code == 0 and "nothing to change" in out and "(unchanged)" in out
    assert not (cfg.parent / "callbacks-backup.toml").exists()


async def test_several_applications_need_an_id(
    cfg: Path, config: Run, env: Embedded, client: Client
) -> None:
    app_id = await client.applications.create(name="second", incoming_call_url=CALLS)
    code, _, err = await config("point-callbacks", "--yes")
    assert code == 1 and "name one with --application" in err and app_id in err
    assert await urls(client, app_id) == (CALLS, None)


async def test_unknown_application_is_one_line_error(cfg: Path, config: Run, env: Embedded) -> None:
    code, _, err = await config("point-callbacks", "--application", "a-nope", "--yes")
    assert code == 1 and err.count("\n") == 1 and "404" in err and "Traceback" not in err


def test_relay_url_helpers() -> None:
    profile = Profile(
        name="p",
        user_id="u-1",
        api_token="t",
        api_secret="s",
        relay_url="https://relay.example.com/",
        relay_channel="work",
    )
    url = relay_callback_url(profile, ("bw", "p@ss:word"))
    assert url == "https://bw:p%40ss%3Aword@relay.example.com/callbacks/work"
    assert display_url(url) == "https://bw:****@relay.example.com/callbacks/work"
    assert points_at_relay(url, profile)
    assert points_at_relay("https://relay.example.com/bxml/work", profile)
    assert not points_at_relay("https://relay.example.com/callbacks/other", profile)
    assert not points_at_relay("https://elsewhere.example.com/callbacks/work", profile)


async def test_create_application_points_its_urls_at_the_profiles_relay(
    config: Run, env: Embedded, client: Client
) -> None:
    before = {a.id for a in await client.applications.list()}
    code, out, err = await config("create-application", "support line")
    assert code == 0, err
    (created,) = [a for a in await client.applications.list() if a.id not in before]
    relay = f"{env.relay_url}/callbacks/sandbox"
    assert (created.name, created.incoming_call_url, created.incoming_message_url) == (
        "support line",
        relay,
        relay,
    )
    assert f"created application {created.id} (support line)" in out


async def test_create_application_with_ingress_puts_the_credentials_in_the_url(
    config: Run, env: Embedded, client: Client, tmp_path: Path
) -> None:
    secret = tmp_path / "ingress"
    secret.write_text("s3cret\n")
    code, out, err = await config(
        "create-application",
        "guarded",
        "--ingress-user",
        "hook",
        "--ingress-password-file",
        str(secret),
    )
    assert code == 0, err
    assert "s3cret" not in out  # a password in a URL is never printed
    app_id = out.split()[2]
    relay = env.relay_url.replace("http://", "http://hook:s3cret@") + "/callbacks/sandbox"
    assert await urls(client, app_id) == (relay, relay)

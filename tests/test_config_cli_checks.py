"""`bwconsole config add` checks against the real sandbox and relay (embedded) before saving."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bwconsole.cli import main
from bwconsole.config import load_config
from bwconsole.embedded import Embedded, embedded


@pytest.fixture
def cfg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The config file, in a config dir of its own; no BANDWIDTH_* from the outside."""
    monkeypatch.setenv("BWCONSOLE_CONFIG_DIR", str(tmp_path / "cfg"))
    for var in ("USER_ID", "API_TOKEN", "API_SECRET", "API_URL"):
        monkeypatch.delenv(f"BANDWIDTH_{var}", raising=False)
    return tmp_path / "cfg" / "config.toml"


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Embedded]:
    async with embedded(data_dir=tmp_path / "data") as running:
        yield running


async def add(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    # main() runs its own event loop, so it gets a thread while the servers serve in this one.
    code = await asyncio.wait_for(asyncio.to_thread(main, ["config", "add", *argv]), timeout=30)
    out, err = capsys.readouterr()
    return code, out, err


def options(env: Embedded, **changes: str) -> list[str]:
    """`config add` options for the embedded profile, with some values replaced."""
    profile = env.profile
    values = {
        "user-id": profile.user_id,
        "token": profile.api_token,
        "secret": profile.api_secret,
        "api-url": profile.api_url,
        "relay-url": env.relay_url,
        "relay-channel": profile.relay_channel or "",
        "relay-token": profile.relay_token or "",
    }
    values.update({key.replace("_", "-"): value for key, value in changes.items()})
    return [f"--{key}={value}" for key, value in values.items()]


async def test_correct_profile_is_checked_then_saved(
    cfg: Path, capsys: pytest.CaptureFixture[str], env: Embedded
) -> None:
    code, out, err = await add(capsys, "box", *options(env))
    assert (code, err) == (0, "")
    assert "ok   credentials: accepted by 127.0.0.1" in out
    assert "ok   relay: " in out and "accepted the token for channel sandbox" in out
    saved = load_config(cfg).profiles["box"]
    assert (saved.api_url, saved.relay_url) == (env.api_url, env.relay_url)


async def test_wrong_secret_is_bad_credentials_and_nothing_is_saved(
    cfg: Path, capsys: pytest.CaptureFixture[str], env: Embedded
) -> None:
    code, out, err = await add(capsys, "box", *options(env, secret="not-the-secret-42"))
    assert code == 1
    assert "credentials: bad credentials (HTTP 401)" in err
    assert "profile 'box' not saved" in err and err.count("\n") == 1
    assert "not-the-secret-42" not in out + err
    assert load_config(cfg).profiles == {}  # nothing saved


async def test_someone_elses_user_id_is_bad_credentials(
    cfg: Path, capsys: pytest.CaptureFixture[str], env: Embedded
) -> None:
    code, _, err = await add(capsys, "box", *options(env, user_id="u-someoneelse"))
    assert code == 1 and "credentials: bad credentials (HTTP 403)" in err
    assert load_config(cfg).profiles == {}  # nothing saved


async def test_unreachable_relay_is_named_and_nothing_is_saved(
    cfg: Path, capsys: pytest.CaptureFixture[str], env: Embedded
) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{sock.getsockname()[1]}"
    code, out, err = await add(capsys, "box", *options(env, relay_url=nowhere))
    assert code == 1
    assert "ok   credentials" in out  # the API part was fine
    assert "relay: relay unreachable: cannot connect to" in err and "connection refused" in err
    assert load_config(cfg).profiles == {}  # nothing saved


async def test_wrong_relay_token_is_refused_and_nothing_is_saved(
    cfg: Path, capsys: pytest.CaptureFixture[str], env: Embedded
) -> None:
    code, _, err = await add(capsys, "box", *options(env, relay_token="not-the-relay-token"))
    assert code == 1 and "relay: relay refused the token" in err
    assert "not-the-relay-token" not in err
    assert load_config(cfg).profiles == {}  # nothing saved

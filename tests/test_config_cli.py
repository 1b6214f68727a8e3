"""`bwconsole config ...` end to end through `bwconsole.cli.main`, on a temp config dir."""

from __future__ import annotations

import asyncio
import base64
import io
import shutil
import socket
import stat
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bwconsole.cli import main
from bwconsole.config import DEFAULT_API_URL, load_config
from bwconsole.servers import BackgroundServer, serving

FIXTURES = Path(__file__).parent / "fixtures" / "config"
TOKEN = "t-clitoken0123456789"
SECRET = "clisecret0123456789"
RELAY_TOKEN = "relaytoken0123456789"
CREDS = ["--user-id", "u-cli0123", "--token", TOKEN, "--secret", SECRET]


@pytest.fixture
def cfg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The config file path, in a config dir of its own; no BANDWIDTH_* from the outside."""
    monkeypatch.setenv("BWCONSOLE_CONFIG_DIR", str(tmp_path / "cfg"))
    for var in ("USER_ID", "API_TOKEN", "API_SECRET", "API_URL"):
        monkeypatch.delenv(f"BANDWIDTH_{var}", raising=False)
    return tmp_path / "cfg" / "config.toml"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["config", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *parts: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for part in parts:
        assert part in err


def test_add_saves_a_private_file_and_the_first_profile_is_active(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "add", "work", *CREDS, "--no-check")
    assert code == 0 and "saved profile 'work'" in out and "(active)" in out
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    config = load_config(cfg)
    assert config.active == "work"
    work = config.profiles["work"]
    assert (work.user_id, work.api_token, work.api_secret) == ("u-cli0123", TOKEN, SECRET)
    assert work.api_url == DEFAULT_API_URL and work.relay_url is None


def test_list_masks_secrets_and_marks_the_active_profile(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    relay = ["--relay-url", "https://relay.example.com", "--relay-channel", "c1"]
    cli(capsys, "add", "work", *CREDS, *relay, "--relay-token", RELAY_TOKEN, "--no-check")
    cli(capsys, "add", "lab", *CREDS, "--api-url", "http://127.0.0.1:9/v1", "--no-check")
    code, out, _ = cli(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "USER", "ID", "API", "URL", "TOKEN", "SECRET", "RELAY"]
    assert lines[1].split()[0] == "lab"
    assert lines[2].split()[:2] == ["*", "work"]
    assert "t-…89" in lines[2] and "cl…89" in lines[2] and "https://relay.example.com #c1" in out
    for secret in (TOKEN, SECRET, RELAY_TOKEN):
        assert secret not in out


def test_use_and_remove(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(capsys, "add", "work", *CREDS, "--no-check")
    code, out, _ = cli(capsys, "add", "lab", *CREDS, "--no-check")
    assert "use it with: bwconsole config use lab" in out
    assert load_config(cfg).active == "work"

    assert cli(capsys, "use", "lab")[:2] == (0, "active profile: lab\n")
    assert load_config(cfg).active == "lab"

    code, out, _ = cli(capsys, "remove", "lab")
    assert code == 0 and "no profile is active now" in out
    config = load_config(cfg)
    assert list(config.profiles) == ["work"] and config.active is None

    code, _, err = cli(capsys, "remove", "lab")
    assert code == 1
    assert_one_line_error(err, "no profile named 'lab'", "profiles: work")
    code, _, err = cli(capsys, "use", "nope")
    assert code == 1
    assert_one_line_error(err, "no profile named 'nope'")


def test_add_use_flag_makes_it_active(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(capsys, "add", "work", *CREDS, "--no-check")
    cli(capsys, "add", "lab", *CREDS, "--no-check", "--use")
    assert load_config(cfg).active == "lab"


def test_add_refuses_to_overwrite_without_replace(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "add", "work", *CREDS, "--no-check")
    code, _, err = cli(capsys, "add", "work", *CREDS[:4], "--secret", "other-secret", "--no-check")
    assert code == 1
    assert_one_line_error(err, "profile 'work' exists", "--replace")
    assert load_config(cfg).profiles["work"].api_secret == SECRET
    cli(capsys, "add", "work", *CREDS[:4], "--secret", "other-secret", "--no-check", "--replace")
    assert load_config(cfg).profiles["work"].api_secret == "other-secret"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--user-id", "12345"], "user id must look like u-"),
        (["--api-url", "ftp://x/v1"], "API URL must be an http:// or https:// URL"),
        (["--relay-url", "relay.example.com", "--relay-channel", "c"], "relay URL must be"),
        (["--relay-url", "https://relay.example.com"], "a relay needs a channel"),
        (["--relay-channel", "c"], "need --relay-url"),
        (["--relay-url", "http://r", "--relay-channel", "a/b"], "relay channel 'a/b'"),
    ],
)
def test_invalid_values_are_one_line_errors_and_nothing_is_saved(
    cfg: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code, _, err = cli(capsys, "add", "work", *CREDS, *extra, "--no-check")
    assert code == 1
    assert_one_line_error(err, "bwconsole config add: ", message)
    assert not cfg.exists()


def test_bad_profile_name_is_rejected(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "add", "my work", *CREDS, "--no-check")
    assert code == 1
    assert_one_line_error(err, "profile name 'my work'")


def test_add_asks_for_what_is_missing(
    cfg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Answers piped on stdin: user id, token, secret, API URL (blank: default),
    # relay URL, relay channel, relay token.
    answers = f"u-asked01\n{TOKEN}\n{SECRET}\n\nhttps://relay.example.com\nch\n{RELAY_TOKEN}\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    code, out, _ = cli(capsys, "add", "asked", "--no-check")
    assert code == 0, out
    assert "User id" in out and "Relay channel" in out
    profile = load_config(cfg).profiles["asked"]
    assert (profile.user_id, profile.api_token, profile.api_secret) == ("u-asked01", TOKEN, SECRET)
    assert profile.api_url == DEFAULT_API_URL
    assert (profile.relay_url, profile.relay_channel) == ("https://relay.example.com", "ch")
    assert profile.relay_token == RELAY_TOKEN


def test_add_with_options_for_the_credentials_asks_nothing_more(
    cfg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli(capsys, "add", "work", *CREDS, "--no-check")[0] == 0


def test_add_with_stdin_closed_early_says_what_is_missing(
    cfg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("u-asked01\n"))
    code, _, err = cli(capsys, "add", "work", "--no-check")
    assert code == 1
    assert_one_line_error(err, "no answer for API token")
    assert not cfg.exists()


def test_piped_invalid_answer_is_one_line_error(
    cfg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("12345\n"))
    code, _, err = cli(capsys, "add", "work", "--no-check")
    assert code == 1
    assert_one_line_error(err, "user id must look like u-abc123 (got '12345')")


def test_list_with_no_profiles_says_how_to_add_one(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "list")
    assert code == 0 and "bwconsole config add NAME" in out
    assert cli(capsys)[1] == out  # bare `bwconsole config` lists


@pytest.mark.parametrize("fixture", ["syntax_error.toml", "wrong_type.toml"])
def test_broken_file_is_one_line_naming_file_and_line(
    cfg: Path, capsys: pytest.CaptureFixture[str], fixture: str
) -> None:
    cfg.parent.mkdir()
    shutil.copy(FIXTURES / fixture, cfg)
    for action in (["list"], ["show"], ["use", "work"], ["add", "x", *CREDS, "--no-check"]):
        code, _, err = cli(capsys, *action)
        assert code == 1
        assert_one_line_error(err, f"{cfg}:")
        assert f"{cfg}:5:" in err or f"{cfg}:6:" in err
        assert "t-worktoken0123456789" not in err and "1234567890" not in err


def test_show_applies_env_overrides_and_masks(
    cfg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli(capsys, "add", "work", *CREDS, "--no-check")
    monkeypatch.setenv("BANDWIDTH_API_SECRET", "env-secret-0123456789")
    code, out, _ = cli(capsys, "show")
    assert code == 0
    assert "api_secret     en…89" in out and "BANDWIDTH_API_SECRET" in out
    assert "env-secret-0123456789" not in out and SECRET not in out
    assert load_config(cfg).profiles["work"].api_secret == SECRET  # env never written


def test_show_without_any_profile_is_an_error(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "show")
    assert code == 1
    assert_one_line_error(err, "no active profile")


# --- add with the real checks, against a local stand-in for the v1 API ---


@pytest.fixture
async def api() -> AsyncIterator[BackgroundServer]:
    expected = "Basic " + base64.b64encode(f"{TOKEN}:{SECRET}".encode()).decode()

    async def account(request: Request) -> Response:
        if request.headers.get("authorization") != expected:
            return JSONResponse({"code": "user-access-denied"}, status_code=401)
        return JSONResponse({"balance": "1.00", "accountType": "pre-pay"})

    async with serving(Starlette(routes=[Route("/v1/users/{uid}/account", account)])) as server:
        yield server


async def acli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    # main() runs its own event loop (asyncio.run), so it gets a thread while the
    # server keeps serving in this one.
    code = await asyncio.wait_for(asyncio.to_thread(main, ["config", *argv]), timeout=30)
    out, err = capsys.readouterr()
    return code, out, err


async def test_add_checks_credentials_before_saving(
    cfg: Path, capsys: pytest.CaptureFixture[str], api: BackgroundServer
) -> None:
    url = ["--api-url", api.url + "/v1"]
    code, out, err = await acli(capsys, "add", "w", *CREDS[:4], "--secret", "wrong-0123456", *url)
    assert code == 1
    assert_one_line_error(err, "credentials: bad credentials (HTTP 401)", "profile 'w' not saved")
    assert "wrong-0123456" not in err + out
    assert load_config(cfg).profiles == {}  # nothing saved

    code, out, err = await acli(capsys, "add", "w", *CREDS, *url)
    assert (code, err) == (0, "")
    assert "ok   credentials: accepted by 127.0.0.1" in out
    assert load_config(cfg).profiles["w"].api_url == api.url + "/v1"


async def test_add_with_unreachable_relay_saves_nothing(
    cfg: Path, capsys: pytest.CaptureFixture[str], api: BackgroundServer
) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        relay_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    argv = ["--api-url", api.url + "/v1", "--relay-url", relay_url, "--relay-channel", "c"]
    code, _, err = await acli(capsys, "add", "w", *CREDS, *argv, "--relay-token", RELAY_TOKEN)
    assert code == 1
    assert_one_line_error(err, "relay: relay unreachable", "not saved")
    assert load_config(cfg).profiles == {}  # nothing saved

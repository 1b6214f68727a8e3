"""Config safety: URL passwords masked, comments kept on save, hostile files refused in one line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from bwconsole.cli import main
from bwconsole.config import ConfigError, load_config, mask_url, resolve_profile, save_config

RELAY_PASSWORD = "hunter2hunter2hunter2"
API_PASSWORD = "apipassword0123456789"

COMMENTED = f"""\
# My bwconsole settings. Do not lose this comment.
active = "work"  # the account I use most

theme = "dark"

# The production account; relay on the office host.
[profiles.work]
user_id = "u-work0123"   # from the dashboard
api_token = "t-worktoken0123456789"
api_secret = "worksecret0123456789"
api_url = "https://apiuser:{API_PASSWORD}@api.example.com/v1"
relay_url = "https://ingress:{RELAY_PASSWORD}@relay.example.com"
relay_channel = "work"

[profiles.lab]
# the lab account
user_id = "u-lab0123"
api_token = "t-labtoken0123456789"
api_secret = "labsecret0123456789"
"""


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BWCONSOLE_CONFIG_DIR", str(tmp_path))
    path = tmp_path / "config.toml"
    path.write_text(COMMENTED, encoding="utf-8")
    path.chmod(0o600)
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_mask_url_hides_only_the_password() -> None:
    assert mask_url("https://user:abcdefghijklmnop@relay.example.com:8443/x?y=1") == (
        "https://user:ab…op@relay.example.com:8443/x?y=1"
    )
    assert mask_url("https://user:pw@h") == "https://user:****@h"
    assert mask_url("https://relay.example.com") == "https://relay.example.com"
    assert mask_url(None) == ""


def test_config_list_and_show_mask_url_userinfo(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["config", "list"], ["config", "list", "--json"], ["config", "show", "work"]):
        code, out, err = cli(capsys, *argv)
        assert code == 0, err
        assert RELAY_PASSWORD not in out and API_PASSWORD not in out
        assert "ingress:hu…r2@relay.example.com" in out
    assert RELAY_PASSWORD not in repr(load_config(cfg))


def test_config_list_json_is_machine_readable(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "config", "list", "--json")
    assert code == 0
    document = json.loads(out)
    assert document["active"] == "work" and document["path"] == str(cfg)
    names = [(p["name"], p["active"]) for p in document["profiles"]]
    assert names == [("lab", False), ("work", True)]
    assert document["profiles"][1]["api_token"] == "t-…89"


def test_config_use_keeps_every_comment_and_changes_only_the_value(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "config", "use", "lab")
    assert code == 0, err
    text = cfg.read_text(encoding="utf-8")
    assert text == COMMENTED.replace('active = "work"', 'active = "lab"')
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600


def test_config_add_and_remove_keep_the_comments(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    creds = ["--user-id", "u-new0123", "--token", "t-new", "--secret", "s-new"]
    assert cli(capsys, "config", "add", "new", *creds, "--no-check")[0] == 0
    assert cli(capsys, "config", "remove", "lab")[0] == 0
    text = cfg.read_text(encoding="utf-8")
    for comment in (
        "# My bwconsole settings. Do not lose this comment.",
        "# the account I use most",
        "# The production account; relay on the office host.",
        "# from the dashboard",
    ):
        assert comment in text
    assert "the lab account" not in text
    config = load_config(cfg)
    assert sorted(config.profiles) == ["new", "work"]
    assert config.profiles["new"].api_token == "t-new"


def test_saving_imports_tomlkit_only_when_saving() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from bwconsole.config import load_config; load_config(); "
        "print('tomlkit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_deeply_nested_array_is_a_one_line_error(
    cfg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, out, err = cli(capsys, "config", "list")
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(cfg) in err and "nested too deep" in err


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('[profiles."bad name!"]\nuser_id = "u-1"', ":1: profile name 'bad name!' may use only"),
        ('[profiles.a]\nrelay_url = "ftp://x"', ":2: profiles.a.relay_url must be an http(s) URL"),
        ('[profiles.a]\napi_url = "not a url"', ":2: profiles.a.api_url must be an http(s) URL"),
        ('[profiles.a]\nrelay_channel = "a/b"', ":2: profiles.a.relay_channel must be letters"),
    ],
)
def test_bad_names_and_urls_in_the_file_are_refused(
    tmp_path: Path, table: str, expected: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(table + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}{expected}")


def test_relay_environment_overrides(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BWCONSOLE_RELAY_URL", "https://other-relay.example.com")
    monkeypatch.setenv("BWCONSOLE_RELAY_CHANNEL", "ci")
    monkeypatch.setenv("BWCONSOLE_RELAY_TOKEN", "envrelaytoken0123456789")
    profile = resolve_profile(load_config(cfg))
    assert profile is not None
    assert profile.relay_url == "https://other-relay.example.com"
    assert (profile.relay_channel, profile.relay_token) == ("ci", "envrelaytoken0123456789")
    assert load_config(cfg).profiles["work"].relay_channel == "work"  # the file is untouched


def test_bad_relay_url_in_the_environment_is_named(
    cfg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BWCONSOLE_RELAY_URL", "ftp://x")
    with pytest.raises(ConfigError, match="^environment variable BWCONSOLE_RELAY_URL: relay URL"):
        resolve_profile(load_config(cfg))


def test_save_of_a_new_file_still_works(tmp_path: Path) -> None:
    config = load_config(tmp_path / "sub" / "config.toml")
    config.theme = "light"
    save_config(config)
    assert load_config(config.path).theme == "light"

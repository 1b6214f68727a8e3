"""Profiles on disk: round trip, permissions, env overrides, masking, broken files."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from bwconsole.config import (
    DEFAULT_API_URL,
    Config,
    ConfigError,
    Profile,
    config_dir,
    config_path,
    data_dir,
    load_config,
    mask,
    resolve_profile,
    save_config,
)

FIXTURES = Path(__file__).parent / "fixtures" / "config"
SECRETS = ("t-worktoken0123456789", "worksecret0123456789", "relaytoken0123456789")


def test_full_file_loads_every_key() -> None:
    config = load_config(FIXTURES / "full.toml")
    assert config.active == "work"
    assert config.theme == "light"
    assert config.keymap == {"dial": "d,ctrl+d", "hangup": "x"}
    work = config.profiles["work"]
    assert work.user_id == "u-work0123456789"
    assert work.api_token == "t-worktoken0123456789"
    assert work.api_secret == "worksecret0123456789"
    assert work.relay_url == "https://relay.example.com"
    assert work.relay_token == "relaytoken0123456789"
    assert work.relay_channel == "work-events"
    assert config.profiles["lab"].api_url == "http://127.0.0.1:8080/v1"
    assert config.profiles["lab"].relay_url is None


def test_round_trip_keeps_everything_including_unknown_keys(tmp_path: Path) -> None:
    original = load_config(FIXTURES / "full.toml")
    original.path = tmp_path / "config.toml"
    save_config(original)
    again = load_config(tmp_path / "config.toml")
    assert again == original
    assert again.extra == {"future_setting": "kept"}
    assert again.profiles["work"].extra == {"note": "an unknown profile key, kept"}


def test_missing_file_is_an_empty_config(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml")
    assert config.profiles == {} and config.active is None and config.keymap == {}
    assert config.path == tmp_path / "nope.toml"


def test_missing_api_url_defaults_and_missing_secret_is_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.a]\nuser_id = "u-a"\napi_token = "t-a"\n')
    profile = load_config(path).profiles["a"]
    assert profile.api_url == DEFAULT_API_URL
    assert profile.api_secret == ""
    assert not profile.is_complete
    profile.api_secret = "s"
    assert profile.is_complete


def test_file_is_owner_only_and_new_dir_is_0700(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "config.toml"
    save_config(Config(profiles={"a": _profile("a")}, active="a", path=path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_save_tightens_a_loose_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    shutil.copy(FIXTURES / "full.toml", path)
    path.chmod(0o644)
    save_config(load_config(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_save_writes_through_a_symlinked_config(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "bwconsole.toml"
    real.parent.mkdir()
    shutil.copy(FIXTURES / "full.toml", real)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    config = load_config(link)
    config.active = "lab"
    save_config(config)
    assert link.is_symlink()
    assert load_config(real).active == "lab"


def test_failed_save_leaves_the_old_file_and_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    shutil.copy(FIXTURES / "full.toml", path)
    before = path.read_bytes()
    config = load_config(path)
    config.extra["unserialisable"] = object()
    with pytest.raises(TypeError):
        save_config(config)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_unwritable_location_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    path = tmp_path / "a-file" / "config.toml"
    with pytest.raises(ConfigError, match=f"^{path}: cannot write"):
        save_config(Config(path=path))


def test_syntax_error_names_file_and_line() -> None:
    path = FIXTURES / "syntax_error.toml"
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert str(exc.value).startswith(f"{path}:5:")
    assert "invalid TOML" in str(exc.value)


def test_wrong_type_names_file_line_and_key() -> None:
    path = FIXTURES / "wrong_type.toml"
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert str(exc.value) == f"{path}:6: profiles.work.api_secret must be a string"


def test_errors_never_show_the_secret(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.a]\napi_secret = "topsecretvalue" x\n')
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert f"{path}:2:" in str(exc.value)
    assert "topsecretvalue" not in str(exc.value)


def test_keymap_values_must_be_strings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "dark"\n\n[keymap]\ndial = "d"\nhangup = 3\n')
    with pytest.raises(ConfigError, match=rf"^{path}:5: keymap.hangup must be a string"):
        load_config(path)


def test_active_profile_must_exist() -> None:
    path = FIXTURES / "unknown_active.toml"
    with pytest.raises(ConfigError, match=rf"^{path}:1: active profile 'missing' is not defined"):
        load_config(path)


def test_resolve_named_then_active() -> None:
    config = load_config(FIXTURES / "full.toml")
    assert _name(resolve_profile(config, env={})) == "work"
    assert _name(resolve_profile(config, "lab", env={})) == "lab"
    with pytest.raises(ConfigError, match="no profile named 'nope'"):
        resolve_profile(config, "nope", env={})


def test_env_vars_override_the_profile_without_changing_the_config() -> None:
    config = load_config(FIXTURES / "full.toml")
    env = {
        "BANDWIDTH_USER_ID": "u-env",
        "BANDWIDTH_API_TOKEN": "t-env",
        "BANDWIDTH_API_SECRET": "s-env",
        "BANDWIDTH_API_URL": "http://localhost:9/v1",
    }
    profile = resolve_profile(config, env=env)
    assert profile is not None
    assert (profile.name, profile.user_id, profile.api_token) == ("work", "u-env", "t-env")
    assert (profile.api_secret, profile.api_url) == ("s-env", "http://localhost:9/v1")
    assert profile.relay_channel == "work-events"  # not overridable, kept
    assert config.profiles["work"].user_id == "u-work0123456789"


def test_empty_env_var_does_not_override() -> None:
    config = load_config(FIXTURES / "full.toml")
    profile = resolve_profile(config, env={"BANDWIDTH_API_TOKEN": ""})
    assert profile is not None and profile.api_token == "t-worktoken0123456789"


def test_env_alone_makes_a_profile_only_when_complete(tmp_path: Path) -> None:
    empty = load_config(tmp_path / "none.toml")
    env = {"BANDWIDTH_USER_ID": "u-env", "BANDWIDTH_API_TOKEN": "t-env"}
    assert resolve_profile(empty, env=env) is None
    profile = resolve_profile(empty, env={**env, "BANDWIDTH_API_SECRET": "s-env"})
    assert profile is not None and profile.is_complete
    assert (profile.name, profile.api_url) == ("env", DEFAULT_API_URL)
    assert resolve_profile(empty, env={}) is None


def test_mask() -> None:
    assert mask(None) == "" and mask("") == ""
    assert mask("short") == "****"
    assert mask("abcdefghijklmnopqrstuvwxyz") == "ab…yz"


def test_secrets_never_in_repr_str_or_masked() -> None:
    config = load_config(FIXTURES / "full.toml")
    work = config.profiles["work"]
    shown = work.masked()
    assert shown["api_token"] == "t-…89" and shown["relay_token"] == "re…89"
    assert shown["user_id"] == "u-work0123456789"
    for text in (repr(work), str(work), repr(config), str(shown)):
        for secret in SECRETS:
            assert secret not in text


def test_dirs_honour_env_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BWCONSOLE_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("BWCONSOLE_DATA_DIR", str(tmp_path / "d"))
    assert config_dir() == tmp_path / "c"
    assert config_path() == tmp_path / "c" / "config.toml"
    assert data_dir() == tmp_path / "d"
    assert load_config().path == tmp_path / "c" / "config.toml"


def test_dirs_default_to_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BWCONSOLE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("BWCONSOLE_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xc"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xd"))
    assert config_path() == tmp_path / "xc" / "bwconsole" / "config.toml"
    assert data_dir() == tmp_path / "xd" / "bwconsole"


def _profile(name: str) -> Profile:
    return Profile(name=name, user_id="u-x", api_token="t-x", api_secret="s-x")


def _name(profile: Profile | None) -> str | None:
    return profile.name if profile else None

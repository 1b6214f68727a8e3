"""Profiles and settings in `config.toml`, with environment overrides.

The file lives in platformdirs' user config dir for `bwconsole` (or in
`$BWCONSOLE_CONFIG_DIR`) and looks like::

    active = "work"
    theme = "dark"

    [keymap]
    call-dial = "d,ctrl+d"

    [profiles.work]
    user_id = "u-abc123"
    api_token = "t-abc123"
    api_secret = "..."

Unknown keys, at the top level or inside a profile, are kept when the file is
written back, so a newer bwconsole's settings survive an older one, and so are
the user's comments (`bwconsole.files.write_toml`). Secrets (API token and
secret, relay token, and a password inside a URL) never appear in a `repr`, a log
line or an error message: `mask` / `mask_url` them first.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from bwconsole.config_values import (
    check_channel,
    check_profile_name,
    check_url,
    check_user_id,
    mask,
    mask_url,
)
from bwconsole.relay_urls import RelayUrls, relay_urls
from bwconsole.toml_lines import line_of

__all__ = [
    "DEFAULT_API_URL",
    "ENV_OVERRIDES",
    "ENV_PROFILE_NAME",
    "Config",
    "ConfigError",
    "Profile",
    "check_channel",
    "check_profile_name",
    "check_url",
    "check_user_id",
    "config_dir",
    "config_path",
    "data_dir",
    "load_config",
    "mask",
    "mask_url",
    "resolve_profile",
    "save_config",
]

DEFAULT_API_URL = "https://api.catapult.inetwork.com/v1"

#: Name of the profile `resolve_profile` builds from environment variables alone.
ENV_PROFILE_NAME = "env"

#: Environment variable -> Profile field it overrides.
ENV_OVERRIDES: dict[str, str] = {
    "BANDWIDTH_USER_ID": "user_id",
    "BANDWIDTH_API_TOKEN": "api_token",
    "BANDWIDTH_API_SECRET": "api_secret",
    "BANDWIDTH_API_URL": "api_url",
    "BWCONSOLE_RELAY_URL": "relay_url",
    "BWCONSOLE_RELAY_CHANNEL": "relay_channel",
    "BWCONSOLE_RELAY_TOKEN": "relay_token",
}

_SECRET_FIELDS = ("api_token", "api_secret", "relay_token")
_PROFILE_FIELDS = (
    "user_id",
    "api_token",
    "api_secret",
    "api_url",
    "relay_url",
    "relay_token",
    "relay_channel",
)
_URL_FIELDS = {"api_url": "API URL", "relay_url": "relay URL"}
_APP_NAME = "bwconsole"


class ConfigError(Exception):
    """The configuration file cannot be read, or names something that does not exist.

    The message is meant for the user as is: it names the file (and the line when
    known) and never contains a secret.
    """


@dataclass(repr=False)
class Profile:
    """One account: v1 API credentials plus, optionally, the relay that carries its events."""

    name: str
    user_id: str
    """Account user id, `u-…`; part of every API path."""
    api_token: str
    """API token, the basic-auth user name."""
    api_secret: str
    """API secret, the basic-auth password."""
    api_url: str = DEFAULT_API_URL
    """Base URL of the v1 API, up to and including `/v1`."""
    relay_url: str | None = None
    """Base URL of the relay (http or https); callbacks go to `{relay_url}/callbacks/{channel}`."""
    relay_token: str | None = None
    """Bearer token the relay expects on its websocket."""
    relay_channel: str | None = None
    """Relay channel this account's callbacks land in."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Keys found in the file that this version does not know; written back untouched."""

    @property
    def is_complete(self) -> bool:
        """True when the profile holds everything an API call needs."""
        return all((self.user_id, self.api_token, self.api_secret, self.api_url))

    def relay_urls(self, ingress: tuple[str, str] | None = None) -> RelayUrls | None:
        """This profile's channel on its relay (`bwconsole.relay_urls`), None without a relay.

        Args:
            ingress: `(user, password)` the relay's ingress wants, as user info of
                the ingress URLs.
        """
        if not self.relay_url or not self.relay_channel:
            return None
        return relay_urls(self.relay_url, self.relay_channel, ingress)

    def masked(self) -> dict[str, str]:
        """Every field as display text, secrets masked and unset fields as ""."""
        out = {"name": self.name}
        for key in _PROFILE_FIELDS:
            value = getattr(self, key)
            if key in _SECRET_FIELDS:
                out[key] = mask(value)
            elif key in _URL_FIELDS:
                out[key] = mask_url(value)
            else:
                out[key] = value or ""
        return out

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self.masked().items())
        return f"Profile({fields})"


@dataclass
class Config:
    """Everything in `config.toml`: the profiles, which one is active, and UI settings."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    active: str | None = None
    """Name of the profile `bwconsole` uses when none is named."""
    theme: str | None = None
    """Name of the colour theme."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys (comma-separated), handed to Textual's `App.set_keymap`."""
    path: Path = field(default_factory=lambda: config_path())
    """Where the config was read from and is written to."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Top-level keys this version does not know; written back untouched."""


def config_dir() -> Path:
    """The directory holding `config.toml`: `$BWCONSOLE_CONFIG_DIR`, else platformdirs'."""
    override = os.environ.get("BWCONSOLE_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(_APP_NAME, appauthor=False))


def config_path() -> Path:
    """Path of the config file (it may not exist yet)."""
    return config_dir() / "config.toml"


def data_dir() -> Path:
    """Where bwconsole keeps state (relay store, sandbox state, console cache).

    `$BWCONSOLE_DATA_DIR` wins over platformdirs' user data dir. The directory is
    not created here; whoever writes into it creates it.
    """
    override = os.environ.get("BWCONSOLE_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(_APP_NAME, appauthor=False))


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config.

    Args:
        path: the file to read; defaults to `config_path()`.

    Returns:
        The parsed config, remembering `path` for `save_config`.

    Raises:
        ConfigError: the file is unreadable, not valid TOML, or holds a value of the
            wrong type; the message names the file and, when known, the line.
    """
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {_reason(exc)}") from None
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deep") from None
    except tomllib.TOMLDecodeError as exc:
        # Python 3.14's tomllib has lineno/colno; older ones put them in the message.
        found = _AT_LINE.fullmatch(str(exc))
        line = getattr(exc, "lineno", None) or (found and found.group(2))
        col = getattr(exc, "colno", None) or (found and found.group(3))
        msg = getattr(exc, "msg", None) or (found.group(1) if found else str(exc))
        where = f"{path}:{line}" if line else str(path)
        at = f" (column {col})" if col else ""
        raise ConfigError(f"{where}: invalid TOML: {msg}{at}") from None
    return _from_data(data, path, text)


def save_config(config: Config) -> None:
    """Write the config to `config.path` atomically, readable by the owner only.

    Comments and layout the user gave the file are kept; only changed values are
    rewritten (`bwconsole.files.write_toml`).

    Raises:
        ConfigError: the directory or file cannot be written.
    """
    from bwconsole.files import write_toml  # tomlkit loads only when saving

    try:
        write_toml(config.path, _to_data(config))
    except OSError as exc:
        raise ConfigError(f"{config.path}: cannot write: {_reason(exc)}") from None


def resolve_profile(
    config: Config, name: str | None = None, env: Mapping[str, str] = os.environ
) -> Profile | None:
    """The profile to use, with `ENV_OVERRIDES` environment variables applied on top.

    Args:
        config: the loaded config.
        name: a profile the user asked for (`--profile`); else the active one.
        env: the environment to read overrides from.

    Returns:
        The named profile, else the active one, else a profile named `env` built
        from `BANDWIDTH_USER_ID`/`_API_TOKEN`/`_API_SECRET` when all three are set,
        else None (the caller falls back to the sandbox).

    Raises:
        ConfigError: `name`, or the active profile, does not exist; or an
            environment variable holds a bad URL or channel.
    """
    overrides = {attr: env[var] for var, attr in ENV_OVERRIDES.items() if env.get(var)}
    for var, attr in ENV_OVERRIDES.items():
        if attr in overrides and (problem := _check_field(attr, overrides[attr])):
            raise ConfigError(f"environment variable {var}: {problem}")
    chosen = name or config.active
    if chosen is not None:
        profile = config.profiles.get(chosen)
        if profile is None:
            known = ", ".join(sorted(config.profiles)) or "none"
            raise ConfigError(f"{config.path}: no profile named {chosen!r} (profiles: {known})")
        return _with(profile, overrides)
    if all(overrides.get(attr) for attr in ("user_id", "api_token", "api_secret")):
        base = Profile(name=ENV_PROFILE_NAME, user_id="", api_token="", api_secret="")
        return _with(base, overrides)
    return None


def _check_field(attr: str, value: str) -> str | None:
    """What is wrong with a URL or channel field's value, in words, or None."""
    if attr in _URL_FIELDS:
        return check_url(value, _URL_FIELDS[attr])
    if attr == "relay_channel":
        return check_channel(value)
    return None


def _with(profile: Profile, overrides: Mapping[str, str]) -> Profile:
    """A copy of `profile` with the given fields replaced."""
    values = {key: getattr(profile, key) for key in _PROFILE_FIELDS}
    values.update(overrides)
    return Profile(name=profile.name, extra=dict(profile.extra), **values)


def _from_data(data: dict[str, Any], path: Path, text: str) -> Config:
    """Validate the parsed TOML and build a Config, naming the line of any bad value."""

    def bad(keys: tuple[str, ...], expected: str) -> ConfigError:
        line = line_of(text, keys)
        where = f"{path}:{line}" if line else str(path)
        return ConfigError(f"{where}: {'.'.join(keys)} must be {expected}")

    extra = dict(data)
    active = extra.pop("active", None)
    theme = extra.pop("theme", None)
    keymap = extra.pop("keymap", {})
    profiles_data = extra.pop("profiles", {})
    for key, value in (("active", active), ("theme", theme)):
        if value is not None and not isinstance(value, str):
            raise bad((key,), "a string")
    if not isinstance(keymap, dict):
        raise bad(("keymap",), "a table of binding id = keys")
    for binding, keys in keymap.items():
        if not isinstance(keys, str):
            raise bad(("keymap", binding), 'a string of keys, e.g. "ctrl+d"')
    if not isinstance(profiles_data, dict):
        raise bad(("profiles",), "a table of profiles")

    profiles: dict[str, Profile] = {}
    for name, table in profiles_data.items():
        if not isinstance(table, dict):
            raise bad(("profiles", name), "a table")
        if problem := check_profile_name(name):
            line = line_of(text, ("profiles", name))
            raise ConfigError(f"{path}:{line}: {problem}" if line else f"{path}: {problem}")
        values = dict(table)
        fields: dict[str, Any] = {}
        for key in _PROFILE_FIELDS:
            value = values.pop(key, None)
            if value is not None and not isinstance(value, str):
                raise bad(("profiles", name, key), "a string")
            if value and _check_field(key, value):
                expected = (
                    "letters, digits and - _ . ~" if key == "relay_channel" else "an http(s) URL"
                )
                raise bad(("profiles", name, key), expected)
            fields[key] = value
        for key in ("user_id", "api_token", "api_secret"):
            fields[key] = fields[key] or ""
        fields["api_url"] = fields["api_url"] or DEFAULT_API_URL
        profiles[name] = Profile(name=name, extra=values, **fields)

    if active is not None and active not in profiles:
        line = line_of(text, ("active",))
        where = f"{path}:{line}" if line else str(path)
        raise ConfigError(f"{where}: active profile {active!r} is not defined")
    return Config(
        profiles=profiles, active=active, theme=theme, keymap=dict(keymap), path=path, extra=extra
    )


def _to_data(config: Config) -> dict[str, Any]:
    """The TOML document for `config`; unset values are left out (TOML has no null).

    So is an `api_url` equal to the default: a missing one reads back the same, and
    saving does not add a line the user never wrote.
    """
    data: dict[str, Any] = {}
    if config.active is not None:
        data["active"] = config.active
    if config.theme is not None:
        data["theme"] = config.theme
    data.update(config.extra)
    if config.keymap:
        data["keymap"] = dict(config.keymap)
    profiles: dict[str, Any] = {}
    for name, profile in config.profiles.items():
        table = {key: getattr(profile, key) for key in _PROFILE_FIELDS}
        if table["api_url"] == DEFAULT_API_URL:
            table["api_url"] = None
        table.update(profile.extra)
        profiles[name] = {key: value for key, value in table.items() if value is not None}
    if profiles:
        data["profiles"] = profiles
    return data


_AT_LINE = re.compile(r"(.*) \(at line (\d+), column (\d+)\)", re.DOTALL)


def _reason(exc: BaseException) -> str:
    """An OS error in words, without the path it repeats."""
    return getattr(exc, "strerror", None) or str(exc)

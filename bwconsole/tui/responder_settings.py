"""How the BXML responder answers, and where that choice is kept.

`BxmlSettings` is read from and written to `<config dir>/bxml/responder.toml`; the
responder (`bxml_responder.py`) answers by them and the settings screen
(`screens/bxml_settings.py`) only shows and edits them, so neither needs the other.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import tomli_w

__all__ = [
    "BxmlSettings",
    "Mode",
    "load_settings",
    "save_settings",
    "scripts_dir",
    "settings_from_form",
]

Mode = Literal["script", "interactive"]

SETTINGS_FILE = "responder.toml"


def scripts_dir() -> Path:
    """`<config dir>/bxml/`: the user's `.xml` scripts and the responder's settings."""
    from bwconsole.config import config_dir

    return config_dir() / "bxml"


@dataclass(frozen=True)
class BxmlSettings:
    """How BXML requests are answered.

    Attributes:
        mode: "script" answers at once with `script`; "interactive" asks the user.
        script: The script used in script mode (a template or `.xml` file name).
        default: What answers when the interactive prompt runs out of time.
        timeout: Seconds the prompt waits; keep it below the relay's BXML timeout
            (5 s by default) so the answer arrives before the relay gives up.
        forward_to: The E.164 number the forward and IVR templates transfer to.
    """

    mode: Mode = "interactive"
    script: str = "voicemail"
    default: str = "voicemail"
    timeout: float = 4.0
    forward_to: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> BxmlSettings:
        """Read settings, keeping the default for anything missing or of the wrong kind."""
        base = cls()
        mode = data.get("mode", base.mode)
        timeout = data.get("timeout", base.timeout)
        return cls(
            mode=mode if mode in ("script", "interactive") else base.mode,
            script=str(data.get("script") or base.script),
            default=str(data.get("default") or base.default),
            timeout=float(timeout) if isinstance(timeout, int | float) else base.timeout,
            forward_to=str(data.get("forward_to") or ""),
        )


def settings_from_form(values: dict[str, str] | None) -> BxmlSettings | None:
    """Turn what the settings form returned into settings (None when it was cancelled)."""
    if values is None:
        return None
    return BxmlSettings.from_mapping({**values, "timeout": float(values["timeout"])})


def load_settings(directory: Path) -> BxmlSettings:
    """The settings kept in `directory` (the defaults when there are none, or unreadable)."""
    path = directory / SETTINGS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return BxmlSettings()
    return BxmlSettings.from_mapping(data)


def save_settings(directory: Path, settings: BxmlSettings) -> None:
    """Keep `settings` in `directory` for the next start.

    Raises:
        OSError: the directory or the file cannot be written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    data = {k: v for k, v in asdict(settings).items() if v != ""}
    (directory / SETTINGS_FILE).write_text(tomli_w.dumps(data), encoding="utf-8")

"""The form that sets how the console answers BXML requests (script or interactive)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.validation import ValidationResult, Validator

from bwconsole.tui.bxml_responder import BxmlSettings
from bwconsole.tui.screens.form import Field, FormScreen
from bwconsole.tui.validators import E164, Required

__all__ = ["BxmlSettingsScreen", "OneOf", "settings_from_form"]

MODES = ("script", "interactive")


class OneOf(Validator):
    """The value must be one of a few names (listed in the failure)."""

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()
        self.names = tuple(names)

    def validate(self, value: str) -> ValidationResult:
        if value.strip() in self.names:
            return self.success()
        return self.failure(f"choose one of: {', '.join(self.names)}")


class Seconds(Validator):
    """A number of seconds between 1 and 9 (the relay gives up after its own timeout)."""

    def validate(self, value: str) -> ValidationResult:
        try:
            seconds = float(value.strip())
        except ValueError:
            return self.failure(f"{value.strip()!r} is not a number of seconds")
        if not 1 <= seconds <= 9:
            return self.failure("must be between 1 and 9 seconds (below the relay's timeout)")
        return self.success()


class BxmlSettingsScreen(FormScreen):
    """Edits `BxmlSettings`; dismisses with the settings, or None when cancelled."""

    def __init__(self, settings: BxmlSettings, choices: Sequence[str]) -> None:
        names = ", ".join(choices)
        super().__init__(
            "BXML responder",
            [
                Field(
                    "mode",
                    "Mode: script (answer at once) or interactive (ask me)",
                    (Required(), OneOf(MODES)),
                    settings.mode,
                ),
                Field(
                    "script",
                    f"Script for script mode ({names})",
                    (Required(), OneOf(choices)),
                    settings.script,
                ),
                Field(
                    "default",
                    "Default when the prompt runs out of time",
                    (Required(), OneOf(choices)),
                    settings.default,
                ),
                Field(
                    "timeout",
                    "Prompt countdown, seconds",
                    (Required(), Seconds()),
                    f"{settings.timeout:g}",
                ),
                Field(
                    "forward_to",
                    "Forward to (E.164, for forward and the IVR menu)",
                    (E164(),),
                    settings.forward_to,
                ),
            ],
        )


def settings_from_form(values: dict[str, str] | None) -> BxmlSettings | None:
    """Turn what the settings form returned into settings (None when it was cancelled)."""
    if values is None:
        return None
    return BxmlSettings.from_mapping({**values, "timeout": float(values["timeout"])})

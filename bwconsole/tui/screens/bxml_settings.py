"""The form that sets how the console answers BXML requests (script or interactive)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.validation import ValidationResult, Validator

from bwconsole.tui.forms import Choice, Field
from bwconsole.tui.responder_settings import BxmlSettings
from bwconsole.tui.screens.call_form import ChoiceFormScreen
from bwconsole.tui.validators import E164, Required

__all__ = ["BxmlSettingsScreen", "strip_userinfo"]

MODE_CHOICES = (
    ("interactive: ask me, with a countdown", "interactive"),
    ("script: answer at once with the script below", "script"),
)


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


class BxmlSettingsScreen(ChoiceFormScreen):
    """Edits `BxmlSettings`; dismisses with the settings, or None when cancelled.

    Mode and scripts are pick-lists (nothing to mistype); the title says where the
    requests come from, since a number's application must point at the relay's
    `/bxml/` URL for any to arrive.
    """

    def __init__(
        self, settings: BxmlSettings, choices: Sequence[str], *, bxml_url: str | None = None
    ) -> None:
        scripts = [(name, name) for name in choices]

        def known(name: str) -> str | None:  # a script file deleted since: nothing chosen
            return name if name in choices else None

        where = (
            f"requests come to {strip_userinfo(bxml_url)}: an application's incoming-call "
            "URL must point there (f4 links a number to one that does)"
            if bxml_url
            else "requests come to the relay's /bxml/<channel> URL"
        )
        super().__init__(
            f"BXML responder — {where}",
            [
                Choice("mode", "Mode", MODE_CHOICES, settings.mode, allow_blank=False),
                Choice("script", "Script for script mode", scripts, known(settings.script)),
                Choice(
                    "default",
                    "Default when the prompt runs out of time",
                    scripts,
                    known(settings.default),
                ),
            ],
            [
                Field(
                    "timeout",
                    "Prompt countdown, seconds (cut to the relay's own deadline)",
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


def strip_userinfo(url: str) -> str:
    """The URL without `user:password@` (the ingress credential is no business of the eye)."""
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme}{sep}{host.rpartition('@')[2]}{slash}{path}"

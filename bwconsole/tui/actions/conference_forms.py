"""The small forms of the Conferences pane: what each conference action asks for (plain
`Form`s, asked through `Console.fill`)."""

from __future__ import annotations

from bwconsole.tui.forms import Field, Form
from bwconsole.tui.validators import E164, Required, Url

__all__ = ["create_form", "dial_form", "play_form", "speak_form"]


def create_form(default_from: str) -> Form:
    """A new conference: the owned number it is from."""
    return Form(
        "New conference",
        [Field("from", "From (a number the account owns)", (Required(), E164()), default_from)],
    )


def dial_form(conference_id: str, default_from: str) -> Form:
    """Call someone into a conference: to whom (asked first), from which owned number."""
    return Form(
        f"Dial a new member into {conference_id}",
        [
            Field(
                "to",
                "To (they join the conference when they answer)",
                (Required(), E164()),
                placeholder="e.g. +19195551234",
            ),
            Field("from", "From (a number the account owns)", (Required(), E164()), default_from),
        ],
    )


def speak_form(target: str) -> Form:
    """Text to speak to the whole conference or one member."""
    return Form(
        f"Speak to {target}",
        [Field("sentence", "Sentence", (Required(),), placeholder="e.g. Welcome to the call")],
    )


def play_form(target: str) -> Form:
    """An audio file URL to play to the whole conference or one member."""
    return Form(
        f"Play audio to {target}",
        [
            Field(
                "url", "Audio file URL", (Required(), Url()), placeholder="e.g. https://…/hello.mp3"
            )
        ],
    )

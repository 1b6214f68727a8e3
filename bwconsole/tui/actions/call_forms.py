"""The forms behind the Calls pane's actions, each with the checks the v1 API applies.

Plain `Form`s built here, so a flow reads as "ask, then call the API", and so each
form's fields and limits (sentence length, digit counts) sit in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bwconsole.tui.forms import Choice, Field, Form
from bwconsole.tui.validators import (
    CallerId,
    Destination,
    IntRange,
    MaxLength,
    Pattern,
    Required,
    Url,
)

__all__ = [
    "dial_form",
    "gather_form",
    "playable",
    "play_form",
    "speak_form",
    "transfer_form",
]

SENTENCE_LIMIT = 1000
"""The API's longest sentence (`/audio` and whisper audio)."""


def dial_form(sources: Sequence[tuple[str, str]], *, caller: str | None, to: str) -> Form:
    """Dial: from one of `sources` ((label, number or SIP URI) pairs) to a number or SIP URI."""
    chosen = caller if caller in {value for _, value in sources} else None
    if chosen is None and sources:
        chosen = sources[0][1]
    return Form(
        "Dial",
        choices=[Choice("from", "From (an owned number or SIP endpoint)", sources, chosen, False)],
        fields=[
            Field(
                "to",
                "To (E.164 number or sip: URI)",
                (Required(), Destination()),
                value=to,
                placeholder="+15550021234 answers after 2 s (see docs/sandbox.md)",
            ),
            Field("timeout", "Ring for at most (seconds, optional)", (IntRange(1, 300),)),
            Field(
                "conference",
                "Conference id (optional: the call can then join it with c)",
                (Pattern(r"[A-Za-z0-9_-]+", "a conference id looks like conf-..."),),
            ),
        ],
    )


def transfer_form() -> Form:
    """Blind transfer: where to, as whom, and what the new party hears first."""
    return Form(
        "Transfer",
        [
            Field("to", "Transfer to (E.164 number or sip: URI)", (Required(), Destination())),
            Field(
                "caller_id",
                "Caller id (optional: private, the far party's or an owned number)",
                (CallerId(),),
            ),
            Field(
                "whisper",
                "Whisper to the new party (optional sentence)",
                (MaxLength(SENTENCE_LIMIT),),
            ),
        ],
    )


def speak_form() -> Form:
    """A sentence to speak into the call."""
    return Form(
        "Speak",
        [Field("sentence", "Sentence", (Required(), MaxLength(SENTENCE_LIMIT)))],
    )


def _one_source(values: Mapping[str, str]) -> str | None:
    if bool(values["media"]) == bool(values["url"]):
        return "Choose a media file or type an audio URL (one of the two)."
    return None


AUDIO_SUFFIXES = (".wav", ".mp3")
"""What a call can play (the v1 audio docs: WAV or MP3)."""


def playable(media: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (name, URL) pairs a call can play: audio files only. The media list also
    holds transcriptions (`tr-…`, plain text) and MMS pictures, which would fail."""
    return [
        (name, url)
        for name, url in media
        if not name.startswith("tr-") and name.lower().endswith(AUDIO_SUFFIXES)
    ]


def play_form(media: Sequence[tuple[str, str]]) -> Form:
    """Play a file: one of the account's `media` ((name, URL) pairs) or any audio URL."""
    return Form(
        "Play audio",
        choices=[Choice("media", "Media file of the account", playable(media))],
        fields=[Field("url", "…or an audio URL (WAV or MP3)", (Url(),))],
        check=_one_source,
    )


def gather_form() -> Form:
    """Gather: how many digits, which digit ends it, how long to wait between digits."""
    return Form(
        "Gather digits",
        [
            Field("max_digits", "At most this many digits (1-30)", (IntRange(1, 30),), value="30"),
            Field(
                "terminating",
                "Terminating digit(s)",
                (Required(), Pattern(r"[0-9*#]{1,4}", "one to four of 0-9, * and #")),
                value="#",
            ),
            Field(
                "inter_digit", "Seconds to wait between digits (1-30, optional)", (IntRange(1, 30),)
            ),
        ],
    )

"""BXML verbs (bxml/verbs/*.md) as validated dataclasses.

Attributes are snake_case (wire camelCase) and None when absent, so a parsed document
round-trips exactly; defaults the docs name are applied by the server, not stored here.
Each verb validates itself on construction and again when serialised (`validate()`), raising
`BxmlError` naming the element: documented value limits, required attributes, and which
verbs may nest where. Voices and locales are not checked against the docs' table, because
the docs' own building-block example uses `voice="s"`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bwconsole.bxml.base import Verb, attribute
from bwconsole.bxml.writer import to_xml

__all__ = [
    "Gather",
    "Hangup",
    "Pause",
    "PhoneNumber",
    "PlayAudio",
    "Record",
    "Redirect",
    "Response",
    "SendDtmf",
    "SpeakSentence",
    "Transfer",
]

DTMF_CHARACTERS = frozenset("0123456789*#,wW")
DIGITS = frozenset("0123456789*#")
DIVERSION_REASONS = (
    *("unknown", "user-busy", "no-answer", "unavailable", "unconditional", "time-of-day"),
    *("do-not-disturb", "deflection", "follow-me", "out-of-service", "away"),
)


@dataclass
class SpeakSentence(Verb):
    """Speak a sentence (text to speech)."""

    TAG = "SpeakSentence"
    TEXT = "sentence"
    sentence: str = ""
    gender: str | None = attribute(choices=("female", "male"))
    locale: str | None = None
    voice: str | None = None
    volume: int | None = attribute(-4, 4)


@dataclass
class PlayAudio(Verb):
    """Play a .wav or .mp3 file."""

    TAG = "PlayAudio"
    TEXT = "url"
    url: str = ""
    volume: int | None = attribute(-4, 4)
    repeat_count: int | None = attribute(1, 30)
    delay_before_repeat: int | None = attribute(0, 60)
    """Seconds to wait for digits after each play; used only inside <Gather>."""


@dataclass
class Gather(Verb):
    """Collect digits; the result goes to requestUrl, whose reply may be more BXML."""

    TAG = "Gather"
    CHILDREN = (SpeakSentence, PlayAudio)
    request_url: str | None = attribute(absolute_url=True)
    request_url_timeout: int | None = attribute(1)
    terminating_digits: str | None = None
    max_digits: int | None = attribute(1, 128)
    inter_digit_timeout: int | None = attribute(1)
    bargeable: bool | None = None
    """Deprecated: always true."""
    tag: str | None = None
    children: list[SpeakSentence | PlayAudio] = field(default_factory=list)

    def check(self) -> None:
        """SpeakSentence children (any number) OR one PlayAudio; terminatingDigits not empty."""
        digits = self.terminating_digits
        if digits is not None and (not digits or not set(digits) <= DIGITS):
            self.fail(f"terminatingDigits must be digits from 0-9*#, not {digits!r}")
        kinds = {type(child) for child in self.children}
        if len(kinds) > 1:
            self.fail("may hold SpeakSentence or PlayAudio children, not both")
        if PlayAudio in kinds and len(self.children) > 1:
            self.fail("may hold at most one <PlayAudio>")


@dataclass
class Hangup(Verb):
    """End the call."""

    TAG = "Hangup"


@dataclass
class Pause(Verb):
    """Wait silently."""

    TAG = "Pause"
    length: int | None = attribute(0, 3600)
    """Seconds (default 1)."""


@dataclass
class Record(Verb):
    """Record the called party (or both parties inside <Transfer>)."""

    TAG = "Record"
    request_url: str | None = attribute(absolute_url=True)
    request_url_timeout: int | None = attribute(1)
    file_format: str | None = attribute(choices=("mp3", "wav"))
    transcribe: bool | None = None
    transcribe_callback_url: str | None = attribute(absolute_url=True)
    multi_channel: bool | None = None
    max_duration: int | None = attribute(1, 3600)
    silence_timeout: int | None = attribute(0, 60)
    silence_threshold: int | None = attribute(0)
    terminating_digits: str | None = attribute(choices=tuple(sorted(DIGITS)))

    def check(self) -> None:
        """Transcription needs a callback URL and the wav format."""
        if self.transcribe and not self.transcribe_callback_url:
            self.fail("transcribe=true requires transcribeCallbackUrl")
        if self.transcribe and self.file_format == "mp3":
            self.fail("transcribe=true works only with fileFormat wav")


@dataclass
class Redirect(Verb):
    """Fetch the next BXML document from requestUrl."""

    TAG = "Redirect"
    request_url: str | None = attribute(absolute_url=True)
    request_url_timeout: int | None = attribute(1)

    def check(self) -> None:
        """Both attributes are required."""
        if self.request_url is None or self.request_url_timeout is None:
            self.fail("requestUrl and requestUrlTimeout are required")


@dataclass
class SendDtmf(Verb):
    """Send DTMF digits (`,`/`w` pause 0.5 s, `W` pauses 1 s)."""

    TAG = "SendDtmf"
    TEXT = "digits"
    digits: str = ""

    def check(self) -> None:
        """At most 92 characters from 0-9 * # , w W."""
        if len(self.digits) > 92:
            self.fail(f"at most 92 characters, got {len(self.digits)}")
        if not set(self.digits) <= DTMF_CHARACTERS:
            bad = "".join(sorted(set(self.digits) - DTMF_CHARACTERS))
            self.fail(f"invalid DTMF characters {bad!r} (allowed: 0-9 * # , w W)")


@dataclass
class PhoneNumber(Verb):
    """A <Transfer> destination (a noun, not a verb)."""

    TAG = "PhoneNumber"
    TEXT = "number"
    number: str = ""


@dataclass
class Transfer(Verb):
    """Transfer the call to the first of up to 7 destinations to answer."""

    TAG = "Transfer"
    CHILDREN = (PhoneNumber, SpeakSentence, PlayAudio, Record)
    transfer_to: str | None = None
    transfer_caller_id: str | None = None
    call_timeout: int | None = attribute(1, 300)
    request_url: str | None = None
    """Relative or absolute."""
    request_url_timeout: int | None = attribute(1)
    tag: str | None = None
    diversion_treatment: str | None = attribute(choices=("none", "propagate", "stack"))
    diversion_reason: str | None = attribute(choices=DIVERSION_REASONS)
    children: list[PhoneNumber | SpeakSentence | PlayAudio | Record] = field(default_factory=list)

    def check(self) -> None:
        """One to seven destinations, counting transferTo."""
        count = sum(isinstance(c, PhoneNumber) for c in self.children) + bool(self.transfer_to)
        if count == 0:
            self.fail("needs a destination (transferTo or a <PhoneNumber> child)")
        if count > 7:
            self.fail(f"at most 7 destinations including transferTo, got {count}")


@dataclass(init=False)
class Response(Verb):
    """The root of every BXML document; its verbs run in order.

    Built as the official SDK builders build it, `Response(SpeakSentence("Hi"), Hangup())`,
    and `str(response)` is the document's XML (`to_xml`). `warnings` lists what `parse`
    normalised to read it (see `bwconsole.bxml.lenient`); it is not part of the document,
    so two documents that differ only there are equal.
    """

    TAG = "Response"
    CHILDREN = (
        Gather,
        Hangup,
        PlayAudio,
        Pause,
        Record,
        Redirect,
        SendDtmf,
        SpeakSentence,
        Transfer,
    )
    children: list[Verb] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list, compare=False, repr=False)

    def __init__(self, *verbs: Verb, warnings: list[str] | None = None) -> None:
        self.children = list(verbs)
        self.warnings = list(warnings or [])
        self.validate()

    def __str__(self) -> str:
        return to_xml(self)

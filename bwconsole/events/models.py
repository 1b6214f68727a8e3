"""Typed models of the v1 callback events (apiCallbacks/*.md and bxml/callBacks/*.md).

Attributes are snake_case; the wire names are their camelCase forms (`from_` is `from`).
Every field is optional because the docs' own examples omit documented fields.
Timestamps are `datetime` objects; wire strings are parsed by `bwconsole.events.parsing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar

from bwconsole.events.wire import format_time, parse_time, wire_name

__all__ = [
    "AnswerEvent",
    "ConferenceEvent",
    "ConferenceMemberEvent",
    "ConferencePlaybackEvent",
    "ConferenceSpeakEvent",
    "Diversion",
    "DtmfEvent",
    "Event",
    "GatherEvent",
    "HangupEvent",
    "IncomingCallEvent",
    "MmsEvent",
    "PlaybackEvent",
    "RecordingEvent",
    "RedirectEvent",
    "SmsEvent",
    "SpeakEvent",
    "TimeoutEvent",
    "TranscriptionEvent",
    "TransferCompleteEvent",
    "UnknownEvent",
]


@dataclass(kw_only=True)
class Diversion:
    """The SIP Diversion header of an inbound call (answer and incomingcall events)."""

    orig_to: str | None = None
    """The last E.164 number the call was diverted from ("Anonymous" with privacy=full)."""
    reason: str | None = None
    """unknown, user-busy, no-answer, unavailable, unconditional, time-of-day, ..."""
    screen: str | None = None
    """"no" if user provided, "yes" if network provided."""
    privacy: str | None = None
    """"off" or "full"."""
    counter: int | None = None
    """Number of diversions."""
    limit: int | None = None
    """Max number of diversions allowed (the sipDiversionHeader examples spell it `Limit`)."""
    extra: dict[str, str] = field(default_factory=dict)
    """Additional `diversion.{name}` pairs of the header, by wire name."""


@dataclass(kw_only=True)
class Event:
    """Base of every callback event.

    `raw` keeps the payload as received (JSON object or decoded query parameters), so fields
    this model does not know are never lost; it takes no part in equality.
    """

    event_type: str
    """The wire `eventType`."""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The original payload."""

    family: ClassVar[frozenset[str]] = frozenset()
    """The event families ("v1", "bxml") that send this eventType."""

    @property
    def call_id(self) -> str | None:
        """The call the event is about, if any."""
        return _raw_str(self.raw, "callId")

    @property
    def conference_id(self) -> str | None:
        """The conference the event is about, if any."""
        return _raw_str(self.raw, "conferenceId")

    @property
    def message_id(self) -> str | None:
        """The message the event is about, if any."""
        return _raw_str(self.raw, "messageId")

    @property
    def time(self) -> datetime | None:
        """When the event occurred, if the event says so."""
        try:
            return parse_time(self.raw["time"])
        except (KeyError, TypeError, ValueError):
            return None

    def to_wire(self) -> dict[str, Any]:
        """The JSON body Bandwidth would POST for this event (camelCase, None omitted).

        `parse(event.to_wire())` equals `event`, so a test or a script can build a callback by keyword.
        """
        return {wire_name(f.name): _wire_value(v) for f, v in _set_fields(self)}

    def to_query(self) -> dict[str, str]:
        """The query parameters of the GET form of this event (callbackHttpMethod=GET).

        Booleans are `true`/`false`, `media` is rendered `[url1, url2]` as get-mms.md shows, and
        the diversion becomes dotted `diversion.origTo` keys as the event tables name them.
        """
        query: dict[str, str] = {}
        for f, value in _set_fields(self):
            name = wire_name(f.name)
            if isinstance(value, Diversion):
                for key, item in _diversion_wire(value).items():
                    query[f"{name}.{key}"] = str(item)
            elif isinstance(value, list):
                query[name] = "[" + ", ".join(value) + "]"
            elif isinstance(value, bool):
                query[name] = "true" if value else "false"
            else:
                query[name] = str(_wire_value(value))
        return query


def _set_fields(event: Event) -> list[tuple[Any, Any]]:
    pairs = [(f, getattr(event, f.name)) for f in fields(event) if f.name != "raw"]
    return [(f, v) for f, v in pairs if v is not None]


def _wire_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, Diversion):
        return _diversion_wire(value)
    if isinstance(value, list):
        return list(value)
    return value


def _diversion_wire(diversion: Diversion) -> dict[str, Any]:
    wire = {
        wire_name(f.name): getattr(diversion, f.name)
        for f in fields(diversion)
        if f.name != "extra" and getattr(diversion, f.name) is not None
    }
    return wire | diversion.extra


def _raw_str(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return value if isinstance(value, str) else None


@dataclass(kw_only=True)
class UnknownEvent(Event):
    """An event whose eventType this module does not model; everything is in `raw`."""

    def to_wire(self) -> dict[str, Any]:
        """The raw payload, unchanged."""
        return dict(self.raw)

    def to_query(self) -> dict[str, str]:
        """The raw payload with its values as strings."""
        return {key: str(value) for key, value in self.raw.items()}


# --- v1 voice and BXML calls ---------------------------------------------------------------


@dataclass(kw_only=True)
class AnswerEvent(Event):
    """`answer`: the call was answered (v1 REST and BXML; BXML replies may carry BXML)."""

    event_type: str = "answer"
    family: ClassVar[frozenset[str]] = frozenset({"v1", "bxml"})
    call_id: str | None = None
    call_uri: str | None = None
    call_state: str | None = None
    from_: str | None = None
    to: str | None = None
    tag: str | None = None
    """Only if the call was created with a tag (never on an incoming call)."""
    time: datetime | None = None
    diversion: Diversion | None = None
    withhold_caller_number: bool | None = None
    withhold_caller_name: bool | None = None
    display_name: str | None = None


@dataclass(kw_only=True)
class IncomingCallEvent(Event):
    """`incomingcall`: a call arrived at a number of the application (callState active)."""

    event_type: str = "incomingcall"
    family: ClassVar[frozenset[str]] = frozenset({"v1", "bxml"})
    call_id: str | None = None
    call_uri: str | None = None
    call_state: str | None = None
    from_: str | None = None
    to: str | None = None
    application_id: str | None = None
    """v1 only; the BXML version has no applicationId."""
    time: datetime | None = None
    diversion: Diversion | None = None
    withhold_caller_number: bool | None = None
    withhold_caller_name: bool | None = None
    display_name: str | None = None


@dataclass(kw_only=True)
class HangupEvent(Event):
    """`hangup`: the call ended; a reject is a hangup with cause CALL_REJECTED."""

    event_type: str = "hangup"
    family: ClassVar[frozenset[str]] = frozenset({"v1", "bxml"})
    call_id: str | None = None
    call_uri: str | None = None
    call_state: str | None = None
    """In the BXML event and the reject example only."""
    from_: str | None = None
    to: str | None = None
    cause: str | None = None
    time: datetime | None = None


@dataclass(kw_only=True)
class TimeoutEvent(Event):
    """`timeout`: an outbound call was not answered within callTimeout."""

    event_type: str = "timeout"
    family: ClassVar[frozenset[str]] = frozenset({"v1", "bxml"})
    call_id: str | None = None
    call_uri: str | None = None
    from_: str | None = None
    to: str | None = None
    time: datetime | None = None


@dataclass(kw_only=True)
class GatherEvent(Event):
    """`gather`: a REST gather or a `<Gather>` completed."""

    event_type: str = "gather"
    family: ClassVar[frozenset[str]] = frozenset({"v1", "bxml"})
    state: str | None = None
    digits: str | None = None
    reason: str | None = None
    """max-digits, terminating-digit, inter-digit-timeout or hung-up."""
    terminating_digit: str | None = None
    """BXML only."""
    call_id: str | None = None
    call_uri: str | None = None
    """BXML only."""
    gather_id: str | None = None
    tag: str | None = None
    time: datetime | None = None


@dataclass(kw_only=True)
class PlaybackEvent(Event):
    """`playback`: call (or conference member) audio playback started or done."""

    event_type: str = "playback"
    family: ClassVar[frozenset[str]] = frozenset({"v1"})
    status: str | None = None
    call_id: str | None = None
    call_uri: str | None = None
    tag: str | None = None
    time: datetime | None = None


@dataclass(kw_only=True)
class SpeakEvent(Event):
    """`speak`: call text-to-speech started or done."""

    event_type: str = "speak"
    family: ClassVar[frozenset[str]] = frozenset({"v1"})
    status: str | None = None
    state: str | None = None
    """PLAYBACK_START or PLAYBACK_STOP (absent from the examples)."""
    call_id: str | None = None
    call_uri: str | None = None
    tag: str | None = None
    time: datetime | None = None


@dataclass(kw_only=True)
class DtmfEvent(Event):
    """`dtmf`: one digit pressed on the call."""

    event_type: str = "dtmf"
    family: ClassVar[frozenset[str]] = frozenset({"v1"})
    call_id: str | None = None
    call_uri: str | None = None
    dtmf_digit: str | None = None
    time: datetime | None = None


@dataclass(kw_only=True)
class RecordingEvent(Event):
    """`recording`: a recording was saved (complete) or failed (error)."""

    event_type: str = "recording"
    family: ClassVar[frozenset[str]] = frozenset({"v1", "bxml"})
    call_id: str | None = None
    recording_id: str | None = None
    recording_uri: str | None = None
    state: str | None = None
    status: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None


@dataclass(kw_only=True)
class TranscriptionEvent(Event):
    """`transcription`: a transcription completed or failed."""

    event_type: str = "transcription"
    family: ClassVar[frozenset[str]] = frozenset({"v1", "bxml"})
    transcription_id: str | None = None
    recording_id: str | None = None
    state: str | None = None
    status: str | None = None
    text_size: int | None = None
    text: str | None = None
    """The first 1026 characters."""
    text_url: str | None = None
    transcription_uri: str | None = None


@dataclass(kw_only=True)
class RedirectEvent(Event):
    """`redirect` (BXML): sent to a `<Redirect>` requestUrl; the reply is the next BXML."""

    event_type: str = "redirect"
    family: ClassVar[frozenset[str]] = frozenset({"bxml"})
    call_id: str | None = None
    call_state: str | None = None
    from_: str | None = None
    to: str | None = None


@dataclass(kw_only=True)
class TransferCompleteEvent(Event):
    """`transferComplete` (BXML): the answered B-leg of a `<Transfer>` ended."""

    event_type: str = "transferComplete"
    family: ClassVar[frozenset[str]] = frozenset({"bxml"})
    call_id: str | None = None
    call_uri: str | None = None
    call_state: str | None = None
    from_: str | None = None
    to: str | None = None
    tag: str | None = None
    time: datetime | None = None


# --- v1 conferences ------------------------------------------------------------------------


@dataclass(kw_only=True)
class ConferenceEvent(Event):
    """`conference`: a conference was created or completed."""

    event_type: str = "conference"
    family: ClassVar[frozenset[str]] = frozenset({"v1"})
    conference_id: str | None = None
    conference_uri: str | None = None
    status: str | None = None
    created_time: datetime | None = None
    completed_time: datetime | None = None

    @property
    def time(self) -> datetime | None:
        """The completion time, else the creation time."""
        return self.completed_time or self.created_time


@dataclass(kw_only=True)
class ConferencePlaybackEvent(Event):
    """`conference-playback`: conference-wide audio started or done."""

    event_type: str = "conference-playback"
    family: ClassVar[frozenset[str]] = frozenset({"v1"})
    conference_id: str | None = None
    conference_uri: str | None = None
    status: str | None = None
    time: datetime | None = None


@dataclass(kw_only=True)
class ConferenceSpeakEvent(ConferencePlaybackEvent):
    """`conference-speak`: conference-wide text-to-speech started or done."""

    event_type: str = "conference-speak"


@dataclass(kw_only=True)
class ConferenceMemberEvent(Event):
    """`conference-member`: a member joined, left, or was muted or held."""

    event_type: str = "conference-member"
    family: ClassVar[frozenset[str]] = frozenset({"v1"})
    active_members: int | None = None
    conference_id: str | None = None
    call_id: str | None = None
    member_id: str | None = None
    member_uri: str | None = None
    state: str | None = None
    hold: bool | None = None
    mute: bool | None = None
    time: datetime | None = None


# --- v1 messaging --------------------------------------------------------------------------


@dataclass(kw_only=True)
class SmsEvent(Event):
    """`sms`: an inbound message, an outbound status, or a delivery receipt."""

    event_type: str = "sms"
    family: ClassVar[frozenset[str]] = frozenset({"v1"})
    direction: str | None = None
    from_: str | None = None
    to: str | None = None
    message_id: str | None = None
    message_uri: str | None = None
    text: str | None = None
    application_id: str | None = None
    time: datetime | None = None
    state: str | None = None
    delivery_state: str | None = None
    delivery_code: int | None = None
    delivery_description: str | None = None
    segment_count: int | None = None
    tag: str | None = None


@dataclass(kw_only=True)
class MmsEvent(SmsEvent):
    """`mms`: as `sms`, plus the media URLs."""

    event_type: str = "mms"
    media: list[str] | None = None

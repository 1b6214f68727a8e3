"""Typed v1 callback events (REST voice, messaging and BXML callbacks): models and parser.

`parse(payload)` takes a JSON body or the query parameters of a GET callback and returns the
model of its eventType (see `EVENT_TYPES`), or `UnknownEvent` with the raw payload; models
build by keyword and turn back into wire form with `to_wire()` / `to_query()`.
"""

from bwconsole.events.models import (
    AnswerEvent,
    ConferenceEvent,
    ConferenceMemberEvent,
    ConferencePlaybackEvent,
    ConferenceSpeakEvent,
    Diversion,
    DtmfEvent,
    Event,
    GatherEvent,
    HangupEvent,
    IncomingCallEvent,
    MmsEvent,
    PlaybackEvent,
    RecordingEvent,
    RedirectEvent,
    SmsEvent,
    SpeakEvent,
    TimeoutEvent,
    TranscriptionEvent,
    TransferCompleteEvent,
    UnknownEvent,
)
from bwconsole.events.parsing import EVENT_TYPES, EventParseError, parse

__all__ = [
    "EVENT_TYPES",
    "AnswerEvent",
    "ConferenceEvent",
    "ConferenceMemberEvent",
    "ConferencePlaybackEvent",
    "ConferenceSpeakEvent",
    "Diversion",
    "DtmfEvent",
    "Event",
    "EventParseError",
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
    "parse",
]

"""Typed resources of the v1 API, one dataclass per documented object.

Every documented property is a field (snake_case, ``from_`` for ``from``); a
property the server sends that the docs do not list lands in ``extra``. Times
stay the strings the API sent, because the docs mix ISO-8601 and epoch-ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from bwconsole.api._wire import WireModel

__all__ = [
    "Account",
    "Application",
    "Audio",
    "AvailableNumber",
    "BatchResult",
    "Bridge",
    "Call",
    "CallEvent",
    "Conference",
    "ConferenceMember",
    "Domain",
    "Endpoint",
    "EndpointCredentials",
    "EndpointToken",
    "ErrorDetail",
    "ErrorInfo",
    "Gather",
    "GatherPrompt",
    "MediaFile",
    "Message",
    "NumberInfo",
    "OrderedNumber",
    "PhoneNumber",
    "Recording",
    "Transaction",
    "Transcription",
    "UserError",
    "WireModel",
    "last_segment",
]


def last_segment(location: str | None) -> str | None:
    """The id at the end of a resource URL (``.../calls/c-123`` -> ``c-123``)."""
    if not location:
        return None
    from urllib.parse import unquote, urlsplit

    path = urlsplit(location).path.rstrip("/")
    return unquote(path.rsplit("/", 1)[-1]) or None


@dataclass
class Account(WireModel):
    """Balance and billing model of the account (getAccount.md)."""

    balance: str | None = None
    account_type: str | None = None


@dataclass
class Transaction(WireModel):
    """One charge, payment or credit (getAccountTransactions.md)."""

    id: str | None = None
    time: str | None = None
    amount: str | None = None
    type: str | None = None
    units: int | None = None
    product_type: str | None = None
    number: str | None = None


@dataclass
class Application(WireModel):
    """Callback configuration that numbers and endpoints point at (getApplicationsApplicationId.md)."""

    id: str | None = None
    name: str | None = None
    incoming_call_url: str | None = None
    incoming_call_url_callback_timeout: int | None = None
    incoming_call_fallback_url: str | None = None
    incoming_message_url: str | None = None
    incoming_message_url_callback_timeout: int | None = None
    incoming_message_fallback_url: str | None = None
    callback_http_method: str | None = None
    auto_answer: bool | None = None


@dataclass
class AvailableNumber(WireModel):
    """A number offered by a local or toll-free search."""

    number: str | None = None
    national_number: str | None = None
    pattern_match: str | None = None
    city: str | None = None
    lata: str | None = None
    rate_center: str | None = None
    state: str | None = None
    price: str | None = None


@dataclass
class OrderedNumber(WireModel):
    """A number bought by search-and-order; ``location`` is its new phoneNumbers URL."""

    number: str | None = None
    national_number: str | None = None
    price: str | None = None
    location: str | None = None

    @property
    def id(self) -> str | None:
        """The ``n-...`` id of the new phone number, taken from ``location``."""
        return last_segment(self.location)


@dataclass
class Bridge(WireModel):
    """Two calls whose audio is joined (getBridgesBridgeId.md)."""

    id: str | None = None
    state: str | None = None
    call_ids: list[str] | None = None
    calls: str | None = None
    bridge_audio: bool | None = None
    completed_time: str | None = None
    created_time: str | None = None
    activated_time: str | None = None


@dataclass
class Call(WireModel):
    """An inbound or outbound call (getCallsCallId.md, getCalls.md)."""

    id: str | None = None
    direction: str | None = None
    from_: str | None = None
    to: str | None = None
    state: str | None = None
    start_time: str | None = None
    active_time: str | None = None
    end_time: str | None = None
    call_timeout: int | None = None
    callback_url: str | None = None
    callback_http_method: str | None = None
    callback_timeout: int | None = None
    fallback_url: str | None = None
    chargeable_duration: int | None = None
    bridge_id: str | None = None
    conference_id: str | None = None
    events: str | None = None
    recordings: str | None = None
    transcriptions: str | None = None
    recording_enabled: bool | None = None
    recording_file_format: str | None = None
    transcription_enabled: bool | None = None
    sip_headers: dict[str, str] | None = None


@dataclass
class CallEvent(WireModel):
    """One entry of a call's event history (getCallsCallIdEvents.md)."""

    id: str | None = None
    time: str | None = None
    name: str | None = None
    data: Any = None


@dataclass
class Audio(WireModel):
    """Audio to play: a file or a spoken sentence (whisperAudio, audio bodies)."""

    file_url: str | None = None
    sentence: str | None = None
    gender: str | None = None
    locale: str | None = None
    voice: str | None = None
    loop_enabled: bool | None = None
    tag: str | None = None
    volume: int | None = None


@dataclass
class GatherPrompt(WireModel):
    """What a gather plays while it waits for digits (postCallsCallIdGather.md ``prompt.*``)."""

    sentence: str | None = None
    gender: str | None = None
    locale: str | None = None
    voice: str | None = None
    loop_enabled: bool | None = None
    bargeable: bool | None = None
    file_url: str | None = None


@dataclass
class Gather(WireModel):
    """A DTMF gather on a call (getCallsCallIdGatherGatherId.md)."""

    id: str | None = None
    state: str | None = None
    reason: str | None = None
    digits: str | None = None
    call: str | None = None
    tag: str | None = None
    created_time: str | None = None
    completed_time: str | None = None


@dataclass
class Conference(WireModel):
    """A conference room (getConferencesConferenceId.md)."""

    id: str | None = None
    state: str | None = None
    from_: str | None = None
    created_time: str | None = None
    completed_time: str | None = None
    active_members: int | None = None
    hold: bool | None = None
    mute: bool | None = None
    profile: str | None = None
    callback_url: str | None = None
    callback_http_method: str | None = None
    callback_timeout: int | None = None
    fallback_url: str | None = None
    tag: str | None = None


@dataclass
class ConferenceMember(WireModel):
    """A call's membership in a conference (getConferencesConferenceIdMembersMemberId.md)."""

    id: str | None = None
    state: str | None = None
    mute: bool | None = None
    hold: bool | None = None
    join_tone: bool | None = None
    leaving_tone: bool | None = None
    added_time: str | None = None
    removed_time: str | None = None
    call: str | None = None


@dataclass
class Domain(WireModel):
    """A SIP domain holding endpoints (getDomains.md)."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    endpoints: str | None = None


@dataclass
class EndpointCredentials(WireModel):
    """SIP credentials of an endpoint; the password is only ever sent, never echoed."""

    realm: str | None = None
    username: str | None = None
    password: str | None = None


@dataclass
class Endpoint(WireModel):
    """A SIP endpoint in a domain (getEndpointsEndpointId.md)."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    domain_id: str | None = None
    application_id: str | None = None
    enabled: bool | None = None
    sip_uri: str | None = None
    credentials: EndpointCredentials | None = None


@dataclass
class EndpointToken(WireModel):
    """A short-lived SIP auth token for an endpoint (not in the v1 docs; from the v1 SDKs)."""

    token: str | None = None
    expires: int | None = None


@dataclass
class ErrorDetail(WireModel):
    """One ``{name, value}`` detail of an error."""

    id: str | None = None
    name: str | None = None
    value: str | None = None


@dataclass
class UserError(WireModel):
    """An error the platform recorded for the account (getErrorsErrorId.md)."""

    id: str | None = None
    time: str | None = None
    category: str | None = None
    code: str | None = None
    message: str | None = None
    details: list[ErrorDetail] | None = None


@dataclass
class ErrorInfo(WireModel):
    """The error object inside a failed batch-message result."""

    category: str | None = None
    code: str | None = None
    message: str | None = None
    details: list[ErrorDetail] | None = None


@dataclass
class MediaFile(WireModel):
    """An uploaded media file as listed by GET /media."""

    media_name: str | None = None
    content_length: int | None = None
    content: str | None = None


@dataclass
class Message(WireModel):
    """An SMS or MMS (getMessagesMessageId.md)."""

    WIRE_NAMES: ClassVar[dict[str, str]] = {
        "skip_mms_carrier_validation": "skipMMSCarrierValidation"
    }

    id: str | None = None
    message_id: str | None = None
    from_: str | None = None
    to: str | None = None
    direction: str | None = None
    text: str | None = None
    media: list[str] | str | None = None
    state: str | None = None
    time: str | None = None
    callback_url: str | None = None
    callback_http_method: str | None = None
    callback_timeout: int | None = None
    fallback_url: str | None = None
    tag: str | None = None
    receipt_requested: str | None = None
    delivery_state: str | None = None
    delivery_code: int | None = None
    delivery_description: str | None = None
    segment_count: int | None = None
    skip_mms_carrier_validation: bool | None = None


@dataclass
class BatchResult(WireModel):
    """One element's outcome in a batch send: accepted with a location, or an error."""

    result: str | None = None
    location: str | None = None
    error: ErrorInfo | None = None

    @property
    def id(self) -> str | None:
        """The new message id when accepted."""
        return last_segment(self.location)

    @property
    def accepted(self) -> bool:
        """Whether the API queued this message."""
        return self.result == "accepted"


@dataclass
class NumberInfo(WireModel):
    """CNAM lookup result (getNumberInfo.md)."""

    name: str | None = None
    number: str | None = None
    created: str | None = None
    updated: str | None = None


@dataclass
class PhoneNumber(WireModel):
    """A number owned by the account (getPhoneNumbersNumberId.md)."""

    id: str | None = None
    name: str | None = None
    number: str | None = None
    national_number: str | None = None
    city: str | None = None
    state: str | None = None
    application_id: str | None = None
    application: str | None = None
    fallback_number: str | None = None
    price: str | None = None
    created_time: str | None = None
    number_state: str | None = None


@dataclass
class Recording(WireModel):
    """A call recording (getRecordingsRecordingId.md)."""

    id: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    call: str | None = None
    media: str | None = None
    state: str | None = None


@dataclass
class Transcription(WireModel):
    """A transcription of a recording (getTranscriptionsTranscriptionId.md)."""

    id: str | None = None
    state: str | None = None
    text: str | None = None
    time: str | None = None
    chargeable_duration: int | None = None
    text_size: int | None = None
    text_url: str | None = None

"""Async client for the Bandwidth (Catapult) v1 REST API.

``Client`` groups operations per resource family (``client.calls.create``,
``client.media.upload`` ...); every failure is an ``ApiError``; ``Exchange`` is
one entry of the API log passed to ``on_exchange``.
"""

from bwconsole.api._base import Exchange
from bwconsole.api._listing import Listing
from bwconsole.api.client import DEFAULT_BASE_URL, Client
from bwconsole.api.errors import ApiConnectionError, ApiError
from bwconsole.api.models import (
    Account,
    Application,
    Audio,
    AvailableNumber,
    BatchResult,
    Bridge,
    Call,
    CallEvent,
    Conference,
    ConferenceMember,
    Domain,
    Endpoint,
    EndpointCredentials,
    EndpointToken,
    ErrorDetail,
    ErrorInfo,
    Gather,
    GatherPrompt,
    MediaFile,
    Message,
    NumberInfo,
    OrderedNumber,
    PhoneNumber,
    Recording,
    Transaction,
    Transcription,
    UserError,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "Account",
    "ApiConnectionError",
    "ApiError",
    "Application",
    "Audio",
    "AvailableNumber",
    "BatchResult",
    "Bridge",
    "Call",
    "CallEvent",
    "Client",
    "Conference",
    "ConferenceMember",
    "Domain",
    "Endpoint",
    "EndpointCredentials",
    "EndpointToken",
    "ErrorDetail",
    "ErrorInfo",
    "Exchange",
    "Gather",
    "GatherPrompt",
    "Listing",
    "MediaFile",
    "Message",
    "NumberInfo",
    "OrderedNumber",
    "PhoneNumber",
    "Recording",
    "Transaction",
    "Transcription",
    "UserError",
]

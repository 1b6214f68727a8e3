"""Turn a callback payload, JSON body or GET query string alike, into an event model.

Family choice: the v1 REST events and the BXML callbacks share seven eventType names
(answer, hangup, gather, incomingcall, recording, transcription, timeout). In every case one
family's fields are a subset of the other's plus a few extras (BXML gather adds callUri and
terminatingDigit, v1 incomingcall adds applicationId ...), so each name maps to ONE model holding
the union; a field the sender's family does not send simply stays None. `family=` therefore does
not change the model: it only restricts which eventTypes are expected, so a `redirect` parsed
with family="v1" (or an `sms` with family="bxml") becomes an `UnknownEvent` rather than a
model the docs never promise for that family.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import datetime
from types import NoneType, UnionType
from typing import Any
from urllib.parse import unquote_plus

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
from bwconsole.events.wire import parse_time, wire_name

__all__ = ["EVENT_TYPES", "EventParseError", "parse"]

_MODELS: tuple[type[Event], ...] = (
    AnswerEvent,
    ConferenceEvent,
    ConferenceMemberEvent,
    ConferencePlaybackEvent,
    ConferenceSpeakEvent,
    DtmfEvent,
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
)

EVENT_TYPES: Mapping[str, type[Event]] = {
    str(cls.__dataclass_fields__["event_type"].default): cls for cls in _MODELS
}
"""Every modelled wire eventType and its class."""

# A literal '+' in an unencoded query decodes as a space (the BXML timeout example writes
# `to=+1919...`); a phone number never starts with a space, so it is restored.
_PHONE_FIELDS = frozenset({"from_", "to", "display_name", "orig_to"})
_SPACED_NUMBER = re.compile(r" \d+")
_INTEGER = re.compile(r"[+-]?\d+")


class EventParseError(ValueError):
    """The payload is not a callback event (not an object, no eventType, bad JSON or value)."""


def parse(payload: Mapping[str, Any] | str | bytes, *, family: str | None = None) -> Event:
    """Parse one callback in any form the v1 API sends it: a JSON body or a GET query string.

    Args:
        payload: a JSON body (str/bytes), a decoded JSON object, the query parameters of a GET
            callback as a mapping of strings, or a raw query string (`eventType=answer&...`,
            optionally with the path and `?` before it, `&` or newlines between pairs).
        family: "v1" or "bxml" to accept only that family's eventTypes (see module docstring).

    Returns:
        The typed model, or `UnknownEvent` for an eventType not modelled; `raw` always holds
        the payload as received, including fields no model knows.

    Raises:
        EventParseError: the payload is not an event, or a field has an impossible value.
    """
    if family not in (None, "v1", "bxml"):
        raise ValueError(f"family must be 'v1', 'bxml' or None, not {family!r}")
    data = _payload_dict(payload)
    event_type = _single(data.get("eventType"))
    if not isinstance(event_type, str) or not event_type:
        raise EventParseError(f"not an event: no eventType in {_preview(data)}")
    cls = EVENT_TYPES.get(event_type)
    if cls is None or (family is not None and family not in cls.family):
        return UnknownEvent(event_type=event_type, raw=data)
    return _build(cls, data)


def _payload_dict(payload: Mapping[str, Any] | str | bytes) -> dict[str, Any]:
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EventParseError(f"not an event: payload is not UTF-8 ({exc})") from None
    multi_items = getattr(payload, "multi_items", None)
    if callable(multi_items):  # Starlette's QueryParams: keep repeated keys such as media
        return _collect(multi_items())
    if isinstance(payload, Mapping):
        return dict(payload)
    if not isinstance(payload, str):
        raise EventParseError(f"not an event: cannot parse a {type(payload).__name__}")
    text = payload.strip()
    if not text:
        raise EventParseError("not an event: empty payload")
    if text[0] not in '{["' and "=" in text:
        return _parse_query(text)
    try:
        decoded = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventParseError(f"not an event: invalid JSON ({exc})") from None
    if not isinstance(decoded, dict):
        raise EventParseError(f"not an event: JSON {type(decoded).__name__}, not an object")
    return decoded


def _parse_query(text: str) -> dict[str, Any]:
    question = text.find("?")
    if 0 <= question < text.find("="):
        text = text[question + 1 :]
    pairs = []
    for piece in re.split(r"[&\r\n]", text):
        key, _, value = piece.strip().partition("=")
        if key.strip():
            pairs.append((unquote_plus(key.strip()), unquote_plus(value.strip())))
    return _collect(pairs)


def _collect(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        previous = data.get(key)
        if key not in data:
            data[key] = value
        else:  # repeated key (e.g. media=a&media=b): keep every value
            data[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return data


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _build(cls: type[Event], data: dict[str, Any]) -> Event:
    event_type = _single(data["eventType"])
    values = dict(data)
    dotted = {k.partition(".")[2]: v for k, v in data.items() if k.startswith("diversion.")}
    if dotted:
        base = _diversion_dict(values.get("diversion"), event_type) if "diversion" in values else {}
        values["diversion"] = base | dotted
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        wire = wire_name(f.name)
        if f.name in ("raw", "event_type") or values.get(wire) is None:
            continue
        value = _coerce(hints[f.name], values[wire], f.name, f"{event_type} {wire}")
        if value is not None:
            kwargs[f.name] = value
    return cls(event_type=event_type, raw=data, **kwargs)


def _coerce(hint: Any, value: Any, name: str, where: str) -> Any:
    """The value as the field's type; None for an empty GET value of a non-string field."""
    kind = _unwrap(hint)
    if kind is not list:
        value = _single(value)
        if value == "" and kind is not str:
            return None
    if kind is str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise EventParseError(f"{where}: expected a string, got {value!r}")
        if name in _PHONE_FIELDS and _SPACED_NUMBER.fullmatch(value):
            return "+" + value[1:]
        return value
    if kind is int:
        return _to_int(value, where)
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise EventParseError(f"{where}: expected true or false, got {value!r}")
    if kind is datetime:
        try:
            return parse_time(value)
        except (TypeError, ValueError):
            raise EventParseError(f"{where}: not a timestamp: {value!r}") from None
    if kind is Diversion:
        return _diversion(_diversion_dict(value, where), where)
    return _media(value, where)


def _single(value: Any) -> Any:
    """Unwrap the one-item lists of `parse_qs`-style mappings."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _unwrap(hint: Any) -> Any:
    if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union:
        hint = next(arg for arg in typing.get_args(hint) if arg is not NoneType)
    return typing.get_origin(hint) or hint


def _to_int(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    raise EventParseError(f"{where}: expected an integer, got {value!r}")


def _diversion_dict(value: Any, where: str) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str):
        # The BXML answer/incomingcall examples send the header as a JSON string whose
        # closing brace is missing; accept that too.
        for candidate in (value, value + "}"):
            try:
                decoded = json.loads(candidate)
            except json.JSONDecodeError:
                continue
            if isinstance(decoded, dict):
                return decoded
    raise EventParseError(f"{where}: diversion is not an object: {value!r}")


def _diversion(data: dict[str, Any], where: str) -> Diversion:
    known = {wire_name(f.name).lower(): f.name for f in fields(Diversion) if f.name != "extra"}
    hints = _hints(Diversion)
    kwargs: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for key, value in data.items():
        name = known.get(key.lower())
        if name is None:
            extra[key] = str(value)
        elif value is not None:
            kwargs[name] = _coerce(hints[name], value, name, f"{where}.{key}")
    return Diversion(**kwargs, extra=extra)


def _media(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:  # get-mms.md renders `[url1, url2]`, unquoted
                value = text.strip("[]").split(",")
        else:
            value = [text]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise EventParseError(f"{where}: expected a list of URLs, got {value!r}")
    return [item.strip() for item in value if item.strip()]


def _preview(data: dict[str, Any]) -> str:
    text = json.dumps(data, default=str)
    return text if len(text) <= 120 else text[:117] + "..."

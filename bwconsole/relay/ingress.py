"""Reading a callback request into an `Incoming`, or rejecting it with a clear 4xx.

The raw body and query string are kept byte for byte (decoded as UTF-8, the
only encoding JSON allows): consoles that verify or re-parse a body must see
exactly what the v1 API sent.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
import math
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from bwconsole.relay.model import Incoming

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_DEPTH",
    "MAX_FRAME_BYTES",
    "Rejected",
    "check_basic_auth",
    "read_incoming",
    "valid_channel",
]

MAX_BODY_BYTES = 1024 * 1024
"""Largest accepted callback body; v1 events are a few hundred bytes, BXML requests the same."""

MAX_FRAME_BYTES = 4 * 1024 * 1024
"""Largest frame one callback may become: escaping can grow a body sixfold, twice (raw and parsed)."""

MAX_DEPTH = 64
"""Deepest JSON nesting accepted; v1 events nest two levels."""

BODY_TIMEOUT = 10.0
"""Seconds a sender may take to deliver a body, so a stalled upload cannot hold a handler."""

#: headers never stored nor forwarded: they carry the ingress credentials
_PRIVATE_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})

_CHANNEL = re.compile(r"[A-Za-z0-9._~-]{1,128}")


class Rejected(Exception):
    """A request refused before anything was stored."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def valid_channel(channel: str) -> bool:
    """Channel names are URL-safe words: letters, digits, `.`, `_`, `~`, `-` (at most 128)."""
    return _CHANNEL.fullmatch(channel) is not None


def check_basic_auth(request: Request, expected: tuple[str, str] | None) -> None:
    """Enforce ingress basic auth (constant-time); no-op when `expected` is None.

    Raises:
        Rejected: 401 with a `WWW-Authenticate` challenge.
    """
    if expected is None:
        return
    user, password = "", ""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            pass
    user_ok = hmac.compare_digest(user.encode(), expected[0].encode())
    password_ok = hmac.compare_digest(password.encode(), expected[1].encode())
    if not (user_ok and password_ok):
        raise Rejected(
            401,
            "missing or wrong credentials",
            {"WWW-Authenticate": 'Basic realm="bwconsole relay"'},
        )


def _headers(request: Request) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in request.scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        if name in _PRIVATE_HEADERS:
            continue
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Rejected(413, f"body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise Rejected(413, f"body larger than {limit} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise Rejected(408, f"body not received within {BODY_TIMEOUT:g} s") from None
    return b"".join(chunks)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (strict JSON has no NaN or Infinity)")


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"number {text[:20]} is out of range")
    return number


_decoder = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


def _too_deep(value: Any) -> bool:
    """Whether `value` nests deeper than `MAX_DEPTH` (walked without recursion)."""
    level: list[Any] = [value]
    for _ in range(MAX_DEPTH):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return any(isinstance(item, dict | list) for item in level)


def _parse_json(text: str) -> Any:
    try:
        payload = _decoder.decode(text)
    except RecursionError:
        raise Rejected(400, f"body is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise Rejected(400, f"body is not valid JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise Rejected(400, "body must be a JSON object")
    # only a body with many brackets can be deep: the count is cheap, the walk is not
    if text.count("{") + text.count("[") > MAX_DEPTH and _too_deep(payload):
        raise Rejected(400, f"body is nested deeper than {MAX_DEPTH} levels")
    return payload


def _parse_body(content_type: str, raw: bytes) -> tuple[str, Any, str | None]:
    """(body text, parsed payload, body text usable as the frame's `event` as is)."""
    media_type = content_type.partition(";")[0].strip().lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(400, "body is not valid UTF-8") from exc
    if media_type == "application/json" or media_type.endswith("+json"):
        payload = _parse_json(text)
        # a frame never holds a raw line break (batched frames are split on them)
        one_line = "\n" not in text and "\r" not in text
        return text, payload, text if one_line else None
    if media_type == "application/x-www-form-urlencoded":
        return text, dict(parse_qsl(text, keep_blank_values=True)), None
    raise Rejected(
        415, "content type must be application/json or application/x-www-form-urlencoded"
    )


def _checked(incoming: Incoming) -> Incoming:
    if len(incoming.fields) > MAX_FRAME_BYTES:
        raise Rejected(
            413,
            f"this callback would be a {len(incoming.fields)}-byte frame, "
            f"over the relay's {MAX_FRAME_BYTES} (escaped control characters count six times)",
        )
    return incoming


async def read_incoming(
    request: Request, channel: str, *, limit: int = MAX_BODY_BYTES, bxml: bool = False
) -> Incoming:
    """Turn a `GET` (query parameters) or `POST` (JSON or form body) callback into an `Incoming`.

    `bxml` marks a request received on `/bxml/{channel}` (its frames say `"bxml": true`).

    Raises:
        Rejected: 404 bad channel name, 413 too large (body or frame), 415 unknown content
            type, 400 invalid body (not UTF-8, not strict JSON, not an object, too deep).
    """
    if not valid_channel(channel):
        raise Rejected(
            404, "channel names use letters, digits, '.', '_', '~' and '-' (at most 128)"
        )
    query = request.scope["query_string"].decode("latin-1")
    headers = _headers(request)
    if request.method == "GET":
        params = dict(parse_qsl(query, keep_blank_values=True))
        return _checked(Incoming(channel, "GET", query, headers, "", params, bxml=bxml))
    raw = await _read_body(request, limit)
    body, payload, raw_event = _parse_body(headers.get("content-type", ""), raw)
    return _checked(
        Incoming(
            channel, request.method, query, headers, body, payload, bxml=bxml, raw_event=raw_event
        )
    )

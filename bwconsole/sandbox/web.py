"""Request and response helpers shared by every sandbox route.

They hold the wire rules programs written for the real API rely on
(SEMANTICS.md, the v1 docs' conventions): JSON `null` means "not given", booleans and numbers
may arrive as strings, creates answer 201 with an absolute `Location`, lists
page with `page`/`size` and an absolute `Link: <...>; rel="next"` that repeats
every filter, and success is never 204.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bwconsole.sandbox.faults import ApiFault, validation

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SIP_URI = re.compile(r"^sip:[^@\s]+@[^@\s]+$")

MAX_PAGE_SIZE = 1000
#: Deepest nesting of objects/arrays a request body may have (v1 bodies nest 2 levels).
MAX_JSON_DEPTH = 32
TOO_DEEP = f"The request body nests objects or arrays deeper than {MAX_JSON_DEPTH} levels"
DEFAULT_PAGE_SIZE = 25


class Body:
    """A JSON object body with typed, tolerant accessors.

    Unknown fields are ignored and `null` counts as absent, as on the real API.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = {key: value for key, value in data.items() if value is not None}

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise validation(f"Property '{key}' is required")
            return default
        if isinstance(value, (dict, list)):
            raise validation(f"Property '{key}' must be a string")
        return value if isinstance(value, str) else json.dumps(value)

    def required(self, key: str) -> str:
        """A required string property."""
        value = self.text(key, required=True)
        assert value is not None
        return value

    def flag(self, key: str, default: bool | None = None) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise validation(f"Property '{key}' must be true or false")

    def number(
        self,
        key: str,
        default: int | None = None,
        *,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        value = self.data.get(key)
        if value is None:
            return default
        try:
            number = int(value) if not isinstance(value, bool) else None
        except (TypeError, ValueError, OverflowError):
            number = None
        if number is None:
            raise validation(f"Property '{key}' must be an integer")
        if (low is not None and number < low) or (high is not None and number > high):
            raise validation(f"Property '{key}' must be between {low} and {high}")
        return number

    def object(self, key: str) -> Body | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise validation(f"Property '{key}' must be an object")
        return Body(value)


def _no_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a JSON number")


def _finite(token: str) -> float:
    number = float(token)
    if math.isinf(number):
        raise ValueError(f"the number {token[:40]} is out of range")
    return number


def _problem(data: Any) -> str | None:
    """Why parsed JSON cannot be used: containers nested deeper than `MAX_JSON_DEPTH`,
    or a string with a lone surrogate (`"\\ud800"`) no response could echo back.
    Walked without recursion."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return "The request body has a string with an unpaired surrogate escape"
        elif isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                return TOO_DEEP
            items = [*value, *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return None


def parse_json(raw: bytes) -> Any:
    """Strict JSON: no `NaN`/`Infinity`, no number that overflows to infinity, nesting
    at most `MAX_JSON_DEPTH`, no lone surrogates; anything else is the documented 400,
    never a crash."""
    try:
        data = json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        problem: str | None = TOO_DEEP
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiFault(400, "invalid-json", f"The request body is not valid JSON: {exc}") from exc
    else:
        problem = _problem(data)
    if problem:
        raise ApiFault(400, "invalid-json", problem)
    return data


async def read_json(request: Request, *, allow_empty: bool = True) -> Any:
    """The parsed JSON body; an empty body is `{}` when allowed."""
    raw = await request.body()
    if not raw.strip():
        if allow_empty:
            return {}
        raise validation("A JSON body is required")
    return parse_json(raw)


async def read_body(request: Request) -> Body:
    """A JSON object body."""
    data = await read_json(request)
    if not isinstance(data, dict):
        raise validation("The request body must be a JSON object")
    return Body(data)


def require_e164(value: str | None, field: str) -> str:
    if value is None:
        raise validation(f"Property '{field}' is required")
    if not E164.match(value):
        raise validation(
            f"Property '{field}' must be an E.164 number such as +19195551212, not {value!r}"
        )
    return value


def number_param(value: str) -> str:
    """A number from a path or query: `+`, `%2B` and a `+` decoded to a space all mean `+`."""
    value = value.strip()
    return "+" + value if value[:1].isdigit() else value


def check_url(value: str, field: str, *, code: str = "validation-error") -> str:
    """An absolute http(s) URL (credentials in the userinfo allowed), else 400."""
    try:
        parts = urlsplit(value)
        valid = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        valid = valid and (parts.port is None or parts.port > 0)
    except ValueError:  # a bad IPv6 literal or port
        valid = False
    if not valid:
        raise ApiFault(400, code, f"Invalid `{field}` URL. `{value}` is not a valid URL")
    return value


def callback_method(body: Body, key: str = "callbackHttpMethod") -> str | None:
    """`GET` or `POST` (any case), as given; None when absent."""
    value = body.text(key)
    if value is None:
        return None
    if value.upper() not in ("GET", "POST"):
        raise validation(
            f"The resource property `{key}` must be one of the following values: GET, POST"
        )
    return value.upper()


def callback_timeout(body: Body, key: str) -> int | None:
    """A callback timeout in ms: 1..10000 (SEMANTICS.md §9); None when absent."""
    value = body.number(key)
    if value is not None and value <= 0:
        raise validation(f"The resource property `{key}` must be greater than 0")
    if value is not None and value > 10000:
        raise validation(f"The resource property `{key}` exceeds the limit of 10000")
    return value


def absolute(request: Request, path: str) -> str:
    """The full URL of an API path on this server (`path` starts with `/v1/`)."""
    return str(request.base_url).rstrip("/") + path


def ok(body: Any = None, *, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON success; an empty body is an empty 200, never a 204.

    An empty body carries no `Content-Type`: bandwidth-sdk 3.1.0 decodes every
    `application/json` answer, so an empty one claiming JSON breaks every create
    (docs/decisions/005-sdk-compatibility.md).
    """
    if body is None:
        return Response(b"", status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


def created(request: Request, path: str, body: Any = None) -> Response:
    """201 with the absolute `Location` of the new resource."""
    return ok(body, status=201, headers={"Location": absolute(request, path)})


def page_params(request: Request) -> tuple[int, int]:
    """`page` (from 0) and `size` (default 25, max 1000), validated."""
    params = Body(dict(request.query_params))
    page = params.number("page", 0, low=0, high=10**9)
    size = params.number("size", DEFAULT_PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
    assert page is not None and size is not None
    return page, size


def paged(request: Request, items: Sequence[Any]) -> Response:
    """One page of `items` with a `Link: rel="next"` while more pages exist."""
    page, size = page_params(request)
    start = page * size
    chunk = list(items[start : start + size])
    headers = {}
    if start + size < len(items):
        query = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "size")]
        query += [("page", str(page + 1)), ("size", str(size))]
        url = str(request.url.replace(query=urlencode(query)))
        headers["Link"] = f'<{url}>; rel="next"'
    return ok(chunk, headers=headers)

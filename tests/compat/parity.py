"""Compare one documented example with what the sandbox produced: field names,
JSON types and id formats, recursively; extra fields only where the docs name them."""

from __future__ import annotations

import re
from typing import Any

#: A value in the docs that names a placeholder, not a value: `{callId}`, `{{userId}}`.
_PLACEHOLDER = re.compile(r"^\{+[^{}]+\}+$")
#: Fields whose keys are the caller's own (`sipHeaders: {"X-...": ...}`): only the type counts.
MAPS = {"sipHeaders"}
#: A real id in an example: prefix, dash, then the opaque part.
_ID = re.compile(r"^([a-z]{1,5})-[a-z0-9]{3,}$")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def differences(
    example: Any, actual: Any, allowed: set[str], *, names_only: bool = False, at: str = ""
) -> list[str]:
    """What differs, as `path: problem` lines (empty when the shapes agree).

    Args:
        example: the documented value.
        actual: the sandbox's value.
        allowed: field names (dotted for nested ones) the docs show for this operation
            anywhere: an extra field in `actual` must be one of them.
        names_only: compare names only (callbacks sent as query strings are all text).
    """
    if isinstance(example, list):
        if not isinstance(actual, list):
            return [f"{at or '.'}: array in the docs, {json_type(actual)} here"]
        if not example:
            return []
        if not actual:
            return [f"{at or '.'}: an empty array here, so nothing to compare"]
        found = []
        for item in example:
            best = min(
                (differences(item, got, allowed, names_only=names_only, at=at) for got in actual),
                key=len,
            )
            found += best
        return sorted(set(found))
    if isinstance(example, dict):
        if not isinstance(actual, dict):
            return [f"{at or '.'}: object in the docs, {json_type(actual)} here"]
        found = []
        for key, value in example.items():
            if _PLACEHOLDER.match(key):
                continue  # `"{name}": "{value}"`: any further field
            where = f"{at}.{key}" if at else key
            if key not in actual:
                found.append(f"{where}: missing")
                continue
            if key in MAPS:
                if not isinstance(actual[key], dict):
                    found.append(f"{where}: object in the docs, {json_type(actual[key])} here")
                continue
            found += differences(value, actual[key], allowed, names_only=names_only, at=where)
        for key in actual:
            where = f"{at}.{key}" if at else key
            if key not in example and where not in allowed and key not in allowed:
                found.append(f"{where}: not in the docs")
        return found
    if names_only:
        return []
    kind, got = json_type(example), json_type(actual)
    if kind != got and example is not None:
        return [f"{at}: {kind} in the docs ({example!r}), {got} here ({actual!r})"]
    if isinstance(example, str) and isinstance(actual, str) and not _PLACEHOLDER.match(example):
        return _format_differences(example, actual, at)
    return []


_E164 = re.compile(r"^\+\d{8,15}$")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)?$")
_API_PATH = re.compile(r"/v1/(.+)$")


def _api_path(example: str) -> re.Pattern[str] | None:
    """The path shape of an API URL in the docs: placeholders and `...` match any segment(s)."""
    found = _API_PATH.search(example)
    if found is None and "/.../" in example:
        tail = example.split("/.../", 1)[1]
        return re.compile(".*/" + _segments(tail) + "$")
    if found is None:
        return None
    return re.compile("/v1/" + _segments(found.group(1)) + "$")


def _segments(path: str) -> str:
    """A regex for a documented path: `{placeholders}`, `<placeholders>` and `...` match any text, an id
    (`c-bonay3r4mtwbplurq4nkt7q-1.wav`) any id with the same prefix, a number any number."""
    parts = []
    for segment in path.split("/"):
        if segment == "...":
            parts.append("[^/]+")
            continue
        pattern = ""
        for piece in re.split(r"(\{[^}]*\}|<[^>]*>|\b[a-z]{1,5}-[a-z0-9]{3,})", segment):
            if piece.startswith(("{", "<")):
                pattern += "[^/]+"
            elif re.fullmatch(r"[a-z]{1,5}-[a-z0-9]{3,}", piece):
                pattern += re.escape(piece.split("-")[0]) + "-[a-z0-9]+"
            else:  # literal, but a number in it (`-2.wav`) is any number
                pattern += "".join(
                    r"\d+" if part.isdigit() else re.escape(part)
                    for part in re.split(r"(\d+)", piece)
                )
        parts.append(pattern)
    return "/".join(parts)


def _format_differences(example: str, actual: str, at: str) -> list[str]:
    """Id prefixes, E.164 numbers, ISO 8601 times and API URL shapes, as the example has them."""
    documented = _ID.match(example)
    if documented and (at.endswith("id") or at.endswith("Id")):
        if not actual.startswith(documented.group(1) + "-"):
            return [f"{at}: id like {example!r} in the docs, {actual!r} here"]
    if _E164.match(example) and not _E164.match(actual):
        return [f"{at}: an E.164 number in the docs ({example!r}), {actual!r} here"]
    if _TIME.match(example) and not _TIME.match(actual):
        return [f"{at}: an ISO 8601 time in the docs ({example!r}), {actual!r} here"]
    if example.startswith("http") and (shape := _api_path(example)) is not None:
        if not shape.search(actual.split("?", 1)[0]):
            return [f"{at}: a URL like {example!r} in the docs, {actual!r} here"]
    return []

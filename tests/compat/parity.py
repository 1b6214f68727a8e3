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
        if not example or not actual:
            return []
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
        documented = _ID.match(example)
        if documented and (at.endswith("id") or at.endswith("Id")):
            if not actual.startswith(documented.group(1) + "-"):
                return [f"{at}: id like {example!r} in the docs, {actual!r} here"]
    return []

"""Which line of a TOML text holds a key, so `bwconsole.config`'s errors can name it."""

from __future__ import annotations

import re

__all__ = ["line_of"]

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def line_of(text: str, keys: tuple[str, ...]) -> int | None:
    """Best-effort 1-based line of `keys` (e.g. profiles.work.user_id) in the TOML text.

    tomllib reports positions only for syntax errors, so for a well-formed file with a
    wrong value this finds the `key =` line under the matching `[table]` header; for
    a table it finds the header. Forms it does not follow (inline tables, dotted
    keys) give None and the message names the key path instead.
    """
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = tuple(_unquote(part) for part in header.group(1).split("."))
            if table == keys:
                return number
            continue
        key = _KEY.match(line)
        if key and table + (_unquote(key.group(1)),) == keys:
            return number
    return None


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part

"""Console tokens and what each one may read: `TOKEN` (every channel) or `TOKEN ch-a,ch-b`.

A token file line is a token, optionally followed by a comma-separated list of
the channels it may follow; without the list it may follow every channel (as
before scoping existed). A grant also names the token by a short digest, so
a subscriber name can belong to the token that created it without the token
itself ever being stored.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Grant", "TokenSet", "parse_token_line"]


@dataclass(frozen=True, slots=True)
class Grant:
    """What one token allows: its digest (`token_id`) and its channels (None: all)."""

    token_id: str
    channels: frozenset[str] | None

    def allows(self, channel: str) -> bool:
        """Whether this token may follow (and see the health of) `channel`."""
        return self.channels is None or channel in self.channels


def parse_token_line(line: str) -> tuple[str, frozenset[str] | None]:
    """`TOKEN` or `TOKEN ch-a,ch-b` -> (token, channels or None).

    Raises:
        ValueError: a line with more than a token and one channel list.
    """
    parts = line.split()
    if len(parts) > 2:
        raise ValueError("expected `TOKEN` or `TOKEN channel-a,channel-b`")
    channels = None
    if len(parts) == 2:
        channels = frozenset(c.strip() for c in parts[1].split(",") if c.strip())
    return parts[0], channels


def _token_id(token: bytes) -> str:
    # 12 hex digits: enough to tell a file's tokens apart, far too little to guess one from
    return hashlib.sha256(token).hexdigest()[:12]


class TokenSet:
    """The accepted tokens, checked in constant time (no early exit that would leak which)."""

    def __init__(self, lines: Iterable[str] = ()) -> None:
        self._grants: list[tuple[bytes, Grant]] = []
        for line in lines:
            if not line.strip():
                continue
            token, channels = parse_token_line(line)
            raw = token.encode()
            self._grants.append((raw, Grant(_token_id(raw), channels)))

    def __len__(self) -> int:
        return len(self._grants)

    def grant(self, token: str) -> Grant | None:
        """The grant of `token`, or None when it is not (or no longer) accepted."""
        given = token.strip().encode()
        found: Grant | None = None
        for known, grant in self._grants:
            if hmac.compare_digest(given, known) and found is None:
                found = grant
        return found

    def still_allows(self, grant: Grant, channel: str) -> bool:
        """Whether a token granted `grant` earlier may still follow `channel` (after a reload)."""
        for _, current in self._grants:
            if current.token_id == grant.token_id:
                return current.allows(channel)
        return False

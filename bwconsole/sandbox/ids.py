"""Resource identifiers in the v1 format: a prefix plus 23 characters of [a-z2-7].

SEMANTICS.md §3 lists the prefixes; the sandbox uses the documented ones and,
where only SDK comments name one, those.
"""

from __future__ import annotations

import random

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"

PREFIXES = {
    "user": "u-",
    "application": "a-",
    "message": "m-",
    "call": "c-",
    "call_event": "ce-",
    "bridge": "brg-",
    "number": "n-",
    "domain": "dom-",
    "member": "cm-",
    "gather": "g-",
    "recording": "r-",
    "transcription": "tr-",
    "endpoint": "ep-",
    "conference": "conf-",
    "error": "ue-",
    "transaction": "t-",
}


class IdFactory:
    """Makes ids; seeded so a sandbox started with the same seed repeats itself."""

    def __init__(self, seed: int | str | None = None) -> None:
        self._random = random.Random(seed)

    def new(self, kind: str) -> str:
        return PREFIXES[kind] + "".join(self._random.choices(ALPHABET, k=23))

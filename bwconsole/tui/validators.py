"""Input validators for the console's forms, each failing with a sentence a person can act on.

Every validator except `Required` accepts an empty value, so a field is
optional unless it also lists `Required()`. A validator with a `normalise` method
also rewrites what passed into the form the API wants (a phone number to E.164);
forms apply it to their values on submit (`normalised`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from textual.validation import ValidationResult, Validator

from bwconsole.tui.phone import account_region, to_e164

__all__ = [
    "E164",
    "CallerId",
    "Destination",
    "DtmfString",
    "IntRange",
    "MaxLength",
    "Pattern",
    "Required",
    "Url",
    "normalised",
]


def normalised(validators: Iterable[Validator], value: str) -> str:
    """`value` (stripped) as the field's validators would have the API get it."""
    text = value.strip()
    for validator in validators:
        normalise = getattr(validator, "normalise", None)
        if normalise is not None and text:
            text = normalise(text)
    return text


class Required(Validator):
    """The field must not be blank."""

    def validate(self, value: str) -> ValidationResult:
        if value.strip():
            return self.success()
        return self.failure("is required")


class E164(Validator):
    """A phone number, as people write it (`919-555-1234`, `(919) 555 1234`, `+1 919…`),
    read in the account's region (`bwconsole.tui.phone`); the API gets it in E.164."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip() or to_e164(value) is not None:
            return self.success()
        return self.failure(
            f"{value.strip()!r} is not a phone number: write it as +19195551234 "
            f"(or 919-555-1234 for a number in {account_region()})"
        )

    def normalise(self, value: str) -> str:
        """The number in E.164 (`+19195551234`); text that is none is left as it is."""
        return to_e164(value) or value.strip()


class IntRange(Validator):
    """A whole number between `minimum` and `maximum` (inclusive)."""

    def __init__(self, minimum: int, maximum: int) -> None:
        super().__init__()
        self.minimum = minimum
        self.maximum = maximum

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            number = int(value.strip())
        except ValueError:
            return self.failure(f"{value.strip()!r} is not a whole number")
        if not self.minimum <= number <= self.maximum:
            return self.failure(f"must be between {self.minimum} and {self.maximum}")
        return self.success()


class Url(Validator):
    """An absolute http:// or https:// URL with a host."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        parts = urlsplit(value.strip())
        if parts.scheme in {"http", "https"} and parts.netloc:
            return self.success()
        return self.failure(
            f"{value.strip()!r} is not a web address: it must start with http:// or https://"
        )


_SIP = re.compile(r"sip:[^@\s]+@[^@\s]+")
DTMF_CHARACTERS = "0123456789*#ABCDwW,"


class Destination(Validator):
    """Where a call can go: a phone number (as people write it) or a `sip:user@host` URI."""

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text or to_e164(text) is not None or _SIP.fullmatch(text):
            return self.success()
        return self.failure(
            f"{text!r} is neither a phone number (+19195551234) nor a SIP URI (sip:user@host)"
        )

    def normalise(self, value: str) -> str:
        """A number in E.164; a SIP URI as it is."""
        return value.strip() if _SIP.fullmatch(value.strip()) else E164().normalise(value)


class CallerId(Validator):
    """A transfer's caller id: `private` or a phone number."""

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text or text == "private" or to_e164(text) is not None:
            return self.success()
        return self.failure(f"{text!r} must be private or a phone number (+19195551234)")

    def normalise(self, value: str) -> str:
        """A number in E.164; `private` as it is."""
        return "private" if value.strip() == "private" else E164().normalise(value)


class DtmfString(Validator):
    """Keypad tones the API accepts: 0-9 * # A-D, `w`/`,` (half-second pause), `W` (one second)."""

    def __init__(self, maximum: int = 92) -> None:
        super().__init__()
        self.maximum = maximum

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        bad = sorted({char for char in text if char not in DTMF_CHARACTERS})
        if bad:
            return self.failure(
                f"{''.join(bad)!r} cannot be sent: use 0-9 * # A-D, w or , to pause, W to wait 1 s"
            )
        if len(text) > self.maximum:
            return self.failure(f"at most {self.maximum} tones at once")
        return self.success()


class MaxLength(Validator):
    """At most `maximum` characters (the API refuses longer sentences)."""

    def __init__(self, maximum: int) -> None:
        super().__init__()
        self.maximum = maximum

    def validate(self, value: str) -> ValidationResult:
        if len(value.strip()) <= self.maximum:
            return self.success()
        return self.failure(f"is {len(value.strip())} characters long; at most {self.maximum}")


class Pattern(Validator):
    """The whole value matches `regex`; `explanation` says in words what is allowed."""

    def __init__(self, regex: str, explanation: str) -> None:
        super().__init__()
        self.regex = re.compile(regex)
        self.explanation = explanation

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text or self.regex.fullmatch(text):
            return self.success()
        return self.failure(f"{text!r}: {self.explanation}")

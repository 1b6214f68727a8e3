"""Input validators for the console's forms, each failing with a sentence a person can act on.

Every validator except `Required` accepts an empty value, so a field is
optional unless it also lists `Required()`. A validator with a `normalise` method
also rewrites what passed into the form the API wants (a phone number to E.164);
forms apply it to their values on submit (`normalised`).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from textual.validation import ValidationResult, Validator

from bwconsole.tui.phone import account_region, to_e164

__all__ = ["E164", "IntRange", "Required", "Url", "normalised"]


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

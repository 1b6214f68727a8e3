"""Input validators for the console's forms, each failing with a sentence a person can act on.

Every validator except `Required` accepts an empty value, so a field is
optional unless it also lists `Required()`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from textual.validation import ValidationResult, Validator

__all__ = ["E164", "IntRange", "Required", "Url"]

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")


class Required(Validator):
    """The field must not be blank."""

    def validate(self, value: str) -> ValidationResult:
        if value.strip():
            return self.success()
        return self.failure("is required")


class E164(Validator):
    """A phone number in E.164 form: `+`, country code, number, at most 15 digits."""

    def validate(self, value: str) -> ValidationResult:
        if not value or _E164.fullmatch(value.strip()):
            return self.success()
        return self.failure(
            f"{value.strip()!r} is not an E.164 number: write + then the country code and "
            "number, digits only (e.g. +19195551234)"
        )


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

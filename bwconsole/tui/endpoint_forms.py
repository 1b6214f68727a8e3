"""The forms of the Endpoints pane and the rules their inputs follow (from the v1 docs).

- A domain name becomes part of a public DNS name: letters, digits, `-`, `_`,
  at most 63 characters, starting with a letter or digit.
- An endpoint name is a SIP user (RFC 3261 section 19.1.1), fixed once created.
- An endpoint password is at least 6 characters, Latin-1 only (postEndpoints.md).
- A call goes to an E.164 number or a `sip:user@host` URI.
"""

from __future__ import annotations

import re

from textual.validation import ValidationResult, Validator

from bwconsole.tui.forms import Field
from bwconsole.tui.validators import E164, Required

__all__ = [
    "MAX_DOMAINS",
    "Destination",
    "DomainName",
    "SipPassword",
    "SipUser",
    "dial_fields",
    "domain_fields",
    "endpoint_fields",
]

MAX_DOMAINS = 100
"""Domains an account may have (postDomains.md)."""
MIN_PASSWORD = 6

_DOMAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")
#: RFC 3261 19.1.1 `user`: unreserved, escaped and user-unreserved characters.
_SIP_USER = re.compile(r"(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+")
_SIP_URI = re.compile(r"sip:[^@\s]+@[^@\s]+")


class DomainName(Validator):
    """A name that can be part of a DNS name."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip() or _DOMAIN.fullmatch(value.strip()):
            return self.success()
        return self.failure(
            "use 1-63 letters, digits, '-' or '_', starting with a letter or digit "
            "(it becomes part of a DNS name)"
        )


class SipUser(Validator):
    """A valid SIP user part (the endpoint's name)."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip() or _SIP_USER.fullmatch(value.strip()):
            return self.success()
        return self.failure(
            "use letters, digits and - _ . ! ~ * ' ( ) & = + $ , ; ? / only (no spaces, no @)"
        )


class SipPassword(Validator):
    """At least 6 characters, Latin-1 only (case matters)."""

    def validate(self, value: str) -> ValidationResult:
        if not value:
            return self.success()
        if len(value) < MIN_PASSWORD:
            return self.failure(f"must be at least {MIN_PASSWORD} characters long")
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            return self.failure("may contain only Latin-1 (ISO 8859-1) characters")
        return self.success()


class Destination(Validator):
    """An E.164 number or a `sip:user@host` URI."""

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text or _SIP_URI.fullmatch(text) or E164().validate(text).is_valid:
            return self.success()
        return self.failure(
            f"{text!r} is neither a phone number (+19195551234) nor a SIP URI (sip:user@host)"
        )

    def normalise(self, value: str) -> str:
        """A number in E.164; a SIP URI as it is."""
        return value.strip() if _SIP_URI.fullmatch(value.strip()) else E164().normalise(value)


def domain_fields() -> list[Field]:
    """Name and description of a new domain (the docs mark both mandatory)."""
    return [
        Field("name", "Name (part of the SIP host name)", (Required(), DomainName())),
        Field("description", "Description", (Required(),)),
    ]


def endpoint_fields() -> list[Field]:
    """Name, password and description of a new endpoint."""
    return [
        Field("name", "Name (the SIP user; cannot be changed later)", (Required(), SipUser())),
        Field(
            "password",
            f"Password (at least {MIN_PASSWORD} characters)",
            (Required(), SipPassword()),
            password=True,
        ),
        Field("description", "Description (optional)"),
    ]


def dial_fields() -> list[Field]:
    """Where a call from an endpoint goes."""
    return [
        Field(
            "to",
            "To (E.164 number or sip: URI)",
            (Required(), Destination()),
            placeholder="e.g. +19195551234 or sip:user@example.com",
        )
    ]

"""Phone numbers as people type them, through Google's libphonenumber (`phonenumbers`,
the lite build: no geocoding or carrier data).

The API wants E.164 (`+19195551234`), but people type `919-555-1234` or
`(919) 555 1234`; a regex either refused those or let `+12` through for the API to
refuse. Here a number is read in the account's region (the country of the numbers
it owns, `US` until they are known), accepted when its length is possible for its
country, and handed on in E.164. Validity (is the range assigned?) is left to the
API: the sandbox's far ends (`+1555…`) are possible but not assigned numbers.
The API's own pattern check stays in the sandbox.
"""

from __future__ import annotations

import phonenumbers

__all__ = ["account_region", "national", "remember_account_number", "to_e164"]

DEFAULT_REGION = "US"
_region: str | None = None


def account_region() -> str:
    """Where a number typed without `+` is read: the account's country, else `US`."""
    return _region or DEFAULT_REGION


def remember_account_number(number: str | None) -> None:
    """Learn the account's region from a number it owns (the first one known wins)."""
    global _region
    if _region is not None or not number:
        return
    parsed = _parse(number, None)
    region = phonenumbers.region_code_for_number(parsed) if parsed is not None else None
    if region and region != phonenumbers.UNKNOWN_REGION:
        _region = region


def to_e164(text: str, region: str | None = None) -> str | None:
    """`text` as an E.164 number, or None when it cannot be a phone number.

    Args:
        text: What was typed: `+19195551234`, `919-555-1234`, `(919) 555 1234` …
        region: Read a number without `+` in this country (default: the account's).
    """
    parsed = _parse(text, region or account_region())
    if parsed is None or not _possible(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national(number: str) -> str:
    """How a person of the account's country reads `number`: `(919) 555-1234` for a
    number of that country, `+44 20 7946 0000` for another; "" when it is no number."""
    parsed = _parse(number, None)
    if parsed is None or not _possible(parsed):
        return ""
    own = phonenumbers.region_code_for_number(parsed) == account_region()
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if own
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)


def _possible(parsed: phonenumbers.PhoneNumber) -> bool:
    """A whole number: `555-1234` is possible only locally (no area code), so not here."""
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    return bool(reason == phonenumbers.ValidationResult.IS_POSSIBLE)


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    stripped = text.strip()
    if not stripped or len(stripped) > 40 or any(c.isalpha() for c in stripped):
        return None  # letters: a SIP URI or a word, never a number
    try:
        return phonenumbers.parse(stripped, region)
    except phonenumbers.NumberParseException:
        return None

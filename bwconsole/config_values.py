"""What valid profile values look like, and how secrets are shown.

Used by `bwconsole.config` when a file is read, by `bwconsole config add` on
what the user types, and by the console's account form, so all three accept and
refuse the same values with the same words. Secrets (tokens, and a password
inside a URL) are shown only through `mask` and `mask_url`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = ["check_channel", "check_profile_name", "check_url", "check_user_id", "mask", "mask_url"]

_PROFILE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_USER_ID = re.compile(r"^u-[A-Za-z0-9]+$")
_CHANNEL = re.compile(r"^[A-Za-z0-9_.~-]+$")


def check_profile_name(value: str) -> str | None:
    """What is wrong with a profile name, in words (None when it is fine)."""
    if _PROFILE_NAME.match(value):
        return None
    return f"profile name {value!r} may use only letters, digits, '-' and '_'"


def check_user_id(value: str) -> str | None:
    """What is wrong with a v1 user id (`u-` and letters/digits), or None."""
    if not _USER_ID.match(value):
        shown = f"{value!r}" if value else "nothing"
        return f"user id must look like u-abc123 (got {shown})"
    return None


def check_url(value: str, label: str) -> str | None:
    """What is wrong with an http(s) URL (`label` names it in the message), or None; blank is fine."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{label} must be an http:// or https:// URL (got {mask_url(value)!r})"
    return None


def check_channel(value: str) -> str | None:
    """What is wrong with a relay channel (it becomes a URL path segment), or None; blank is fine."""
    if value and not _CHANNEL.match(value):
        return f"relay channel {value!r} may use only letters, digits and - _ . ~"
    return None


def mask(secret: str | None) -> str:
    """Hide a secret while keeping it recognisable.

    Long secrets keep their first and last two characters (`ab…yz`) so a user can
    tell two tokens apart; short ones are fully hidden, as two characters of each
    end would give too much away.

    Args:
        secret: the secret, or None / "" when unset.

    Returns:
        "" for an unset secret, `****` for a short one, else `ab…yz`.
    """
    if not secret:
        return ""
    if len(secret) < 12:
        return "****"
    return f"{secret[:2]}…{secret[-2:]}"


def mask_url(url: str | None) -> str:
    """`url` with the password of its userinfo (`https://user:pass@host`) masked.

    The user name stays (it tells two relays apart); a URL without a password, or
    one that does not parse, is returned as is: there is nothing in it to hide.
    """
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if password is None:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{mask(password)}@{hostport}"))

"""Check a profile against the real services before anyone relies on it.

Two checks, each answering in words a user can act on:

- credentials: `GET {api_url}/users/{user_id}/account` with basic auth — the
  cheapest read the v1 API has — tells "bad credentials" from "unreachable host"
  from "TLS error".
- relay: a websocket connect to `{relay_url}/events/{channel}` with the bearer
  token tells "relay refused the token" from "relay unreachable".

`bwconsole config add` and the console's add-profile form call `check_profile`;
`bwconsole doctor` runs `check_api` and `check_relay` itself, as the first two of
its checks. No message ever contains a secret.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI

from bwconsole.config import Profile, mask
from bwconsole.relay_urls import relay_urls

__all__ = ["CheckResult", "check_api", "check_profile", "check_relay"]

#: Seconds each check may take, connect and answer included.
DEFAULT_TIME_LIMIT = 10.0


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    name: str
    """What was checked: `credentials` or `relay`."""
    ok: bool
    detail: str
    """What happened, in words: e.g. `bad credentials (HTTP 401)`."""

    def __str__(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


async def check_profile(
    profile: Profile, *, time_limit: float = DEFAULT_TIME_LIMIT
) -> list[CheckResult]:
    """Check the API credentials and, when the profile has one, the relay.

    Both checks run concurrently, so a dead host costs one timeout, not two.

    Args:
        profile: the profile to check (env overrides already applied, if wanted).
        time_limit: seconds allowed per check.

    Returns:
        The credentials result, then the relay result if `relay_url` is set.
    """
    checks = [check_api(profile, time_limit=time_limit)]
    if profile.relay_url:
        checks.append(check_relay(profile, time_limit=time_limit))
    return list(await asyncio.gather(*checks))


async def check_api(profile: Profile, *, time_limit: float = DEFAULT_TIME_LIMIT) -> CheckResult:
    """Read the account with the profile's credentials and say what went wrong, if anything."""
    url = f"{profile.api_url.rstrip('/')}/users/{quote(profile.user_id, safe='')}/account"
    host = urlsplit(profile.api_url).netloc or profile.api_url

    def fail(detail: str) -> CheckResult:
        return CheckResult("credentials", False, _scrub(detail, profile))

    try:
        async with httpx.AsyncClient(timeout=time_limit) as client:
            response = await client.get(url, auth=(profile.api_token, profile.api_secret))
    except httpx.TimeoutException:
        return fail(f"unreachable host: {host} did not answer within {time_limit:g} s")
    except httpx.ConnectError as exc:
        if _tls_cause(exc) is not None:
            return fail(f"TLS error talking to {host}: {_tls_reason(exc)}")
        return fail(f"unreachable host: cannot connect to {host} ({_connect_reason(exc)})")
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        return fail(f"invalid API URL {profile.api_url!r}")
    except httpx.HTTPError as exc:
        return fail(f"no usable answer from {host} ({type(exc).__name__}: {exc})")

    status = response.status_code
    if status in (401, 403):
        return fail(f"bad credentials (HTTP {status})")
    if status == 404:
        return fail(f"not found (HTTP 404 for {url}): check the API URL and the user id")
    if not response.is_success:
        return fail(f"unexpected answer from {host} (HTTP {status})")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return fail(f"{url} answered, but not like the v1 API (no JSON account object)")
    return CheckResult("credentials", True, f"accepted by {host}")


async def check_relay(profile: Profile, *, time_limit: float = DEFAULT_TIME_LIMIT) -> CheckResult:
    """Open the relay's event websocket with the profile's token, then close it at once."""

    def fail(detail: str) -> CheckResult:
        return CheckResult("relay", False, _scrub(detail, profile))

    if not profile.relay_url:
        return fail("no relay URL configured")
    if not profile.relay_channel:
        return fail("no relay channel configured")
    url = relay_urls(profile.relay_url, profile.relay_channel).events
    host = urlsplit(profile.relay_url).netloc or profile.relay_url
    headers = {"Authorization": f"Bearer {profile.relay_token}"} if profile.relay_token else {}
    try:
        async with connect(
            url, additional_headers=headers, open_timeout=time_limit, close_timeout=1
        ):
            pass
    except InvalidStatus as exc:
        status = exc.response.status_code
        if status == 401:
            return fail("relay refused the token (HTTP 401)")
        if status == 403:
            # Starlette also answers 403 to a websocket on a path it does not route.
            return fail("relay refused the token (HTTP 403; or no relay at this URL)")
        return fail(f"relay rejected the connection to {url} (HTTP {status})")
    except InvalidURI:
        return fail(f"invalid relay URL {profile.relay_url!r}")
    except InvalidHandshake as exc:
        return fail(f"relay unreachable: {host} did not answer as a websocket server ({exc})")
    except TimeoutError:
        return fail(f"relay unreachable: {host} did not answer within {time_limit:g} s")
    except ssl.SSLError as exc:
        return fail(f"TLS error talking to relay {host}: {_tls_reason(exc)}")
    except OSError as exc:
        return fail(f"relay unreachable: cannot connect to {host} ({_connect_reason(exc)})")
    return CheckResult(
        "relay", True, f"{host} accepted the token for channel {profile.relay_channel}"
    )


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes; httpx wraps the OS error twice."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not e for e in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _tls_cause(exc: BaseException) -> ssl.SSLError | None:
    return next((e for e in _chain(exc) if isinstance(e, ssl.SSLError)), None)


def _connect_reason(exc: BaseException) -> str:
    """Why a connect failed, in words, whatever library wrapped it."""
    for cause in _chain(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return f"host name not found: {cause.strerror}"
    return str(exc) or type(exc).__name__


def _tls_reason(exc: BaseException) -> str:
    cause = _tls_cause(exc) or exc
    if isinstance(cause, ssl.SSLCertVerificationError):
        return cause.verify_message or "certificate verify failed"
    if isinstance(cause, ssl.SSLError) and cause.reason:
        return cause.reason.lower().replace("_", " ")
    return str(cause)


def _scrub(text: str, profile: Profile) -> str:
    """Belt and braces: no secret leaves this module, whatever a library put in its message."""
    for secret in (profile.api_token, profile.api_secret, profile.relay_token):
        # A few characters occur in any text by chance; masking them would garble it.
        if secret and len(secret) >= 6:
            text = text.replace(secret, mask(secret))
    return text

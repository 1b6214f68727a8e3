"""`bwconsole doctor`: check a profile end to end, one pass/fail line per check.

The checks follow the path an event takes, so the first failure is the one
to fix:

1. credentials — a real API call (`bwconsole.checks.check_api`);
2. relay — a websocket connect with the token (`bwconsole.checks.check_relay`);
3. callbacks — every application's call and message URLs go to the relay;
4. round trip — a harmless synthetic event (`eventType` `bwconsole-doctor`)
   POSTed to `{relay}/callbacks/{channel}` comes back on the websocket.

A check that depends on a failed one is reported as `skip`. Exit status 0
when every check passes, 1 otherwise. With no profile configured (or with
`bwconsole --sandbox doctor`) it checks a throw-away embedded sandbox.

Before the checks it warns (`warn`, not a failure) about a config file that
others can read; after them it names the console's log file, the first place to
look when something misbehaves. `--json` prints all of it as one JSON document.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bwconsole.callback_setup import (
    CALLBACK_FIELDS,
    display_url,
    points_at_relay,
    relay_callback_url,
)
from bwconsole.config import ConfigError, Profile, config_path, load_config, resolve_profile
from bwconsole.files import readable_by_others
from bwconsole.logs import log_path
from bwconsole.relay_urls import relay_urls

__all__ = [
    "ROUND_TRIP_EVENT_TYPE",
    "check_callbacks",
    "check_round_trip",
    "configure",
    "diagnose",
    "run",
]

#: `eventType` of the synthetic event; consoles show it as an unknown event type.
ROUND_TRIP_EVENT_TYPE = "bwconsole-doctor"
DEFAULT_TIME_LIMIT = 10.0


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the doctor's options to its subcommand parser."""
    # SUPPRESS: `bwconsole --profile X doctor` must not be reset by this option's default.
    parser.add_argument(
        "--profile", metavar="NAME", default=argparse.SUPPRESS, help="check this profile"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        metavar="S",
        help=f"seconds allowed per check (default {DEFAULT_TIME_LIMIT:g})",
    )
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")


def _keymap_problems() -> list[str]:
    """What the console would ignore in `[keymap]` (a typo'd id or key name)."""
    try:
        keymap = load_config().keymap
    except ConfigError:
        return []  # already said
    if not keymap:
        return []
    from bwconsole.tui.catalogue import binding_ids
    from bwconsole.tui.keys import keymap_problems

    return keymap_problems(keymap, binding_ids())


def run(args: argparse.Namespace) -> int:
    """Run every check on the chosen profile and print one line each; 0 when all pass."""
    try:
        profile = None
        if not getattr(args, "sandbox", False):
            profile = resolve_profile(load_config(), getattr(args, "profile", None))
    except ConfigError as exc:
        print(f"bwconsole doctor: {exc}", file=sys.stderr)
        return 1
    report = _Report(as_json=bool(getattr(args, "json", False)))
    warning = readable_by_others(config_path())
    if warning:
        report.warn(f"config: {warning}")
    for problem in _keymap_problems():
        report.warn(f"config: {problem}")
    try:
        if profile is None:
            return asyncio.run(_doctor_sandbox(args.timeout, report))
        return asyncio.run(_doctor(profile, args.timeout, f"profile {profile.name!r}", report))
    except KeyboardInterrupt:
        return 130


class _Report:
    """Prints the doctor's findings as lines as they come, or as one JSON object at the end."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self.warnings: list[str] = []

    def warn(self, text: str) -> None:
        self.warnings.append(text)
        if not self.as_json:
            print(f"warn {text}")

    def finish(self, what: str, api_url: str, lines: list[str]) -> int:
        ok = all(line.startswith("ok") for line in lines)
        if not self.as_json:
            print(f"checking {what}: {api_url}")
            for line in lines:
                print(line)
            print(f"log file: {log_path()}")
            return 0 if ok else 1
        checks = []
        for line in lines:
            status, _, rest = line.partition(" ")
            name, _, detail = rest.strip().partition(": ")
            checks.append({"status": status.lower(), "name": name, "detail": detail})
        document = {
            "target": what,
            "api_url": api_url,
            "ok": ok,
            "checks": checks,
            "warnings": self.warnings,
            "config_file": str(config_path()),
            "log_file": str(log_path()),
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0 if ok else 1


async def _doctor_sandbox(time_limit: float, report: _Report) -> int:
    from bwconsole.embedded import embedded

    with tempfile.TemporaryDirectory(prefix="bwconsole-doctor-") as tmp:
        async with embedded(data_dir=Path(tmp)) as env:
            what = "the built-in sandbox (no profile)"
            return await _doctor(env.profile, time_limit, what, report)


async def _doctor(profile: Profile, time_limit: float, what: str, report: _Report) -> int:
    lines = await diagnose(profile, time_limit=time_limit)
    return report.finish(what, profile.api_url, lines)


async def diagnose(profile: Profile, *, time_limit: float = DEFAULT_TIME_LIMIT) -> list[str]:
    """Every check's line, in order: `ok   NAME: …`, `FAIL NAME: …` or `skip NAME: …`."""
    from bwconsole.api import ApiError, Client
    from bwconsole.checks import check_api, check_relay

    api_result, relay_result = await asyncio.gather(
        check_api(profile, time_limit=time_limit), check_relay(profile, time_limit=time_limit)
    )
    lines = [str(api_result), str(relay_result)]
    ingress: tuple[str, str] | None = None
    if not api_result.ok:
        lines.append("skip callbacks: needs working credentials")
    else:
        async with Client(
            profile.user_id,
            profile.api_token,
            profile.api_secret,
            profile.api_url,
            timeout=time_limit,
            max_retries=0,
        ) as client:
            try:
                applications = [
                    {"id": a.id, "name": a.name, **_urls(a)}
                    for a in await client.applications.list()
                ]
            except ApiError as exc:
                applications = None
                lines.append(f"FAIL callbacks: cannot list the applications ({exc})")
        if applications is not None:
            lines.extend(check_callbacks(profile, applications))
            ingress = _ingress_from(profile, applications)
    if relay_result.ok:
        lines.append(await check_round_trip(profile, ingress=ingress, time_limit=time_limit))
    else:
        lines.append("skip round trip: needs a reachable relay")
    return lines


def check_callbacks(profile: Profile, applications: Sequence[dict[str, Any]]) -> list[str]:
    """One line per application: do its call and message URLs go to the profile's relay?

    Args:
        profile: gives the relay URL and channel.
        applications: wire-form applications (`id`, `name`, `incomingCallUrl`, `incomingMessageUrl`).
    """
    if not profile.relay_url:
        return ["skip callbacks: the profile has no relay"]
    if not applications:
        return ["FAIL callbacks: the account has no application, so no callback reaches the relay"]
    lines = []
    for app in applications:
        label = f"application {app['id']} ({app.get('name') or 'unnamed'})"
        urls = {field: app.get(field) for field in CALLBACK_FIELDS if app.get(field)}
        elsewhere = [f for f, url in urls.items() if not points_at_relay(url, profile)]
        if urls and not elsewhere:
            lines.append(f"ok   callbacks: {label} sends {_kinds(urls)} to the relay")
        elif not urls:
            lines.append(f"FAIL callbacks: {label} has no call or message URL")
        else:
            wrong = "; ".join(f"{f} goes to {display_url(urls[f])}" for f in elsewhere)
            lines.append(
                f"FAIL callbacks: {label}: {wrong}, not the relay "
                f"(fix: bwconsole config point-callbacks --application {app['id']})"
            )
    return lines


async def check_round_trip(
    profile: Profile,
    *,
    ingress: tuple[str, str] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> str:
    """POST a synthetic event to the relay's ingress and wait for it on the websocket.

    The websocket is opened first without `after=`, so the relay sends only
    events newer than the connect and the test never replays the channel's history.

    Args:
        profile: gives the relay URL, channel and token.
        ingress: basic-auth credentials for a relay started with `--ingress-user`.
        time_limit: seconds allowed for the whole round trip.

    Returns:
        The check's line (`ok   round trip: …` or `FAIL round trip: …`).
    """
    import httpx
    from websockets.asyncio.client import connect
    from websockets.exceptions import WebSocketException

    assert profile.relay_url and profile.relay_channel
    nonce = secrets.token_hex(8)
    target = relay_callback_url(profile)
    headers = {"Authorization": f"Bearer {profile.relay_token}"} if profile.relay_token else {}
    host = urlsplit(profile.relay_url).netloc
    try:
        async with asyncio.timeout(time_limit):
            async with connect(
                relay_urls(profile.relay_url, profile.relay_channel).events + "?requests=0",
                additional_headers=headers,
                close_timeout=1,
            ) as ws:
                await ws.recv()  # the first frame: the relay has fixed our starting point
                started = time.perf_counter()
                async with httpx.AsyncClient(auth=ingress) as http:
                    response = await http.post(
                        target,
                        json={"eventType": ROUND_TRIP_EVENT_TYPE, "nonce": nonce},
                    )
                if response.status_code == 401:
                    how = "wrong ingress credentials" if ingress else "it wants ingress credentials"
                    return (
                        f"FAIL round trip: the relay refused the test callback (HTTP 401: {how}; "
                        "point-callbacks --ingress-user puts them in the application URLs)"
                    )
                if not response.is_success:
                    return (
                        f"FAIL round trip: the relay answered the test callback with "
                        f"HTTP {response.status_code}"
                    )
                while True:
                    frame = json.loads(await ws.recv())
                    event = frame.get("event") if isinstance(frame, dict) else None
                    if isinstance(event, dict) and event.get("nonce") == nonce:
                        ms = (time.perf_counter() - started) * 1000
                        return (
                            f"ok   round trip: a test callback came back over the websocket "
                            f"in {ms:.0f} ms (seq {frame.get('seq')})"
                        )
    except TimeoutError:
        return f"FAIL round trip: the test callback did not come back within {time_limit:g} s"
    except (OSError, WebSocketException, httpx.HTTPError, ValueError) as exc:
        return f"FAIL round trip: {host}: {type(exc).__name__}: {exc}"


def _urls(application: Any) -> dict[str, str | None]:
    return {field: getattr(application, attr) for field, attr in CALLBACK_FIELDS.items()}


def _kinds(urls: dict[str, Any]) -> str:
    """`calls and messages`, `calls` or `messages`: what an application sends."""
    kinds = {"incomingCallUrl": "calls", "incomingMessageUrl": "messages"}
    return " and ".join(kind for field, kind in kinds.items() if field in urls)


def _ingress_from(
    profile: Profile, applications: Sequence[dict[str, Any]]
) -> tuple[str, str] | None:
    """Ingress credentials from an application URL that goes to the relay, if any carries them."""
    for app in applications:
        for field in CALLBACK_FIELDS:
            url = app.get(field)
            if url and points_at_relay(url, profile):
                parts = urlsplit(url)
                if parts.username is not None and parts.password is not None:
                    return unquote(parts.username), unquote(parts.password)
    return None

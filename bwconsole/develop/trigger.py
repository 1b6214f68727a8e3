"""`bwconsole trigger`: make the sandbox start what an app must handle, as `stripe trigger` does.

- `call`: a call from the outside world arrives at one of your numbers; the caller
  presses `--dtmf` and hangs up `--hangup-after` seconds after the answer. With
  `--bxml` the number's application answers in BXML through the relay's BXML
  door (set up once: an application and a number of its own).
- `sms` / `mms`: a message arrives at one of your numbers.
- `failed-sms`: a message you send is not delivered (error receipt, code 720).

It works on the running embedded sandbox (a console's, or `listen --sandbox`'s)
or on `--sandbox-url` (a `bwconsole sandbox`). Exit codes: 0 done, 1 no sandbox
or no number to use, 2 bad usage, 4 the sandbox refused (its message is shown).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

__all__ = ["configure", "run"]

EXIT_OK, EXIT_SETTINGS, EXIT_REFUSED = 0, 1, 4
CALLER = "+12025550123"
UNDELIVERABLE = "+19195550142"
BXML_APPLICATION = "BXML app (bwconsole trigger)"


class TriggerError(Exception):
    """Something the user can fix; `code` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_SETTINGS) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SandboxAccess:
    """Where the sandbox is, its credentials, and the relay's BXML door (if known)."""

    url: str
    user_id: str
    token: str
    secret: str
    bxml_door: str | None


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the scenarios and their options."""
    from bwconsole.sandbox.core import DEFAULT_SECRET, DEFAULT_TOKEN, DEFAULT_USER_ID

    scenarios = parser.add_subparsers(dest="scenario", metavar="SCENARIO", required=True)
    call = scenarios.add_parser("call", help="an inbound call to one of your numbers")
    call.add_argument("--dtmf", default="", metavar="DIGITS", help="the caller presses these")
    call.add_argument(
        "--hangup-after",
        type=float,
        metavar="S",
        help="the caller hangs up S seconds after the answer (default: never)",
    )
    call.add_argument(
        "--bxml",
        action="store_true",
        help="to a number whose application answers in BXML through the relay",
    )
    sms = scenarios.add_parser("sms", help="an inbound SMS to one of your numbers")
    mms = scenarios.add_parser("mms", help="an inbound MMS to one of your numbers")
    mms.add_argument("--media", default="https://example.com/cat.jpg", metavar="URL")
    failed = scenarios.add_parser("failed-sms", help="a message of yours that is not delivered")
    for scenario in (sms, mms, failed):
        scenario.add_argument("--text", default="Hello from the sandbox", metavar="TEXT")
    for scenario in (call, sms, mms, failed):
        scenario.add_argument(
            "--to", metavar="NUMBER", help="your number (default: one whose application takes it)"
        )
        scenario.add_argument(
            "--from", dest="from_", metavar="NUMBER", help=f"the other party (default {CALLER})"
        )
        scenario.add_argument(
            "--sandbox-url",
            metavar="URL",
            help="a `bwconsole sandbox` (default: the running embedded one)",
        )
        scenario.add_argument("--user-id", default=DEFAULT_USER_ID, help=argparse.SUPPRESS)
        scenario.add_argument("--api-token", default=DEFAULT_TOKEN, help=argparse.SUPPRESS)
        scenario.add_argument("--api-secret", default=DEFAULT_SECRET, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """Start the scenario; print what it started."""
    try:
        access = _access(args)
        print(asyncio.run(_trigger(args, access)))
    except TriggerError as exc:
        print(f"bwconsole trigger: {exc}", file=sys.stderr)
        return exc.code
    return EXIT_OK


def _access(args: argparse.Namespace) -> SandboxAccess:
    if args.sandbox_url:
        return SandboxAccess(
            args.sandbox_url.rstrip("/"), args.user_id, args.api_token, args.api_secret, None
        )
    from bwconsole.config import data_dir
    from bwconsole.embedded import running_sandbox
    from bwconsole.sandbox.core import DEFAULT_SECRET, DEFAULT_TOKEN, DEFAULT_USER_ID

    running = running_sandbox(data_dir())
    if running is None:
        raise TriggerError(
            "the sandbox is not running: start `bwconsole` or `bwconsole listen --sandbox` "
            "first, or pass --sandbox-url"
        )
    return SandboxAccess(
        running.sandbox_url, DEFAULT_USER_ID, DEFAULT_TOKEN, DEFAULT_SECRET, running.bxml_url
    )


async def _trigger(args: argparse.Namespace, access: SandboxAccess) -> str:
    from bwconsole.api import ApiError, Client

    async with (
        Client(access.user_id, access.token, access.secret, f"{access.url}/v1") as client,
        httpx.AsyncClient(base_url=access.url, auth=(access.token, access.secret)) as http,
    ):
        try:
            if args.scenario == "call":
                return await _call(args, access, client, http)
            if args.scenario in ("sms", "mms"):
                return await _message(args, client, http)
            return await _failed(args, client)
        except ApiError as exc:
            raise TriggerError(f"the sandbox refused: {exc}", EXIT_REFUSED) from None
        except httpx.HTTPError as exc:
            raise TriggerError(f"cannot reach the sandbox at {access.url}: {exc}") from None


async def _numbers(client: Any) -> list[tuple[str, Any]]:
    """(number, its application or None) for every number of the account."""
    applications = {app.id: app async for app in client.applications.list()}
    return [
        (n.number, applications.get(n.application_id)) async for n in client.phone_numbers.list()
    ]


async def _pick(given: str | None, client: Any, field: str) -> str:
    """`given`, else a number whose application has `field` (and does not answer in BXML)."""
    if given:
        return given
    for number, app in await _numbers(client):
        url = getattr(app, field, None) if app is not None else None
        if url and "/bxml/" not in url:
            return str(number)
    raise TriggerError("no number of yours has an application for this: pass --to NUMBER")


async def _bxml_number(client: Any, door: str) -> tuple[str, str]:
    """A number whose application answers calls through the relay's BXML door (made once)."""
    from bwconsole.callback_setup import display_url

    for number, app in await _numbers(client):
        if app is not None and _without_userinfo(app.incoming_call_url) == _without_userinfo(door):
            return str(number), ""
    app_id = await client.applications.create(name=BXML_APPLICATION, incoming_call_url=door)
    found = await client.available_numbers.search_local(area_code="919", quantity=1)
    number = str(found[0].number)
    await client.phone_numbers.order(number=number, name="BXML line", application_id=app_id)
    return number, f"set up {number} for BXML: its application calls {display_url(door)}\n"


def _without_userinfo(url: str | None) -> str:
    """`url` without its credential (the embedded relay's password changes every start)."""
    parts = urlsplit(url or "")
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


async def _call(
    args: argparse.Namespace, access: SandboxAccess, client: Any, http: httpx.AsyncClient
) -> str:
    setup = ""
    if args.bxml and args.to is None:
        if access.bxml_door is None:
            raise TriggerError("--bxml needs the embedded sandbox (or --to a BXML number)")
        to, setup = await _bxml_number(client, access.bxml_door)
    else:
        to = await _pick(args.to, client, "incoming_call_url")
    body: dict[str, Any] = {"from": args.from_ or CALLER, "to": to, "dtmf": args.dtmf}
    if args.hangup_after is not None:
        body["hangupAfter"] = args.hangup_after
    call = _created(await http.post("/sandbox/inject/call", json=body))
    presses = f", presses {args.dtmf}" if args.dtmf else ""
    hangs = f", hangs up {args.hangup_after:g} s after the answer" if args.hangup_after else ""
    return f"{setup}call {call['id']} from {body['from']} to {to}{presses}{hangs}"


async def _message(args: argparse.Namespace, client: Any, http: httpx.AsyncClient) -> str:
    to = await _pick(args.to, client, "incoming_message_url")
    body: dict[str, Any] = {"from": args.from_ or CALLER, "to": to, "text": args.text}
    if args.scenario == "mms":
        body["media"] = [args.media]
    message = _created(await http.post("/sandbox/inject/message", json=body))
    return f"{args.scenario} {message['id']} from {body['from']} to {to}: {args.text!r}"


async def _failed(args: argparse.Namespace, client: Any) -> str:
    sender = await _pick(args.from_, client, "incoming_message_url")
    to = args.to or UNDELIVERABLE
    message_id = await client.messages.send(
        from_=sender, to=to, text=args.text, receipt_requested="all"
    )
    return f"sms {message_id} from {sender} to {to}: will fail (receipt with code 720)"


def _created(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 201:
        try:
            message = response.json().get("message", response.text)
        except ValueError:
            message = response.text
        raise TriggerError(f"the sandbox refused: {message}", EXIT_REFUSED)
    result: dict[str, Any] = response.json()
    return result

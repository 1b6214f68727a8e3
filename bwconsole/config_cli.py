"""`bwconsole config add|list|remove|use|show|point-callbacks|restore-callbacks|create-application`.

Profiles are managed here; `point-callbacks` and `restore-callbacks` move an
application's callback URLs to the relay and back (`bwconsole.callback_setup`),
always showing the URLs before changing them.

Every failure a user can cause (a bad value, an unknown profile, a broken file,
credentials the API rejects) ends as one line on stderr and exit status 1,
never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bwconsole.callback_setup import (
    CallbackPlan,
    CallbackSetupError,
    apply_plan,
    backup_path,
    display_url,
    plan_point,
    plan_restore,
    relay_callback_url,
    saved_applications,
)
from bwconsole.config import (
    DEFAULT_API_URL,
    ENV_OVERRIDES,
    Config,
    ConfigError,
    Profile,
    check_channel,
    check_profile_name,
    check_url,
    check_user_id,
    load_config,
    resolve_profile,
    save_config,
)

if TYPE_CHECKING:  # httpx loads only when a command talks to the API (start-up speed)
    from bwconsole.api import Client

__all__ = ["configure", "run"]

_T = TypeVar("_T")

_PROG = "bwconsole config"


class _UsageError(Exception):
    """A mistake the user can fix; the message is printed as is."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `config` actions to the `bwconsole config` parser."""
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION")

    add = actions.add_parser(
        "add",
        help="add a profile (asks for what is not given, checks it, then saves)",
        description=(
            "Add a profile. Values not given as options are asked for (secrets without echo) "
            "when any of --user-id/--token/--secret is missing. Before saving, the credentials "
            "are checked with a real API call and the relay with a websocket connect; nothing "
            "is saved if a check fails. Options on the command line are visible to other users "
            "of this machine (ps, shell history): prefer the prompt for secrets."
        ),
    )
    add.add_argument("name", metavar="NAME", help="profile name (letters, digits, - and _)")
    add.add_argument("--user-id", help="account user id, u-…")
    add.add_argument("--token", help="API token")
    add.add_argument("--secret", help="API secret")
    add.add_argument("--api-url", help=f"API base URL (default {DEFAULT_API_URL})")
    add.add_argument("--relay-url", help="relay base URL, e.g. https://relay.example.com")
    add.add_argument("--relay-token", help="relay bearer token")
    add.add_argument("--relay-channel", help="relay channel for this account's callbacks")
    add.add_argument("--no-check", action="store_true", help="save without checking")
    add.add_argument("--replace", action="store_true", help="overwrite a profile of that name")
    add.add_argument("--use", action="store_true", help="make it the active profile")

    listing = actions.add_parser("list", help="list profiles (secrets masked, active marked *)")
    listing.add_argument(
        "--json", action="store_true", help="print the profiles as JSON (secrets still masked)"
    )
    remove = actions.add_parser("remove", help="delete a profile")
    remove.add_argument("name", metavar="NAME")
    use = actions.add_parser("use", help="make a profile the active one")
    use.add_argument("name", metavar="NAME")
    show = actions.add_parser(
        "show", help="show a profile (default: the active one) with env overrides applied"
    )
    show.add_argument("name", metavar="NAME", nargs="?")

    point = actions.add_parser(
        "point-callbacks",
        help="point an application's call and message URLs at the relay (old ones saved)",
        description=(
            "Set the application's incomingCallUrl and incomingMessageUrl to the profile's "
            "relay ({relay_url}/callbacks/{channel}). The current URLs are shown first and "
            "saved, so restore-callbacks can put them back."
        ),
    )
    restore = actions.add_parser(
        "restore-callbacks",
        help="put back the callback URLs point-callbacks replaced",
        description="Restore the URLs saved by point-callbacks (shown before changing).",
    )
    create = actions.add_parser(
        "create-application",
        help="create an application whose call and message URLs go to the relay",
        description=(
            "Create an application on the profile's account (a real one too) with its "
            "incomingCallUrl and incomingMessageUrl at the profile's relay "
            "({relay_url}/callbacks/{channel}), as the console's Applications form does; "
            "prints its id."
        ),
    )
    create.add_argument("name", metavar="NAME", help="the application's name")
    for parser_ in (point, restore, create):
        parser_.add_argument(
            "--application",
            metavar="ID",
            help="application id (default: the only application, or every one with saved URLs)",
        )
        if parser_ is not create:
            parser_.add_argument("--yes", action="store_true", help="do not ask before changing")
        # SUPPRESS: `bwconsole --profile X config ...` must not be reset by this default.
        parser_.add_argument(
            "--profile",
            metavar="NAME",
            default=argparse.SUPPRESS,
            help="the profile whose account and relay to use (default: the active one)",
        )
    for parser_ in (point, create):
        parser_.add_argument(
            "--ingress-user", metavar="U", help="basic-auth user the relay expects"
        )
        parser_.add_argument(
            "--ingress-password-file", type=Path, metavar="F", help="file holding its password"
        )


def run(args: argparse.Namespace) -> int:
    """Run one `config` action; 0 on success, 1 on any error the user can fix."""
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "add": _add,
        "list": _list,
        "remove": _remove,
        "use": _use,
        "show": _show,
        "point-callbacks": _point_callbacks,
        "restore-callbacks": _restore_callbacks,
        "create-application": _create_application,
    }
    args.config_action = args.config_action or "list"
    try:
        return handlers[args.config_action](args)
    except (ConfigError, _UsageError, CallbackSetupError) as exc:
        print(f"{_PROG} {args.config_action}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


def _add(args: argparse.Namespace) -> int:
    config = load_config()
    name: str = args.name
    if problem := check_profile_name(name):
        raise _UsageError(problem)
    if name in config.profiles and not args.replace:
        raise _UsageError(f"profile {name!r} exists; add --replace to overwrite it")

    profile = _gather(args)
    if not args.no_check:
        from bwconsole import checks  # httpx and websockets load only when checking

        results = asyncio.run(checks.check_profile(profile))
        for result in results:
            if result.ok:
                print(result)
        failed = [f"{r.name}: {r.detail}" for r in results if not r.ok]
        if failed:
            raise _UsageError("; ".join(failed) + f"; profile {name!r} not saved")

    config.profiles[name] = profile
    if args.use or config.active is None:
        config.active = name
    save_config(config)
    state = "active" if config.active == name else f"use it with: bwconsole config use {name}"
    print(f"saved profile {name!r} to {config.path} ({state})")
    return 0


def _gather(args: argparse.Namespace) -> Profile:
    """The profile from the options, asking for what is missing, validated."""
    interactive = not (args.user_id and args.token and args.secret)
    ask = _asker(interactive)
    user_id = ask(args.user_id, "User id (u-…)", check_user_id)
    token = ask(args.token, "API token", _required("API token"), secret=True)
    secret = ask(args.secret, "API secret", _required("API secret"), secret=True)
    api_url = ask(args.api_url, f"API URL [{DEFAULT_API_URL}]", _check_url("API URL"))
    relay_url = ask(args.relay_url, "Relay URL (blank for none)", _check_url("relay URL"))
    relay_token = relay_channel = ""
    if relay_url:
        relay_channel = ask(args.relay_channel, "Relay channel", check_channel)
        relay_token = ask(
            args.relay_token, "Relay token (blank for none)", lambda v: None, secret=True
        )
        if not relay_channel:
            raise _UsageError("a relay needs a channel: add --relay-channel")
    elif args.relay_token or args.relay_channel:
        raise _UsageError("--relay-token and --relay-channel need --relay-url")
    return Profile(
        name=args.name,
        user_id=user_id,
        api_token=token,
        api_secret=secret,
        api_url=api_url or DEFAULT_API_URL,
        relay_url=relay_url or None,
        relay_token=relay_token or None,
        relay_channel=relay_channel or None,
    )


_Validator = Callable[[str], str | None]


def _asker(interactive: bool) -> Callable[..., str]:
    """A function returning the option's value, else the user's answer, validated.

    On a terminal a bad answer is asked again (three tries); from a pipe or when
    not interactive the first problem is the error.
    """
    tty = sys.stdin.isatty()

    def ask(given: str | None, label: str, validate: _Validator, *, secret: bool = False) -> str:
        if given is not None or not interactive:
            value = (given or "").strip()
            if error := validate(value):
                raise _UsageError(error)
            return value
        problem: str | None = None
        for _ in range(3 if tty else 1):
            if problem:
                print(problem, file=sys.stderr)
            try:
                answer = getpass.getpass(f"{label}: ") if secret and tty else input(f"{label}: ")
            except EOFError:
                raise _UsageError(f"no answer for {label.split(' (')[0].split(' [')[0]}") from None
            problem = validate(answer.strip())
            if not problem:
                return answer.strip()
        raise _UsageError(problem or "no valid answer")

    return ask


def _required(label: str) -> _Validator:
    return lambda value: None if value else f"{label} is required"


def _check_url(label: str) -> _Validator:
    """Blank is fine (the default applies); anything else must be an http(s) URL."""
    return lambda value: check_url(value, label)


def _list(args: argparse.Namespace) -> int:
    config = load_config()
    if getattr(args, "json", False):
        overridden = [var for var in ENV_OVERRIDES if os.environ.get(var)]
        document = {
            "path": str(config.path),
            "active": config.active,
            "profiles": [
                {**profile.masked(), "active": name == config.active}
                for name, profile in sorted(config.profiles.items())
            ],
            "environment_overrides": overridden,
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    if not config.profiles:
        print(f"no profiles in {config.path}; add one with: bwconsole config add NAME")
    else:
        header = ("", "NAME", "USER ID", "API URL", "TOKEN", "SECRET", "RELAY")
        rows: list[tuple[str, ...]] = [header]
        for name, profile in sorted(config.profiles.items()):
            shown = profile.masked()
            relay = f"{shown['relay_url']} #{shown['relay_channel']}" if profile.relay_url else "-"
            mark = "*" if name == config.active else ""
            rows.append(
                (mark, name, shown["user_id"], shown["api_url"])
                + (shown["api_token"], shown["api_secret"], relay)
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            print(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
    _note_env_overrides()
    return 0


def _note_env_overrides() -> None:
    active = [var for var in ENV_OVERRIDES if os.environ.get(var)]
    if active:
        print(f"set in the environment, overriding the profile in use: {', '.join(active)}")


def _remove(args: argparse.Namespace) -> int:
    config = load_config()
    _require(config, args.name)
    del config.profiles[args.name]
    note = ""
    if config.active == args.name:
        config.active = None
        note = "; no profile is active now (bwconsole config use NAME)"
    save_config(config)
    print(f"removed profile {args.name!r}{note}")
    return 0


def _use(args: argparse.Namespace) -> int:
    config = load_config()
    _require(config, args.name)
    config.active = args.name
    save_config(config)
    print(f"active profile: {args.name}")
    return 0


def _show(args: argparse.Namespace) -> int:
    config = load_config()
    profile = resolve_profile(config, args.name)
    if profile is None:
        raise _UsageError("no active profile and no BANDWIDTH_* variables; name a profile")
    for key, value in profile.masked().items():
        print(f"{key:14} {value}")
    _note_env_overrides()
    return 0


def _require(config: Config, name: str) -> None:
    if name not in config.profiles:
        known = ", ".join(sorted(config.profiles)) or "none"
        raise _UsageError(f"no profile named {name!r} (profiles: {known})")


def _point_callbacks(args: argparse.Namespace) -> int:
    profile = _callback_profile(args)
    ingress = _ingress(args)

    async def plans() -> list[CallbackPlan]:
        async with _client(profile) as client:
            ids = [args.application] if args.application else [await _only_application(client)]
            return [await plan_point(client, profile, app_id, ingress=ingress) for app_id in ids]

    return _carry_out(args, profile, _talk(plans()))


def _create_application(args: argparse.Namespace) -> int:
    profile = _callback_profile(args)
    url = relay_callback_url(profile, _ingress(args))

    async def create() -> str:
        async with _client(profile) as client:
            return await client.applications.create(
                name=args.name, incoming_call_url=url, incoming_message_url=url
            )

    app_id = _talk(create())
    print(
        f"created application {app_id} ({args.name}); its calls and messages go to "
        f"{display_url(url)}"
    )
    print("assign numbers to it in the console's Numbers pane (a) to receive their events")
    return 0


def _restore_callbacks(args: argparse.Namespace) -> int:
    profile = _callback_profile(args)
    ids = [args.application] if args.application else saved_applications(profile)
    if not ids:
        raise _UsageError(f"no saved callback URLs for profile {profile.name!r} in {backup_path()}")

    async def plans() -> list[CallbackPlan]:
        async with _client(profile) as client:
            return [await plan_restore(client, profile, app_id) for app_id in ids]

    return _carry_out(args, profile, _talk(plans()))


def _carry_out(args: argparse.Namespace, profile: Profile, plans: list[CallbackPlan]) -> int:
    """Show each plan, ask (unless --yes), then apply the ones that change something."""
    pending = []
    for plan in plans:
        print(plan.describe())
        if plan.needed:
            pending.append(plan)
        else:
            print("  nothing to change")
    if not pending:
        return 0
    verb = "Point" if pending[0].action == "point" else "Restore"
    if not args.yes and not _confirm(f"{verb} these URLs in profile {profile.name!r}? [y/N] "):
        print("left unchanged")
        return 1

    async def apply() -> None:
        async with _client(profile) as client:
            for plan in pending:
                await apply_plan(client, plan)

    _talk(apply())
    for plan in pending:
        if plan.action == "point":
            print(
                f"pointed application {plan.application_id} at the relay; previous URLs saved in "
                f"{backup_path()} (undo: bwconsole config restore-callbacks "
                f"--application {plan.application_id})"
            )
        else:
            print(f"restored the callback URLs of application {plan.application_id}")
    return 0


def _talk(work: Coroutine[Any, Any, _T]) -> _T:
    """Run API work; an API error becomes a one-line usage error."""
    from bwconsole.api import ApiError

    try:
        return asyncio.run(work)
    except ApiError as exc:
        raise _UsageError(str(exc)) from None


def _callback_profile(args: argparse.Namespace) -> Profile:
    profile = resolve_profile(load_config(), getattr(args, "profile", None))
    if profile is None:
        raise _UsageError("no profile to change (the sandbox needs none); add one with config add")
    return profile


def _ingress(args: argparse.Namespace) -> tuple[str, str] | None:
    if (args.ingress_user is None) != (args.ingress_password_file is None):
        raise _UsageError("--ingress-user and --ingress-password-file go together")
    if args.ingress_user is None:
        return None
    try:
        password = args.ingress_password_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise _UsageError(f"{args.ingress_password_file}: {exc.strerror or exc}") from None
    return args.ingress_user, password


def _client(profile: Profile) -> Client:
    from bwconsole.api import Client

    return Client(profile.user_id, profile.api_token, profile.api_secret, profile.api_url)


async def _only_application(client: Client) -> str:
    applications = await client.applications.list()
    if len(applications) == 1 and applications[0].id:
        return applications[0].id
    if not applications:
        raise _UsageError("the account has no application; create one first")
    listed = ", ".join(f"{a.id} ({a.name})" for a in applications)
    raise _UsageError(f"several applications, name one with --application: {listed}")


def _confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False

"""Which relay channel `listen`, `events` and `trigger` work on, from flags, a profile or the sandbox.

In order: `--relay URL --channel NAME --token-file F` (all three); `--sandbox`,
or no profile configured at all (the embedded sandbox, as `bwconsole` itself
does); else the named or active profile's `relay_url`, `relay_channel` and
`relay_token`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from bwconsole.config import ConfigError, load_config, resolve_profile
from bwconsole.relay_urls import relay_urls

__all__ = [
    "RelayTarget",
    "TargetError",
    "add_target_options",
    "join_sandbox",
    "resolve_target",
]


class TargetError(Exception):
    """The relay cannot be worked out; the message tells the user what to pass."""


@dataclass(frozen=True)
class RelayTarget:
    """A relay channel and the token to follow it, or the embedded sandbox (`sandbox=True`)."""

    url: str = ""
    channel: str = ""
    token: str = ""
    sandbox: bool = False
    label: str = ""
    """What to call it in messages: `profile work`, `the sandbox`, the relay URL."""
    bxml_url: str = ""
    """The relay's BXML door as the API must call it (with the ingress credential when
    known: the embedded sandbox's); default `{url}/bxml/{channel}`."""

    @property
    def bxml_door(self) -> str:
        """`bxml_url`, or the door without credentials."""
        return self.bxml_url or relay_urls(self.url, self.channel).bxml


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """`--relay`, `--channel`, `--token-file`, `--sandbox`, `--profile` on a subcommand."""
    group = parser.add_argument_group("relay (default: the active profile's, else the sandbox)")
    group.add_argument(
        "--relay", metavar="URL", help="relay base URL (with --channel, --token-file)"
    )
    group.add_argument("--channel", metavar="NAME", help="relay channel the callbacks post to")
    group.add_argument(
        "--token-file", type=Path, metavar="F", help="file whose first token is the relay's"
    )
    # SUPPRESS: `bwconsole --sandbox listen` / `--profile X listen` must not be reset here
    group.add_argument(
        "--sandbox",
        action="store_true",
        default=argparse.SUPPRESS,
        help="the embedded sandbox (joined if a console runs it, else started here)",
    )
    group.add_argument(
        "--profile",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="the profile whose relay to use (default: the active one)",
    )


def resolve_target(args: argparse.Namespace) -> RelayTarget:
    """The relay channel the options name.

    Raises:
        TargetError: half of the explicit options, an unreadable token file, or a
            profile without a relay.
    """
    explicit = [args.relay, args.channel, args.token_file]
    if any(explicit):
        if not all(explicit):
            raise TargetError("--relay, --channel and --token-file go together")
        return RelayTarget(args.relay, args.channel, _token(args.token_file), label=args.relay)
    if getattr(args, "sandbox", False):
        return RelayTarget(sandbox=True, label="the sandbox")
    try:
        config = load_config()
        profile = resolve_profile(config, getattr(args, "profile", None))
    except ConfigError as exc:
        raise TargetError(str(exc)) from None
    if profile is None:
        return RelayTarget(sandbox=True, label="the sandbox")
    if not (profile.relay_url and profile.relay_channel and profile.relay_token):
        raise TargetError(
            f"profile {profile.name} has no relay: set it with `bwconsole config add "
            f"{profile.name} --replace --relay-url URL --relay-token T --relay-channel NAME`, "
            "or pass --relay, --channel and --token-file"
        )
    return RelayTarget(
        profile.relay_url,
        profile.relay_channel,
        profile.relay_token,
        label=f"profile {profile.name}",
    )


def _token(path: Path) -> str:
    from bwconsole.relay.cli import read_tokens

    try:
        tokens = read_tokens(path.expanduser())
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetError(f"cannot read the token file {path}: {exc}") from None
    if not tokens:
        raise TargetError(f"the token file {path} holds no token")
    return tokens[0]


def join_sandbox(target: RelayTarget) -> RelayTarget:
    """`target` itself, or for the sandbox the relay of the embedded sandbox running now.

    Raises:
        TargetError: no console (nor `listen --sandbox`) is running the sandbox.
    """
    if not target.sandbox:
        return target
    from bwconsole.config import data_dir
    from bwconsole.embedded import running_sandbox

    running = running_sandbox(data_dir())
    if running is None:
        raise TargetError(
            "the sandbox is not running: start `bwconsole` or `bwconsole listen --sandbox` first"
        )
    return RelayTarget(
        running.relay_url,
        running.channel,
        running.relay_token,
        sandbox=True,
        label="the sandbox",
        bxml_url=running.bxml_url,
    )

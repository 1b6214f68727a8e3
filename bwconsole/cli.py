"""The `bwconsole` entry point: the console by default, plus its subcommands.

Each subcommand lives in the module that owns it and exposes two functions,
`configure(parser)` and `run(args) -> int`; this file only wires them together.
Only the subcommand actually invoked is imported, so `bwconsole --help` and the
console's start-up do not pay for the servers' imports.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bwconsole import __version__
from bwconsole.logs import LEVELS

#: subcommand name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sandbox": ("bwconsole.sandbox.cli", "run the v1 API emulator alone"),
    "relay": ("bwconsole.relay.cli", "run the callback relay (on a public host)"),
    "config": (
        "bwconsole.config_cli",
        "add, list, remove and select profiles; point application callbacks at the relay",
    ),
    "doctor": ("bwconsole.doctor", "check the active profile end to end"),
    "listen": (
        "bwconsole.develop.listen_cli",
        "forward the relay's callbacks and BXML requests to your local app",
    ),
    "events": ("bwconsole.develop.events_cli", "list the relay's stored events; re-send them"),
    "trigger": ("bwconsole.develop.trigger", "make the sandbox start a call or a message"),
}


def invoked_subcommand(argv: Sequence[str]) -> str | None:
    """The subcommand named in `argv`, if any (the first word that is one)."""
    for word in argv:
        if word in SUBCOMMANDS:
            return word
    return None


#: Shells `--print-completion` writes a script for (what shtab supports).
COMPLETION_SHELLS = ("bash", "zsh", "tcsh")


FRESH_HELP = (
    "start over on the embedded sandbox with a newly seeded account "
    "(its account, events and the console's position are forgotten)"
)
"""Also the wording of docs/getting-started.md (tests/test_cli.py holds them together)."""


def build_parser(configure: str | None = None, *, every: bool = False) -> argparse.ArgumentParser:
    """The argument parser; only the subcommand named by `configure` gets its options.

    `every` configures all of them, for the completion script, which must know
    every option of every subcommand.
    """
    parser = argparse.ArgumentParser(
        prog="bwconsole",
        description=(
            "A keyboard-driven console for the Bandwidth Voice & Messaging v1 API. "
            "With no profile configured it runs on a built-in sandbox."
        ),
    )
    parser.add_argument("--version", action="version", version=f"bwconsole {__version__}")
    parser.add_argument(
        "--print-completion",
        choices=COMPLETION_SHELLS,
        metavar="SHELL",
        help="print a completion script for bash, zsh or tcsh and exit "
        '(e.g. eval "$(bwconsole --print-completion bash)")',
    )
    parser.add_argument("--sandbox", action="store_true", help="use the embedded sandbox")
    parser.add_argument("--profile", metavar="NAME", help="use this profile")
    parser.add_argument("--theme", metavar="NAME", help="colour theme (dark, light, contrast)")
    parser.add_argument("--fresh", action="store_true", help=FRESH_HELP)
    parser.add_argument(
        "--log-level",
        choices=LEVELS,
        default="warning",
        help="how much the console writes to its log file (default warning; "
        "`bwconsole doctor` prints where the file is)",
    )
    parser.add_argument(
        "--dev",
        action="store_true",
        help="also send log records and Textual's own log to `textual console` "
        "(uv run textual console, in another terminal)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if every or name == configure:
            module = importlib.import_module(module_name)
            module.configure(sub_parser)
            sub_parser.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(invoked_subcommand(argv)).parse_args(argv)
    if args.print_completion:
        import shtab

        print(shtab.complete(build_parser(every=True), shell=args.print_completion))
        return 0
    handler = getattr(args, "handler", None)
    if handler is not None:
        return int(handler(args))
    from bwconsole.tui.run import run_console

    return run_console(args)


if __name__ == "__main__":
    sys.exit(main())

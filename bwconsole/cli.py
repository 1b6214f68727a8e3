"""The `bwconsole` entry point: the console by default, plus its subcommands.

Each subcommand lives in the module that owns it and exposes two functions,
`configure(parser)` and `run(args) -> int`; this file only wires them together,
importing each lazily so `bwconsole --help` and start-up stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: subcommand name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sandbox": ("bwconsole.sandbox.cli", "run the v1 API emulator alone"),
    "relay": ("bwconsole.relay.cli", "run the callback relay (on a public host)"),
    "config": ("bwconsole.config_cli", "add, list, remove and select profiles"),
    "doctor": ("bwconsole.doctor", "check the active profile end to end"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bwconsole",
        description=(
            "A keyboard-driven console for the Bandwidth Voice & Messaging v1 API. "
            "With no profile configured it runs on a built-in sandbox."
        ),
    )
    parser.add_argument("--sandbox", action="store_true", help="use the embedded sandbox")
    parser.add_argument("--profile", metavar="NAME", help="use this profile")
    parser.add_argument("--theme", metavar="NAME", help="colour theme (dark, light, contrast)")
    parser.add_argument("--fresh", action="store_true", help="start the sandbox with empty state")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            sub_parser.set_defaults(unavailable=name)
            continue
        module.configure(sub_parser)
        sub_parser.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "unavailable", None):
        print(f"bwconsole {args.unavailable}: not available in this build yet", file=sys.stderr)
        return 2
    handler = getattr(args, "handler", None)
    if handler is not None:
        return int(handler(args))
    from bwconsole.tui.run import run_console

    return run_console(args)


if __name__ == "__main__":
    sys.exit(main())

"""Start the console from the command line (`bwconsole`, `bwconsole --sandbox`)."""

from __future__ import annotations

import argparse
import sys

from bwconsole.tui.themes import DEFAULT_THEME, ThemeError

__all__ = ["run_console"]


def run_console(args: argparse.Namespace) -> int:
    """Run the console until the user quits; returns the process exit status.

    Reads `--theme` and `--sandbox` from `args`. Feeding the panes from the
    sandbox, the relay and the API is wired in by the modules that own them.
    """
    from bwconsole.tui.app import BwConsoleApp

    try:
        app = BwConsoleApp(
            theme=getattr(args, "theme", None) or DEFAULT_THEME,
            profile_name=getattr(args, "profile", None) or "sandbox",
            sandbox=bool(getattr(args, "sandbox", False)) or not getattr(args, "profile", None),
        )
    except ThemeError as exc:
        print(f"bwconsole: {exc}", file=sys.stderr)
        return 2
    app.run()
    return 0

"""Start the console (placeholder until the Textual app lands)."""

from __future__ import annotations

import argparse
import sys


def run_console(args: argparse.Namespace) -> int:
    print("The bwconsole console is being built; see `bwconsole --help` for what works now.", file=sys.stderr)
    return 0

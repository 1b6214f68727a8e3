"""Start the console from the command line (`bwconsole`, `bwconsole --sandbox`)."""

from __future__ import annotations

import argparse
import gc
import sys

__all__ = ["run_console", "save_theme", "tune_gc"]

GC_THRESHOLD = (10_000, 10, 10)
"""Allocations between young collections, and young collections between older ones."""


def tune_gc() -> None:
    """Collect garbage less often, so a busy console does not stall mid-frame.

    A console streaming 1,000 events/s allocates fast; with Python's default
    threshold (700) it ran ~3 full collections a second of up to ~70 ms each,
    which set its p99 event-to-screen lag. With 10,000 it runs about one in four
    seconds (benchmarks/console_bench.py, docs/performance.md). Process-wide, so
    it is done here at start-up rather than by the app class.
    """
    gc.set_threshold(*GC_THRESHOLD)


def save_theme(name: str) -> None:
    """Keep the theme picked in the console as `theme` in config.toml.

    Raises:
        ConfigError: config.toml cannot be read or written.
    """
    from bwconsole.config import load_config, save_config

    config = load_config()
    config.theme = name
    save_config(config)


def run_console(args: argparse.Namespace) -> int:
    """Run the console until the user quits; returns the process exit status.

    Reads `--theme`, `--profile` and `--sandbox` from `args`, and `theme`,
    `[keymap]` and user themes (`<config dir>/themes/*.tcss`) from the config.
    With no profile it runs on the embedded sandbox (`--fresh` starts it anew).
    """
    from bwconsole.config import ConfigError, config_dir, load_config, resolve_profile
    from bwconsole.tui.app import BwConsoleApp
    from bwconsole.tui.backend import BackendOptions
    from bwconsole.tui.themes import DEFAULT_THEME, ThemeError

    _start_logging(args)  # before the app exists: --dev must be set when it is created
    try:
        config = load_config()
        profile = None if args.sandbox else resolve_profile(config, args.profile)
    except ConfigError as exc:
        print(f"bwconsole: {exc}", file=sys.stderr)
        return 2
    if args.profile and profile is None:
        print(
            f"bwconsole: no profile named {args.profile!r} (see `bwconsole config list`)",
            file=sys.stderr,
        )
        return 2
    try:
        app = BwConsoleApp(
            theme=args.theme or config.theme or DEFAULT_THEME,
            keymap=config.keymap,
            theme_dirs=[config_dir() / "themes"],
            profile_name=profile.name if profile is not None else "sandbox",
            sandbox=profile is None,
            backend=BackendOptions(profile=profile, fresh=bool(args.fresh)),
            save_theme=save_theme,
        )
    except ThemeError as exc:
        print(f"bwconsole: {exc}", file=sys.stderr)
        return 2
    tune_gc()
    app.run()
    return 0


def _start_logging(args: argparse.Namespace) -> None:
    """Log to the file (and `textual console` with `--dev`); a failure costs the log only."""
    from bwconsole.logs import setup_logging

    try:
        setup_logging(getattr(args, "log_level", "warning"), dev=bool(getattr(args, "dev", False)))
    except OSError as exc:
        print(f"bwconsole: not logging to a file: {exc}", file=sys.stderr)

"""`bwconsole relay`: run the relay on uvicorn with the options of `docs/relay.md`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import secrets
import signal
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from uvicorn.config import LOG_LEVELS
from uvicorn.logging import DefaultFormatter

from bwconsole.files import readable_by_others
from bwconsole.relay.app import create_app, server_options
from bwconsole.relay.logs import ExhaustionLog
from bwconsole.relay.server import raise_fd_limit
from bwconsole.relay.state import DEFAULT_QUEUE_BYTES, DEFAULT_QUEUE_LIMIT, Relay
from bwconsole.relay.tokens import parse_token_line

__all__ = ["configure", "parse_duration", "read_tokens", "run"]

log = logging.getLogger("bwconsole.relay")

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def parse_duration(text: str) -> float:
    """`7d`, `12h`, `30m`, `5s`, `500ms` or plain seconds -> seconds.

    Raises:
        argparse.ArgumentTypeError: for anything else.
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (try 5s, 30m, 7d)")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def read_tokens(path: Path) -> list[str]:
    """Token lines from a file, one a line; blank lines and `#` comments are skipped.

    A line is `TOKEN` (every channel) or `TOKEN channel-a,channel-b`.

    Raises:
        OSError: the file cannot be read.
        ValueError: a malformed line (named by its number).
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    tokens = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            parse_token_line(line)
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
        tokens.append(line.strip())
    return tokens


class _OptionError(Exception):
    """A bad option value: reported as one line naming the option, exit status 2."""


def _read(option: str, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise _OptionError(f"{option} {path}: {reason}") from None


def _tokens(path: Path) -> list[str]:
    _read("--token-file", path)
    try:
        tokens = read_tokens(path)
    except (OSError, ValueError) as exc:
        raise _OptionError(f"--token-file {path}: {exc}") from None
    if not tokens:
        raise _OptionError(f"--token-file {path}: no tokens")
    return tokens


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the relay's options to its subcommand parser."""
    parser.add_argument(
        "--host", default="0.0.0.0", help="interface to listen on (default 0.0.0.0)"
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument(
        "--store",
        default="sqlite",
        help="sqlite (default, in the user data dir), sqlite:PATH, memory, or "
        "redis://HOST:PORT/DB (several instances sharing one log)",
    )
    parser.add_argument(
        "--token-file",
        type=Path,
        help="bearer tokens for consoles, one a line (reloaded on SIGHUP); "
        "without it a random token is generated and printed",
    )
    parser.add_argument("--ingress-user", help="require this basic-auth user on callbacks")
    parser.add_argument(
        "--ingress-password-file", type=Path, help="file holding the basic-auth password"
    )
    parser.add_argument(
        "--retention", type=parse_duration, help="prune events older than this (e.g. 7d)"
    )
    parser.add_argument(
        "--bxml-timeout",
        type=parse_duration,
        default=5.0,
        help="wait this long for a console's BXML answer (default 5s; the API gives up at 10s)",
    )
    parser.add_argument(
        "--bxml-fallback", type=Path, help="BXML file returned when no console answers"
    )
    parser.add_argument(
        "--ping-interval", type=parse_duration, default=5.0, help="ping consoles this often (5s)"
    )
    parser.add_argument(
        "--queue-limit",
        type=int,
        default=DEFAULT_QUEUE_LIMIT,
        help=f"frames queued per console before cutting it off (default {DEFAULT_QUEUE_LIMIT})",
    )
    parser.add_argument(
        "--queue-bytes",
        type=int,
        default=DEFAULT_QUEUE_BYTES,
        help=f"bytes queued per console before cutting it off (default {DEFAULT_QUEUE_BYTES})",
    )
    parser.add_argument(
        "--compression", action="store_true", help="enable websocket per-message deflate"
    )
    parser.add_argument("--ssl-certfile", help="serve HTTPS/WSS with this certificate (PEM)")
    parser.add_argument("--ssl-keyfile", help="private key of --ssl-certfile")
    parser.add_argument(
        "--log-level",
        default="info",
        help=f"{', '.join(LOG_LEVELS)} (default info)",
    )


def run(args: argparse.Namespace) -> int:
    """Start the relay and serve until SIGINT/SIGTERM; a bad option is one line on stderr, exit 2."""
    try:
        app = _build(args)
    except _OptionError as exc:
        print(f"bwconsole relay: {exc}", file=sys.stderr)
        return 2
    handler = logging.StreamHandler()
    handler.setFormatter(DefaultFormatter("%(levelprefix)s %(message)s", use_colors=False))
    log.addHandler(handler)
    log.setLevel(LOG_LEVELS[args.log_level])
    raise_fd_limit()
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        lifespan="on",
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        **server_options(app),
    )
    try:
        # uvicorn's own choice: uvloop when installed (uvicorn[standard]), a third less CPU an event
        with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
            runner.run(_serve(uvicorn.Server(config), app.state.relay, args.token_file))
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl+C after its clean shutdown
        pass
    return 0


def _build(args: argparse.Namespace) -> Starlette:
    if args.log_level not in LOG_LEVELS:
        raise _OptionError(f"--log-level {args.log_level}: use one of {', '.join(LOG_LEVELS)}")
    if (args.ingress_user is None) != (args.ingress_password_file is None):
        raise _OptionError("--ingress-user and --ingress-password-file go together")
    for option, value in (("--queue-limit", args.queue_limit), ("--queue-bytes", args.queue_bytes)):
        if value < 1:
            raise _OptionError(f"{option} {value}: must be at least 1")
    ingress_auth = None
    if args.ingress_user is not None:
        password = _read("--ingress-password-file", args.ingress_password_file).strip()
        ingress_auth = (args.ingress_user, password)
    if args.token_file is not None:
        tokens = _tokens(args.token_file)
    else:
        tokens = [secrets.token_hex(32)]  # hex: never starts with "-" when pasted as an option
    _warn_if_exposed(
        ("--token-file", args.token_file), ("--ingress-password-file", args.ingress_password_file)
    )
    fallback = _read("--bxml-fallback", args.bxml_fallback) if args.bxml_fallback else None
    try:
        app = create_app(
            args.store,
            tokens=tokens,
            ingress_auth=ingress_auth,
            bxml_timeout=args.bxml_timeout,
            bxml_fallback=fallback,
            retention=args.retention,
            ping_interval=args.ping_interval,
            queue_limit=args.queue_limit,
            queue_bytes=args.queue_bytes,
            compression=args.compression,
        )
    except ValueError as exc:
        raise _OptionError(f"--store {args.store}: {exc}") from None
    if args.token_file is None:
        print(
            f"bwconsole relay: console token (no --token-file given): {tokens[0]}", file=sys.stderr
        )
    return app


def _warn_if_exposed(*files: tuple[str, Path | None]) -> None:
    """A line on stderr for each secret file others may read: the relay still starts."""
    for option, path in files:
        if path is not None and (warning := readable_by_others(path)):
            print(f"bwconsole relay: warning: {option} {warning}", file=sys.stderr)


async def _serve(server: uvicorn.Server, relay: Relay, token_file: Path | None) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(ExhaustionLog())
    if token_file is not None:

        def reload() -> None:
            try:
                tokens = read_tokens(token_file)
                revoked = relay.set_tokens(tokens)
            except (OSError, ValueError) as exc:
                log.error("keeping the old tokens: %s: %s", token_file, exc)
                return
            log.info("reloaded %d token(s); %d connection(s) closed", len(tokens), revoked)

        loop.add_signal_handler(signal.SIGHUP, reload)
    await server.serve()

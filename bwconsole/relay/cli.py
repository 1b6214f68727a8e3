"""`bwconsole relay`: run the relay on uvicorn with the options of `docs/relay.md`."""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import signal
import sys
from pathlib import Path

import uvicorn

from bwconsole.relay.app import DEFAULT_QUEUE_LIMIT, Relay, create_app, server_options

__all__ = ["configure", "parse_duration", "read_tokens", "run"]

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
    """Tokens from a file, one a line; blank lines and `#` comments are skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


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
        "--compression", action="store_true", help="enable websocket per-message deflate"
    )
    parser.add_argument("--ssl-certfile", help="serve HTTPS/WSS with this certificate (PEM)")
    parser.add_argument("--ssl-keyfile", help="private key of --ssl-certfile")
    parser.add_argument("--log-level", default="info", help="uvicorn log level (default info)")


def run(args: argparse.Namespace) -> int:
    """Start the relay and serve until SIGINT/SIGTERM."""
    if (args.ingress_user is None) != (args.ingress_password_file is None):
        print("--ingress-user and --ingress-password-file go together", file=sys.stderr)
        return 2
    ingress_auth = None
    if args.ingress_user is not None:
        password = args.ingress_password_file.read_text(encoding="utf-8").strip()
        ingress_auth = (args.ingress_user, password)
    if args.token_file is not None:
        tokens = read_tokens(args.token_file)
        if not tokens:
            print(f"{args.token_file}: no tokens", file=sys.stderr)
            return 2
    else:
        tokens = [secrets.token_hex(32)]  # hex: never starts with "-" when pasted as an option
        print(
            f"bwconsole relay: console token (no --token-file given): {tokens[0]}", file=sys.stderr
        )
    fallback = args.bxml_fallback.read_text(encoding="utf-8") if args.bxml_fallback else None
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
            compression=args.compression,
        )
    except ValueError as exc:
        print(f"bwconsole relay: {exc}", file=sys.stderr)
        return 2
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
        asyncio.run(_serve(uvicorn.Server(config), app.state.relay, args.token_file))
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl+C after its clean shutdown
        pass
    return 0


async def _serve(server: uvicorn.Server, relay: Relay, token_file: Path | None) -> None:
    if token_file is not None:

        def reload() -> None:
            try:
                tokens = read_tokens(token_file)
            except OSError as exc:
                print(f"bwconsole relay: keeping old tokens: {exc}", file=sys.stderr)
                return
            relay.set_tokens(tokens)
            print(f"bwconsole relay: reloaded {len(tokens)} token(s)", file=sys.stderr)

        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reload)
    await server.serve()

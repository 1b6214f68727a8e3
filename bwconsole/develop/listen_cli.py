"""`bwconsole listen --forward-to URL`: the relay's callbacks, and BXML requests, to a local app.

Exit codes (also in `--help`): 0 stopped by Ctrl+C or SIGTERM; 1 a setting is
wrong or missing (the message says which); 2 bad usage; 3 the relay refused
the token.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import socket
import sys
from urllib.parse import urlsplit

from bwconsole.develop.target import RelayTarget, TargetError, add_target_options, resolve_target

__all__ = ["configure", "run"]

EXIT_OK, EXIT_SETTINGS, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3

EPILOG = """\
Each callback is re-sent to URL exactly as the v1 API sent it (method, query
string, body byte for byte, headers except hop-by-hop ones and the relay's
credentials), plus X-Bwconsole-Event-Seq (the event's seq, an idempotency key)
and X-Bwconsole-Received-At (when the relay received it). An event is acked to
the relay only once the app answered 2xx; until then it is retried with backoff
and the events after it wait, so nothing is lost or reordered while the app or
the laptop is down. Delivery is at least once: after a crash an event may come
again, with the same seq.

BXML requests (the relay's /bxml/CHANNEL door) are forwarded at once; the app's
answer goes back to the API, checked by bwconsole's BXML parser (problems are
printed). They carry X-Bwconsole-Bxml-Url, the relay's BXML door, for the
requestUrl of a Gather or Redirect. An app that answers non-2xx, or not within
--bxml-timeout, gets the relay's fallback.

exit codes: 0 stopped (Ctrl+C, SIGTERM; the event in flight stays unacked and
comes again next time), 1 a setting is wrong or missing, 2 bad usage,
3 the relay refused the token.
"""


def _url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"not an http(s) URL: {text!r}")
    return text


def _seq(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a seq (1, 2, ...): {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    from bwconsole.relay.cli import parse_duration

    return parse_duration(text)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add `listen`'s options."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument(
        "--forward-to",
        required=True,
        type=_url,
        metavar="URL",
        help="the local app's URL, e.g. http://localhost:8000/bandwidth",
    )
    parser.add_argument(
        "--bxml-to",
        type=_url,
        metavar="URL",
        help="send BXML requests here instead (default: --forward-to)",
    )
    parser.add_argument(
        "--events",
        metavar="TYPES",
        help="forward only these event types, comma-separated (answer,hangup,sms); "
        "the others are acked unsent",
    )
    parser.add_argument(
        "--from",
        dest="from_seq",
        type=_seq,
        metavar="SEQ",
        help="re-deliver the channel's stored events from SEQ on, then continue live "
        "(default: after the last event this listen acked)",
    )
    parser.add_argument("--print-json", action="store_true", help="print each event's payload")
    parser.add_argument("--quiet", action="store_true", help="print only retries and problems")
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=10.0,
        metavar="D",
        help="time the app has to answer one delivery before it is retried (default 10s)",
    )
    parser.add_argument(
        "--retry-max",
        type=_seconds,
        default=10.0,
        metavar="D",
        help="longest wait between retries (default 10s; the first is 0.25s, doubling)",
    )
    parser.add_argument(
        "--bxml-timeout",
        type=_seconds,
        default=4.0,
        metavar="D",
        help="time the app has for a BXML answer (default 4s; never past the relay's own "
        "--bxml-timeout, less 0.5s)",
    )
    add_target_options(parser)


def run(args: argparse.Namespace) -> int:
    """Follow the channel until Ctrl+C; the exit code says how it ended."""
    try:
        target = resolve_target(args)
    except TargetError as exc:
        print(f"bwconsole listen: {exc}", file=sys.stderr)
        return EXIT_SETTINGS
    try:
        return asyncio.run(_main(args, target))
    except KeyboardInterrupt:  # a second Ctrl+C while stopping
        return EXIT_OK


async def _main(args: argparse.Namespace, target: RelayTarget) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    if not target.sandbox:
        return await _listen(args, target, stop)
    from bwconsole.config import data_dir
    from bwconsole.develop.target import join_sandbox
    from bwconsole.embedded import EmbeddedBusy, embedded, running_sandbox

    if running_sandbox(data_dir()) is not None:
        return await _listen(args, join_sandbox(target), stop)
    try:
        async with embedded(data_dir=data_dir()) as env:
            print(f"sandbox API {env.api_url} (no console was running it: started here)")
            profile = env.profile
            assert profile.relay_token is not None
            sandbox_target = RelayTarget(
                env.relay_url,
                profile.relay_channel or "",
                profile.relay_token,
                label="the sandbox",
                bxml_url=env.bxml_url,
            )
            return await _listen(args, sandbox_target, stop)
    except EmbeddedBusy as exc:
        print(f"bwconsole listen: {exc}", file=sys.stderr)
        return EXIT_SETTINGS


async def _listen(args: argparse.Namespace, target: RelayTarget, stop: asyncio.Event) -> int:
    from bwconsole.config import data_dir
    from bwconsole.develop.forward import Forwarder
    from bwconsole.develop.listen import Listener, RelayRefused
    from bwconsole.develop.output import Printer

    printer = Printer(quiet=args.quiet, print_json=args.print_json)
    forwarder = Forwarder(
        args.forward_to,
        bxml_url=args.bxml_to,
        relay_bxml_url=target.bxml_door,
        timeout=args.timeout,
        backoff=(0.25, args.retry_max),
    )
    events = [word.strip() for word in (args.events or "").split(",") if word.strip()]
    host = re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname())[:40] or "laptop"
    listener = Listener(
        target.url,
        target.channel,
        target.token,
        forwarder=forwarder,
        printer=printer,
        state_dir=data_dir() / "listen",
        events=events,
        after=args.from_seq - 1 if args.from_seq else None,
        bxml_timeout=args.bxml_timeout,
        subscriber=f"listen-{host}",
    )
    try:
        await listener.run(stop)
    except RelayRefused as exc:
        print(f"bwconsole listen: {exc}; check the token", file=sys.stderr)
        return EXIT_REFUSED
    printer.info(f"stopped after {listener.delivered} deliveries")
    return EXIT_OK

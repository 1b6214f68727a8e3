"""`bwconsole events list` and `bwconsole events resend SEQ...`: the relay's log, replayed on demand.

Exit codes: 0 done; 1 a setting is wrong or missing, or the relay cannot be
read; 2 bad usage; 3 the relay refused the token; 4 (resend) a seq is not
stored, or the app did not answer 2xx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys

from bwconsole.develop.target import (
    RelayTarget,
    TargetError,
    add_target_options,
    join_sandbox,
    resolve_target,
)

__all__ = ["configure", "run"]

EXIT_OK, EXIT_SETTINGS, EXIT_REFUSED, EXIT_FAILED = 0, 1, 3, 4
_RANGE = re.compile(r"(\d+)(?:-(\d+))?")


def _seqs(text: str) -> list[int]:
    match = _RANGE.fullmatch(text)
    if match is None or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"not a seq or a range of seqs (42, 40-45): {text!r}")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first or last - first > 10_000:
        raise argparse.ArgumentTypeError(f"not a range of at most 10,000 seqs: {text!r}")
    return list(range(first, last + 1))


def configure(parser: argparse.ArgumentParser) -> None:
    """Add `events list` and `events resend`."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser(
        "list",
        help="the channel's recent stored events",
        description="List stored events of the relay channel, oldest first (the newest "
        "1,000 are looked at unless --after says where to start).",
    )
    show.add_argument("--type", metavar="TYPES", help="only these event types (answer,sms)")
    show.add_argument("--id", metavar="ID", help="only events about this call/message/... id")
    show.add_argument(
        "--since",
        metavar="TIME",
        help="received at or after this UTC time (ISO 8601 prefix: 2026-12-03T14:05)",
    )
    show.add_argument("--after", type=int, metavar="SEQ", help="start after this seq")
    show.add_argument(
        "--limit", type=int, default=50, metavar="N", help="show the last N that match (default 50)"
    )
    show.add_argument("--json", action="store_true", help="one JSON event frame a line")
    add_target_options(show)
    resend = actions.add_parser(
        "resend",
        help="deliver stored events to your local app again",
        description="Re-send stored events to --forward-to exactly as listen does (same "
        "headers, same X-Bwconsole-Event-Seq). Nothing is acked: listen's position is kept.",
    )
    resend.add_argument("seqs", nargs="+", type=_seqs, metavar="SEQ", help="42, or 40-45")
    resend.add_argument("--forward-to", required=True, metavar="URL", help="the app's URL")
    resend.add_argument("--bxml-to", metavar="URL", help="BXML requests go here instead")
    resend.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds the app has for each (default 10)",
    )
    add_target_options(resend)


def run(args: argparse.Namespace) -> int:
    """Run one `events` action."""
    try:
        target = join_sandbox(resolve_target(args))
    except TargetError as exc:
        print(f"bwconsole events: {exc}", file=sys.stderr)
        return EXIT_SETTINGS
    from bwconsole.develop.history import HistoryError

    try:
        if args.action == "list":
            return asyncio.run(_list(args, target))
        return asyncio.run(_resend(args, target))
    except HistoryError as exc:
        print(f"bwconsole events: {exc}", file=sys.stderr)
        return EXIT_REFUSED if exc.refused else EXIT_SETTINGS


async def _list(args: argparse.Namespace, target: RelayTarget) -> int:
    from bwconsole.develop.forward import event_id, event_type
    from bwconsole.develop.history import read_events

    events, _ = await read_events(target.url, target.channel, target.token, after=args.after)
    types = {word.strip() for word in (args.type or "").split(",") if word.strip()}
    matching = [
        live
        for live in events
        if (not types or event_type(live) in types)
        and (args.id is None or event_id(live) == args.id)
        and (args.since is None or live.received_at >= args.since)
    ]
    for live in matching[-args.limit :] if args.limit > 0 else []:
        if args.json:
            print(
                json.dumps(
                    {
                        "seq": live.seq,
                        "received_at": live.received_at,
                        "method": live.method,
                        "bxml": live.bxml,
                        "event": live.payload,
                    }
                )
            )
        else:
            door = "bxml" if live.bxml else "callback"
            print(
                f"#{live.seq:<6} {live.received_at}  {live.method:<4} {door:<8} "
                f"{event_type(live):<17} {event_id(live)}"
            )
    return EXIT_OK


async def _resend(args: argparse.Namespace, target: RelayTarget) -> int:
    from bwconsole.develop.forward import Forwarder, describe
    from bwconsole.develop.history import read_events
    from bwconsole.develop.listen import inspect_bxml
    from bwconsole.develop.output import Printer

    wanted = sorted({seq for group in args.seqs for seq in group})
    events, _ = await read_events(
        target.url, target.channel, target.token, after=wanted[0] - 1, until=wanted[-1]
    )
    found = {live.seq: live for live in events}
    printer = Printer()
    forwarder = Forwarder(
        args.forward_to,
        bxml_url=args.bxml_to,
        relay_bxml_url=target.bxml_door,
        timeout=args.timeout,
    )
    code = EXIT_OK
    try:
        for seq in wanted:
            live = found.get(seq)
            if live is None:
                printer.problem(f"#{seq}: not stored on channel {target.channel} (pruned?)")
                code = EXIT_FAILED
                continue
            try:
                answer = await forwarder.send_once(live)
            except Exception as exc:  # noqa: BLE001 - any transport failure is reported
                printer.problem(f"#{seq}: {describe(exc)}")
                code = EXIT_FAILED
                continue
            if live.bxml and answer.ok:
                printer.bxml(live, answer, *inspect_bxml(answer.body))
            else:
                printer.delivered(live, answer)
            if not answer.ok:
                code = EXIT_FAILED
    finally:
        await forwarder.aclose()
    return code

"""`bwconsole sandbox`: run the v1 API emulator alone, on uvicorn, until Ctrl+C or SIGTERM.

It prints the base URL and the credentials to use (the fixed defaults unless
given) and starts with an account that owns no numbers: programs order them
through the API, as on the real service.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import signal
import sys
from pathlib import Path
from typing import TextIO

from bwconsole.sandbox.core import (
    DEFAULT_SECRET,
    DEFAULT_TOKEN,
    DEFAULT_USER_ID,
    Credentials,
    Sandbox,
)

__all__ = ["banner", "configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)"
    )
    parser.add_argument(
        "--state", type=Path, metavar="FILE", help="SQLite file to keep state in across restarts"
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        metavar="X",
        help="run API time X times faster (default 1)",
    )
    parser.add_argument("--user-id", default=DEFAULT_USER_ID, metavar="U", help="account user id")
    parser.add_argument(
        "--token", default=DEFAULT_TOKEN, metavar="T", help="API token (basic auth user)"
    )
    parser.add_argument(
        "--secret", default=DEFAULT_SECRET, metavar="S", help="API secret (basic auth password)"
    )
    parser.add_argument(
        "--callback-host",
        metavar="H",
        help="host name for URLs the sandbox hands out before any request",
    )
    parser.add_argument("--seed", type=int, help="seed ids so runs repeat")
    parser.add_argument(
        "--rate-limits", action="store_true", help="enforce the documented rate limits"
    )


def banner(url: str, sandbox: Sandbox, state: Path | None) -> str:
    """What the command prints once it is listening."""
    creds = sandbox.credentials
    return "\n".join(
        [
            f"bwconsole sandbox listening on {url}",
            f"  base URL  {url}/v1",
            f"  user id   {creds.user_id}",
            f"  token     {creds.token}",
            f"  secret    {creds.secret}",
            f"  state     {state if state else 'in memory (use --state FILE to keep it)'}",
            "Press Ctrl+C to stop.",
        ]
    )


async def serve(args: argparse.Namespace, out: TextIO = sys.stdout) -> None:
    """Serve until SIGINT/SIGTERM, then shut down cleanly (state closed, callbacks cancelled)."""
    from bwconsole.sandbox.app import create_app
    from bwconsole.servers import BackgroundServer

    sandbox = Sandbox(
        Credentials(args.user_id, args.token, args.secret),
        state_file=args.state,
        time_scale=args.time_scale,
        seed=args.seed,
        rate_limits=args.rate_limits,
        callback_host=args.callback_host,
    )
    server = BackgroundServer(
        create_app(sandbox), host=args.host, port=args.port, log_level="warning"
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows
            loop.add_signal_handler(signum, stop.set)
    await server.start()
    _freeze_long_lived_objects()
    # A wildcard address is where it listens, not where a client can reach it.
    shown_host = args.host if args.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    url = f"http://{shown_host}:{server.port}"
    if args.callback_host is None:
        sandbox.base_url = url
    print(banner(url, sandbox, args.state), file=out, flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()


def _freeze_long_lived_objects() -> None:
    """Build the number inventory now and move it out of the garbage collector's sight.

    The inventory (~27,000 entries) is a quarter of the process's objects and lives
    forever; left tracked, every full collection walks it and took 60-150 ms,
    which set the p99 callback delay with 1,000 live calls
    (benchmarks/sandbox_bench.py: 18 ms -> 2.4 ms with the freeze).
    """
    from bwconsole.sandbox import inventory

    inventory.local_numbers()
    inventory.toll_free_numbers()
    gc.collect()
    gc.freeze()


def run(args: argparse.Namespace) -> int:
    if args.time_scale <= 0:
        print("bwconsole sandbox: --time-scale must be positive", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(
            f"bwconsole sandbox: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr
        )
        return 1
    return 0

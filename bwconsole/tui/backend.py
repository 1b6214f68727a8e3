"""What the console is connected to: an API client, a live relay subscription and,
on the sandbox, the embedded servers. No Textual here: the app hands in callbacks.

The command line resolves which profile to use (docs/configuration.md: `--sandbox`,
else `--profile`, else the active profile, else the `BANDWIDTH_*` variables, else
the embedded sandbox); `open_backend` connects to it, or starts the sandbox.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bwconsole.api import Client, Exchange
from bwconsole.config import Profile, data_dir
from bwconsole.live import BxmlRequest, Forwarded, LiveClient, LiveEvent

if TYPE_CHECKING:
    import httpx

    from bwconsole.sandbox.core import Sandbox

__all__ = ["HISTORY_EVENTS", "Backend", "BackendOptions", "open_backend"]

HISTORY_EVENTS = 2000
"""Events of earlier runs the console replays at start to rebuild its panes (the Events
pane keeps about as many); older history is still in the API's own listings."""


@dataclass(frozen=True)
class BackendOptions:
    """What the command line asked for."""

    profile: Profile | None = None
    """The account to use; None runs the embedded sandbox."""
    fresh: bool = False
    data_dir: Path | None = None
    time_scale: float = 1.0


@dataclass
class Backend:
    """A connected account."""

    profile: Profile
    client: Client
    live: LiveClient | None
    sandbox: Sandbox | None
    """The embedded `Sandbox` when running on it (None on a real account)."""
    data_dir: Path
    """Where the console keeps its local state for this account (the embedded
    sandbox's own directory on the sandbox)."""
    ingress: tuple[str, str] | None = None
    """Basic auth the relay's ingress wants, as user info of callback URLs (the
    embedded relay's; None on a real account, whose relay setup is the user's)."""

    @property
    def on_sandbox(self) -> bool:
        return self.sandbox is not None


@dataclass(frozen=True)
class Handlers:
    on_event: Callable[[LiveEvent], Awaitable[None] | None]
    on_state: Callable[[str], None]
    on_exchange: Callable[[Exchange], None]
    on_request: Callable[[BxmlRequest], Awaitable[str]] | None = None
    on_forwarders: Callable[[tuple[str, ...]], None] | None = None
    on_forwarded: Callable[[Forwarded], None] | None = None


@contextlib.asynccontextmanager
async def open_backend(
    options: BackendOptions,
    *,
    on_event: Callable[[LiveEvent], Awaitable[None] | None],
    on_state: Callable[[str], None],
    on_exchange: Callable[[Exchange], None],
    on_request: Callable[[BxmlRequest], Awaitable[str]] | None = None,
    on_forwarders: Callable[[tuple[str, ...]], None] | None = None,
    on_forwarded: Callable[[Forwarded], None] | None = None,
) -> AsyncIterator[Backend]:
    """Connect to the chosen account (starting the embedded sandbox if need be).

    `on_forwarders` and `on_forwarded` hear about `bwconsole listen`s forwarding the
    same channel to a developer's app (see `LiveClient`).

    Raises:
        EmbeddedBusy: another console already runs the sandbox on this data dir.
    """
    handlers = Handlers(on_event, on_state, on_exchange, on_request, on_forwarders, on_forwarded)
    profile = options.profile
    if profile is not None:
        root = options.data_dir or data_dir()
        async with _connected(profile, handlers, root=root, sandbox=None, ingress=None) as backend:
            yield backend
        return
    from bwconsole.embedded import embedded

    root = options.data_dir or data_dir()
    async with embedded(data_dir=root, fresh=options.fresh, time_scale=options.time_scale) as env:
        async with _connected(
            env.profile, handlers, root=env.data_dir, sandbox=env.sandbox, ingress=env.ingress
        ) as backend:
            yield backend


@contextlib.asynccontextmanager
async def _connected(
    profile: Profile,
    handlers: Handlers,
    *,
    root: Path,
    sandbox: Sandbox | None,
    ingress: tuple[str, str] | None,
) -> AsyncIterator[Backend]:
    live_dir = root / "live"
    client = Client(
        profile.user_id,
        profile.api_token,
        profile.api_secret,
        base_url=profile.api_url,
        on_exchange=handlers.on_exchange,
        transport=_loopback_transport() if sandbox is not None else None,
    )
    live: LiveClient | None = None
    if profile.relay_url and profile.relay_token and profile.relay_channel:
        live = LiveClient(
            profile.relay_url,
            profile.relay_channel,
            profile.relay_token,
            state_path=live_dir,
            on_event=handlers.on_event,
            on_state=handlers.on_state,
            on_request=handlers.on_request,
            history=HISTORY_EVENTS,
            on_forwarders=handlers.on_forwarders,
            on_forwarded=handlers.on_forwarded,
        )
    else:
        handlers.on_state("no relay configured")
    try:
        if live is not None:
            live_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (a few µs, once)
            await live.start()
        yield Backend(
            profile=profile,
            client=client,
            live=live,
            sandbox=sandbox,
            data_dir=root,
            ingress=ingress,
        )
    finally:
        if live is not None:
            await live.stop()
        await client.aclose()


def _loopback_transport() -> httpx.AsyncHTTPTransport:
    """The transport for the embedded sandbox (plain HTTP on 127.0.0.1, links included).

    httpx's default transport loads the system's CA certificates when the client is made,
    ~55 ms of CPU before the first pane can load (docs/performance.md, Start-up); the
    sandbox never speaks TLS, so its client skips that.
    """
    import httpx

    return httpx.AsyncHTTPTransport(
        verify=False, limits=httpx.Limits(max_keepalive_connections=10, keepalive_expiry=30.0)
    )

"""The console's connection to an account, without the screen.

The app owns one `Session` and hands it everything that is not drawing: opening
the backend (a real account, or the embedded sandbox and relay) in a task of its
own, which panes have fetched their rows and which still say loading, when the
balance is read again, and the plumbing of every API call a pane or an action
makes (`call_api`, `call_api_ok`: the API log has already told a failure, so an
action just stops). What happens is told back through `SessionHost`, a protocol
the app implements, and background work runs through the host's guarded worker
path, so no Textual is imported here and tests/test_tui_session.py drives a
session against the real embedded sandbox with a plain host.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Protocol, TypeVar

from bwconsole.api import ApiError
from bwconsole.tui.backend import Backend, BackendOptions, open_backend
from bwconsole.tui.console import NotConnected

if TYPE_CHECKING:
    from bwconsole.api import Client, Exchange
    from bwconsole.live import BxmlRequest, Forwarded, LiveEvent

__all__ = ["LIVE_CALL_STATES", "Session", "SessionHost"]

T = TypeVar("T")

BALANCE_REFRESH_SECONDS = 60.0
"""No event reports the balance, so the header re-reads it this often."""

CHARGING_EVENTS = frozenset({"hangup", "sms", "mms"})
"""Events after which the account may have been charged (a call's minutes, a message)."""
BALANCE_AFTER_CHARGE_SECONDS = 1.0
"""How long after such an event the header re-reads the balance."""

LIVE_CALL_STATES = frozenset({"started", "active", "transferring"})
"""Call states in which quitting would leave (or end) a call."""

BACKEND_CLOSE_SECONDS = 5.0
"""At exit, how long the embedded servers and the relay subscription get to close."""


class SessionHost(Protocol):
    """What the session tells the console it serves (the app implements it)."""

    def attached(self, backend: Backend) -> None:
        """The account is connected: show it (the header; the pane on screen loads)."""
        ...

    def on_live_event(self, live: LiveEvent) -> None:
        """A relay event arrived: log it and offer it to every pane."""
        ...

    def add_exchange(self, exchange: Exchange) -> None:
        """The API client made a REST call."""
        ...

    async def answer_bxml(self, request: BxmlRequest) -> str:
        """The relay forwards a BXML request; the answer goes back to it."""
        ...

    def relay_state_changed(self, state: str) -> None:
        """The relay connection in words: connected, connecting, disconnected…"""
        ...

    def forwarders_changed(self, names: tuple[str, ...]) -> None:
        """The `bwconsole listen`s forwarding this channel to an app."""
        ...

    def forwarded(self, report: Forwarded) -> None:
        """A `bwconsole listen` delivered an event to its app."""
        ...

    def loading_changed(self) -> None:
        """Which panes are loading changed (`Session.is_loading`)."""
        ...

    def balance_changed(self, balance: str) -> None:
        """The account balance was read."""
        ...

    def show_error(self, message: str, *, title: str = "Error") -> None:
        """Tell the user something went wrong, in words."""
        ...

    def run_background(self, work: Awaitable[None], *, group: str, exclusive: bool) -> None:
        """Run work in the background; a failure is told and never closes the console."""
        ...

    def set_timer(self, delay: float, callback: Callable[[], object]) -> object:
        """Call `callback` once after `delay` seconds, unless the console has closed."""
        ...

    def set_interval(self, interval: float, callback: Callable[[], object]) -> object:
        """Call `callback` every `interval` seconds while the console runs."""
        ...


class Session:
    """The account the console works on, from connecting to closing.

    Args:
        host: The console, told what happens.
        options: The account to connect to on `start`; None stays offline (tests
            feed the panes directly).
    """

    def __init__(self, host: SessionHost, options: BackendOptions | None) -> None:
        self.host = host
        self.options = options
        self.backend: Backend | None = None
        """The connected account, once connected."""
        self._connected = asyncio.Event()
        self._closing = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loaded: set[str] = set()
        self._fetching: set[str] = set()
        """Panes whose first fetch runs (they say loading…)."""
        self._replaying = False
        """While the relay replays earlier runs' events every pane says loading…."""

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        """Connect in the background (nothing to do without options)."""
        if self.options is not None:
            # A plain task, not a worker: Textual cancels workers at exit without waiting,
            # and the embedded servers need to close (and release their lock) cleanly.
            self._task = asyncio.create_task(self._run(self.options))

    async def close(self) -> None:
        """Disconnect, giving the backend `BACKEND_CLOSE_SECONDS` to close."""
        self._closing.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, BACKEND_CLOSE_SECONDS)
            except TimeoutError:
                pass  # cancelled by wait_for; the process is leaving anyway

    async def wait_connected(self) -> None:
        """Wait until the account is connected (tests and start-up actions)."""
        await self._connected.wait()

    async def _run(self, options: BackendOptions) -> None:
        host = self.host
        try:
            async with open_backend(
                options,
                on_event=self._on_event,
                on_state=host.relay_state_changed,
                on_exchange=host.add_exchange,
                on_request=host.answer_bxml,
                on_forwarders=host.forwarders_changed,
                on_forwarded=host.forwarded,
            ) as backend:
                self._attach(backend)
                await self._closing.wait()
        except Exception as exc:  # e.g. EmbeddedBusy, a port that cannot be bound
            host.show_error(f"Could not connect: {exc}", title="Connection")

    def _attach(self, backend: Backend) -> None:
        self.backend = backend
        self._connected.set()
        self._replaying = backend.live is not None and backend.live.replaying
        self.host.attached(backend)
        self.refresh_balance()
        self.host.set_interval(BALANCE_REFRESH_SECONDS, self.refresh_balance)

    def _on_event(self, live: LiveEvent) -> None:
        self.host.on_live_event(live)
        follower = self.backend.live if self.backend else None
        if self._replaying and (
            follower is None or not live.history or live.seq >= follower.last_seq
        ):
            self._replaying = False
            self.host.loading_changed()
        kind = live.event.event_type if live.event is not None else None
        if kind in CHARGING_EVENTS and not live.history and self.backend:
            # the charge is booked as the event goes out: read the balance a moment later
            self.host.set_timer(BALANCE_AFTER_CHARGE_SECONDS, self.refresh_balance)

    # --- the account ------------------------------------------------------------------------------

    @property
    def client(self) -> Client:
        """The API client of the connected account."""
        if self.backend is None:
            raise NotConnected("not connected to an account yet")
        return self.backend.client

    @property
    def relay_callback_url(self) -> str | None:
        """Where the API should send this account's callbacks: the relay's URL for the
        profile's channel (None before connecting, or when the profile has no relay)."""
        from bwconsole.callback_setup import CallbackSetupError, relay_callback_url

        if self.backend is None:
            return None
        try:
            return relay_callback_url(self.backend.profile, self.backend.ingress)
        except CallbackSetupError:
            return None

    async def call_api(self, request: Awaitable[T]) -> T | None:
        """Await an API request; on failure the user has been told (API log and a
        notification in words) and None comes back, so an action just stops."""
        return (await self._attempt(request))[1]

    async def call_api_ok(self, request: Awaitable[object]) -> bool:
        """Like `call_api`, for requests that answer nothing (updates, deletes):
        True when it succeeded."""
        return (await self._attempt(request))[0]

    async def _attempt(self, request: Awaitable[T]) -> tuple[bool, T | None]:
        try:
            return True, await request
        except ApiError:
            return False, None  # the API log (add_exchange) already showed it
        except NotConnected as exc:
            self.host.show_error(str(exc))
            return False, None

    def quit_question(self, call_states: Iterable[object]) -> str | None:
        """What to ask before quitting with calls up (None: nothing to ask)."""
        live = sum(1 for state in call_states if state in LIVE_CALL_STATES)
        if not live or self.backend is None:
            return None
        fate = (
            "the embedded sandbox stops with the console, so they end (cause "
            "SANDBOX_RESTARTED when it starts again)"
            if self.backend.on_sandbox
            else "they stay up on the account until hung up (h in Calls) or ended"
        )
        count = f"{live} call{'s are' if live > 1 else ' is'} up"
        return f"{count}: {fate}. Quit anyway?"

    # --- loading ----------------------------------------------------------------------------------

    def begin_load(self, pane_id: str) -> bool:
        """True when a pane should fetch its rows now: its first showing on a connected
        account. From then until its `load` ends it is loading."""
        if self.backend is None or pane_id in self._loaded:
            return False
        self._loaded.add(pane_id)
        # Until the first fetch ends an empty list would read as "nothing there".
        self._fetching.add(pane_id)
        return True

    async def load(
        self, pane_id: str, title: str, fetch: Callable[[Client], Awaitable[None]]
    ) -> None:
        """Run a pane's first fetch; an API failure is in the API log, another is told."""
        try:
            await self.call_api(fetch(self.client))
        except Exception as exc:
            self.host.show_error(f"{title} could not load: {exc}")
        finally:
            self._fetching.discard(pane_id)
            self.host.loading_changed()

    def is_loading(self, pane_id: str) -> bool:
        """True while a pane's first fetch runs, or the relay replays earlier events."""
        return self._replaying or pane_id in self._fetching

    # --- the balance ------------------------------------------------------------------------------

    def refresh_balance(self) -> None:
        """Read the balance again, in the background."""
        self.host.run_background(self._refresh_balance(), group="balance", exclusive=True)

    async def _refresh_balance(self) -> None:
        account = await self.call_api(self.client.account.get())
        if account is not None:
            self.host.balance_changed(account.balance or "")

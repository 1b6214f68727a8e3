"""The console app: header, pane bar, the panes, footer, palette and help.

Everything outside `tui/` talks to the app through plain methods and
attributes — `add_event`, `add_exchange`, `show_error`, `pane(...)`,
`relay_state = "connected"` — so the live client and the API client never
need to know Textual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual.app import App, ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.widget import AwaitMount
from textual.widgets import ContentSwitcher

from bwconsole.tui import asking
from bwconsole.tui.actions.callbacks import point_callbacks, restore_callbacks
from bwconsole.tui.backend import Backend, BackendOptions, open_backend
from bwconsole.tui.bxml_responder import BxmlResponder
from bwconsole.tui.commands import ConsoleCommands
from bwconsole.tui.console import NotConnected
from bwconsole.tui.formatting import money
from bwconsole.tui.keys import (
    KeyEntry,
    Owner,
    bwconsole_bindings,
    effective_key,
    keymap_problems,
)
from bwconsole.tui.safe_text import visible
from bwconsole.tui.screens.account_setup import AccountSetupScreen
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.help import HelpScreen
from bwconsole.tui.screens.welcome import WelcomeScreen, first_run
from bwconsole.tui.themes import DEFAULT_THEME, ThemeError, load_themes
from bwconsole.tui.widgets.api_log import ApiLogPane
from bwconsole.tui.widgets.calls import CallsPane
from bwconsole.tui.widgets.conferences import ConferencesPane
from bwconsole.tui.widgets.endpoints import EndpointsPane
from bwconsole.tui.widgets.errors import ErrorsPane
from bwconsole.tui.widgets.events_log import EventsLogPane
from bwconsole.tui.widgets.key_footer import KeyFooter
from bwconsole.tui.widgets.messages import MessagesPane
from bwconsole.tui.widgets.numbers import NumbersPane
from bwconsole.tui.widgets.pane import Pane
from bwconsole.tui.widgets.pane_bar import PaneBar
from bwconsole.tui.widgets.recordings import RecordingsPane
from bwconsole.tui.widgets.status_header import StatusHeader
from bwconsole.tui.widgets.virtual_table import VirtualTable
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import Client
    from bwconsole.live import BxmlRequest, LiveEvent
    from bwconsole.tui.forms import Form

__all__ = ["PANES", "BwConsoleApp", "binding_ids"]

T = TypeVar("T")

BALANCE_REFRESH_SECONDS = 60.0
"""No event reports the balance, so the header re-reads it this often."""

CHARGING_EVENTS = frozenset({"hangup", "sms", "mms"})
"""Events after which the account may have been charged (a call's minutes, a message)."""
BALANCE_AFTER_CHARGE_SECONDS = 1.0
"""How long after such an event the header re-reads the balance."""

LIVE_CALL_STATES = frozenset({"started", "active", "transferring"})
"""Call states in which quitting would leave (or end) a call."""

LOADING = "loading…"
"""A pane's border subtitle while its first fetch runs or the relay replays history."""

BACKEND_CLOSE_SECONDS = 5.0
"""At exit, how long the embedded servers and the relay subscription get to close."""


PANES: tuple[type[Pane], ...] = (
    NumbersPane,
    CallsPane,
    ConferencesPane,
    MessagesPane,
    EndpointsPane,
    RecordingsPane,
    EventsLogPane,
    ApiLogPane,
    ErrorsPane,
)
"""Every pane, in pane-bar order."""


def binding_ids() -> set[str]:
    """Every binding id a `[keymap]` may rebind: the app's, the panes' and every screen's."""
    import importlib
    import pkgutil

    from textual.screen import Screen

    from bwconsole.tui import screens

    for module in pkgutil.iter_modules(screens.__path__):  # some are imported only when used
        importlib.import_module(f"{screens.__name__}.{module.name}")
    classes: list[type] = [BwConsoleApp, VirtualTable, Pane, *PANES]
    pending: list[type] = [Screen]
    while pending:
        screen = pending.pop()
        pending.extend(screen.__subclasses__())
        classes.append(screen)
    return {b.id for cls in classes for b in bwconsole_bindings(cls) if b.id is not None}


class BwConsoleApp(App[None]):
    """The bwconsole console.

    | Key | Action |
    |---|---|
    | 1-9 | show a pane |
    | : or ctrl+p | command palette |
    | ? | help: every key of every pane |
    """

    CSS_PATH = "app.tcss"
    TITLE = "bwconsole"
    COMMANDS = App.COMMANDS | {ConsoleCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            tooltip="Open the command palette",
            show=False,
            priority=True,
            id="command-palette",
        ),
        Binding(
            "colon",
            "command_palette",
            "Commands",
            tooltip="Open the command palette",
            key_display=":",
            id="command-palette-colon",
        ),
        Binding(
            "question_mark", "help", "Help", tooltip="Show every key", key_display="?", id="help"
        ),
        Binding(
            "f1", "welcome", "Welcome", tooltip="The first-run panel", show=False, id="welcome"
        ),
        Binding(
            "f9",
            "bxml_settings",
            "BXML responder",
            tooltip="How BXML requests from the relay are answered",
            show=False,
            id="bxml-settings",
        ),
        Binding(
            "f4",
            "bxml_demo",
            "BXML demo number",
            tooltip="Link a number to an application that asks this console for BXML",
            show=False,
            id="bxml-demo",
        ),
        Binding(
            "f6",
            "add_account",
            "Add account",
            tooltip="Add a real account (checked before it is saved)",
            show=False,
            id="add-account",
        ),
        Binding(
            "f7",
            "point_callbacks",
            "Point callbacks",
            tooltip="Point an application's callback URLs at the relay",
            show=False,
            id="point-callbacks",
        ),
        Binding(
            "f8",
            "restore_callbacks",
            "Restore callbacks",
            tooltip="Put back the callback URLs replaced by point callbacks",
            show=False,
            id="restore-callbacks",
        ),
        *(
            Binding(
                pane.PANE_KEY,
                f"show_pane('{pane.PANE_ID}')",
                pane.TITLE,
                tooltip=f"Show the {pane.TITLE} pane",
                show=False,
                id=f"show-{pane.PANE_ID}",
            )
            for pane in PANES
        ),
    ]

    profile_name: reactive[str] = reactive("")
    """Name of the profile (or account) in use, shown in the header."""
    sandbox: reactive[bool] = reactive(False)
    """True when the console runs on the sandbox: the header shows a SANDBOX badge."""
    relay_state: reactive[str] = reactive("disconnected")
    forwarders: reactive[str] = reactive("")
    """The `bwconsole listen`s forwarding this channel to an app, comma-separated."""
    """The relay connection in words: connected, connecting, disconnected…"""
    balance: reactive[str] = reactive("")
    """The account balance as shown (set a number and it is formatted)."""

    def __init__(
        self,
        *,
        theme: str = DEFAULT_THEME,
        keymap: Mapping[str, str] | None = None,
        theme_dirs: Iterable[Path] = (),
        profile_name: str = "",
        sandbox: bool = False,
        initial_pane: str = "numbers",
        backend: BackendOptions | None = None,
        save_theme: Callable[[str], None] | None = None,
    ) -> None:
        """Create the console.

        Args:
            theme: Name of the colour theme (a file in `themes/` or in `theme_dirs`).
            keymap: Binding id -> keys, e.g. `{"copy-id": "c"}` (from `config.toml [keymap]`).
            theme_dirs: Extra directories of user `.tcss` themes.
            profile_name: Shown in the header.
            sandbox: Show the SANDBOX badge.
            initial_pane: Id of the pane shown first.
            backend: The account to connect to once the screen is up; None stays
                offline (tests feed the panes directly).
            save_theme: Keeps a theme the user picks (in the palette) for the next start;
                a failure to keep it is told, the theme still switches.

        Raises:
            ThemeError: `theme` is not a known theme, or a theme file is broken.
        """
        super().__init__()
        themes = load_themes(theme_dirs)
        if theme not in themes:
            raise ThemeError(f"unknown theme {theme!r}; choose one of: {', '.join(sorted(themes))}")
        # Only bwconsole's themes are offered: Textual's built-in ones lack the $bw-* colours.
        for builtin in list(self.available_themes):
            self.unregister_theme(builtin)
        for loaded in themes.values():
            self.register_theme(loaded)
        self.theme_names: tuple[str, ...] = tuple(themes)
        self.theme = theme
        self.keymap: dict[str, str] = dict(keymap or {})
        """The user's keymap (binding id -> keys), as given."""
        self.panes: dict[str, Pane] = {pane.PANE_ID: pane() for pane in PANES}
        self._initial_pane = initial_pane
        self._backend_options = backend
        self._save_theme = save_theme
        self.backend: Backend | None = None
        """The connected account, once connected."""
        self._loaded: set[str] = set()
        self._fetching: set[str] = set()
        """Panes whose first fetch runs (their border says loading…)."""
        self._replaying = False
        """While the relay replays earlier runs' events every pane says loading…."""
        self._connected = asyncio.Event()
        self._backend_closing = asyncio.Event()
        self._backend_task: asyncio.Task[None] | None = None
        self.bxml = BxmlResponder(self)
        """Answers the relay's BXML requests (a script or an interactive prompt)."""
        self._composed_bar = False
        self.profile_name = profile_name
        self.sandbox = sandbox

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status-header").data_bind(
            BwConsoleApp.profile_name,
            BwConsoleApp.sandbox,
            BwConsoleApp.relay_state,
            BwConsoleApp.forwarders,
            BwConsoleApp.balance,
        )
        yield PaneBar(id="pane-bar")
        # Only the first pane is composed now; the others on their first visit (`_mount_pane`):
        # styling nine panes' widgets made the first frame wait (docs/performance.md).
        with ContentSwitcher(initial=f"pane-{self._initial_pane}", id="panes"):
            yield self.panes[self._initial_pane]
        yield KeyFooter(show_command_palette=False)  # `:` (pinned with `?`) opens it too

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
            for problem in keymap_problems(self.keymap, binding_ids()):
                self.notify(f"config.toml {problem}", severity="warning", timeout=15)
        self._composed_bar = True
        self._update_pane_bar()
        self.current_pane.focus_list()
        if self._backend_options is not None:
            # A plain task, not a worker: Textual cancels workers at exit without waiting,
            # and the embedded servers need to close (and release their lock) cleanly.
            self._backend_task = asyncio.create_task(self._run_backend(self._backend_options))

    async def on_unmount(self) -> None:
        self._backend_closing.set()
        if self._backend_task is not None:
            try:
                await asyncio.wait_for(self._backend_task, BACKEND_CLOSE_SECONDS)
            except TimeoutError:
                pass  # cancelled by wait_for; the process is leaving anyway

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

    async def wait_connected(self) -> None:
        """Wait until the account is connected (tests and start-up actions)."""
        await self._connected.wait()

    async def call_api_ok(self, request: Awaitable[object]) -> bool:
        """Like `call_api`, for requests that answer nothing (updates, deletes):
        True when it succeeded."""
        from bwconsole.api import ApiError

        try:
            await request
        except ApiError:
            return False
        except NotConnected as exc:
            self.show_error(str(exc))
            return False
        return True

    async def call_api(self, request: Awaitable[T]) -> T | None:
        """Await an API request; on failure the user has been told (API log and a
        notification in words) and None comes back, so an action just stops."""
        from bwconsole.api import ApiError

        try:
            return await request
        except ApiError:
            return None  # add_exchange already showed it
        except NotConnected as exc:
            self.show_error(str(exc))
            return None

    def attach(self, backend: Backend) -> None:
        """Use a connected account: header, then the pane on screen loads."""
        self.backend = backend
        self.profile_name = backend.profile.name
        self.sandbox = backend.on_sandbox
        self._connected.set()
        self._replaying = backend.live is not None and backend.live.replaying
        for pane in self.panes.values():
            self._show_loading(pane)
        self.load_pane(self.current_pane)
        self.refresh_balance()
        if backend.on_sandbox and first_run(backend.data_dir):
            self.push_screen(WelcomeScreen())
        self.set_interval(BALANCE_REFRESH_SECONDS, self.refresh_balance)

    def load_pane(self, pane: Pane) -> None:
        """Fetch a pane's rows the first time it is shown on a connected account."""
        if self.backend is None or pane.PANE_ID in self._loaded:
            return
        self._loaded.add(pane.PANE_ID)
        # Until the first fetch ends an empty list would read as "nothing there".
        self._fetching.add(pane.PANE_ID)
        self._show_loading(pane)
        run_guarded(self, self._load(pane), group=f"load-{pane.PANE_ID}")

    def refresh_balance(self) -> None:
        run_guarded(self, self._refresh_balance(), group="balance", exclusive=True)

    def on_live_event(self, live: LiveEvent) -> None:
        """One relay event: logged, then offered to every pane. A pane that fails on it
        says so instead of stopping the console."""
        self.add_event(live)
        for pane in self.panes.values():
            try:
                pane.apply_event(live)
            except Exception as exc:  # a bad event must never stop the console
                self.show_error(f"{pane.TITLE} could not apply event #{live.seq}: {exc}")
        follower = self.backend.live if self.backend else None
        if self._replaying and (
            follower is None or not getattr(live, "history", False) or live.seq >= follower.last_seq
        ):
            self._replaying = False
            for pane in self.panes.values():
                self._show_loading(pane)
        kind = getattr(getattr(live, "event", None), "event_type", None)
        if kind in CHARGING_EVENTS and not getattr(live, "history", False) and self.backend:
            # the charge is booked as the event goes out: read the balance a moment later
            self.set_timer(BALANCE_AFTER_CHARGE_SECONDS, self.refresh_balance)

    async def answer_bxml(self, request: BxmlRequest) -> str:
        """Answer a BXML request from the relay."""
        return await self.bxml.answer(request)

    def _on_relay_state(self, state: str) -> None:
        self.relay_state = state

    def _on_forwarders(self, names: tuple[str, ...]) -> None:
        self.forwarders = ", ".join(names)

    def _on_forwarded(self, report: Any) -> None:
        self.events_log.mark_forwarded(report)

    async def _run_backend(self, options: BackendOptions) -> None:
        try:
            async with open_backend(
                options,
                on_event=self.on_live_event,
                on_state=self._on_relay_state,
                on_exchange=self.add_exchange,
                on_request=self.answer_bxml,
                on_forwarders=self._on_forwarders,
                on_forwarded=self._on_forwarded,
            ) as backend:
                self.attach(backend)
                await self._backend_closing.wait()
        except Exception as exc:  # e.g. EmbeddedBusy, a port that cannot be bound
            self.show_error(f"Could not connect: {exc}", title="Connection")

    async def _load(self, pane: Pane) -> None:
        from bwconsole.api import ApiError

        try:
            await pane.load(self.client)
        except ApiError:
            pass  # shown through the API log
        except Exception as exc:
            self.show_error(f"{pane.TITLE} could not load: {exc}")
        finally:
            self._fetching.discard(pane.PANE_ID)
            self._show_loading(pane)

    def _show_loading(self, pane: Pane) -> None:
        busy = self._replaying or pane.PANE_ID in self._fetching
        pane.border_subtitle = LOADING if busy else ""

    async def _refresh_balance(self) -> None:
        account = await self.call_api(self.client.account.get())
        if account is not None:
            self.balance = account.balance or ""

    def validate_balance(self, value: Any) -> str:
        return money(value)

    # --- feeding (called by the live client, the API client, the actions) -------------------------

    def pane(self, pane_id: str) -> Pane:
        """Return a pane by id (`numbers`, `calls`, … `errors`)."""
        return self.panes[pane_id]

    @property
    def current_pane(self) -> Pane:
        """The pane on screen."""
        return self.panes[self.query_one(ContentSwitcher).current.removeprefix("pane-")]  # type: ignore[union-attr]

    @property
    def events_log(self) -> EventsLogPane:
        """The Events log pane."""
        return self.panes["events"]  # type: ignore[return-value]

    @property
    def api_log(self) -> ApiLogPane:
        """The API log pane."""
        return self.panes["api-log"]  # type: ignore[return-value]

    @property
    def errors_pane(self) -> ErrorsPane:
        """The Errors pane."""
        return self.panes["errors"]  # type: ignore[return-value]

    def add_event(self, live_event: Any) -> None:
        """Log a relay event (see `EventsLogPane.add_event` for the attributes read).

        Like every feed method, call it on the app's event loop (where the live client
        runs); from another thread go through `app.call_from_thread`.
        """
        self.events_log.add_event(live_event)

    def add_exchange(self, exchange: Any) -> None:
        """Log a REST call; a failed one also raises a notification in words."""
        row = self.api_log.add_exchange(exchange)
        # A failure the client retries is in the API log only: the retry may well succeed
        # (a first GET racing the embedded servers' start), and if not, its last try tells.
        if row["flagged"] and getattr(exchange, "final", True):
            status = f" → {row['status']}" if row["status"] is not None else ""
            self.show_error(f"{row['method']} {row['path']}{status}: {row['error'] or 'failed'}")

    async def confirm(self, question: str, *, title: str = "Are you sure?") -> bool:
        return await asking.confirm(self, question, title=title)

    async def choose(self, title: str, options: Sequence[tuple[str, str]]) -> str | None:
        return await asking.choose(self, title, options)

    async def fill(self, form: Form) -> dict[str, str] | None:
        return await asking.fill(self, form)

    def show_error(self, message: str, *, title: str = "Error") -> None:
        """Tell the user something went wrong, in words, without stopping anything."""
        self.notify(message, title=title, severity="error", timeout=8, markup=False)

    def report_failure(self, what: str, exc: BaseException) -> None:
        """A background job failed unexpectedly (a bug): say so in an error toast and
        the Errors pane; the traceback is in the log (`bwconsole.tui.workers`)."""
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self.show_error(f"{what} failed: {message} (the log has the details)")
        self.errors_pane.add_console_error(what, message)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is plain text with control characters made visible (`safe_text`):
        its words often hold what an API, a caller or a file said. `markup` is ignored."""
        super().notify(
            visible(message, lines=True),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def set_keymap(self, keymap: Mapping[str, str]) -> None:
        """Rebind keys by binding id; the help, palette and pane bar follow."""
        self.keymap = dict(keymap)
        super().set_keymap(keymap)
        if self._composed_bar:
            self._update_pane_bar()

    def set_theme(self, name: str) -> None:
        """Switch the colour theme live, and keep it for the next start."""
        self.theme = name
        if self._save_theme is not None:
            try:
                self._save_theme(name)
            except Exception as exc:  # e.g. ConfigError: an unwritable config.toml
                self.show_error(f"Theme {name} is on, but could not be kept: {exc}")

    # --- keys -------------------------------------------------------------------------------------

    def key_entries(self) -> list[KeyEntry]:
        """Every action with its current key: global, common to every list, then per pane.

        Entries with `pane_id=None` and owner "pane"/"table" act on the pane on screen.
        """
        entries: list[KeyEntry] = []

        def add(section: str, pane_id: str | None, owner: Owner, bindings: list[Binding]) -> None:
            for binding in bindings:
                shown = self.get_key_display(effective_key(binding, self.keymap))
                entries.append(KeyEntry(section, pane_id, owner, binding, shown))

        add("Global", None, "app", bwconsole_bindings(type(self)))
        common = bwconsole_bindings(Pane)
        add("Every list", None, "pane", common)
        add("Every list", None, "table", bwconsole_bindings(VirtualTable))
        for pane_id, pane in self.panes.items():
            own = [b for b in bwconsole_bindings(type(pane)) if b not in common]
            add(pane.TITLE, pane_id, "pane", own)
        return entries

    async def run_entry(self, entry: KeyEntry) -> None:
        """Run a catalogued action as if its key was pressed (in its pane, or the current one)."""
        if entry.owner == "app":
            await self.run_action(entry.binding.action)
            return
        if entry.pane_id is not None:
            await self.action_show_pane(entry.pane_id)  # its table exists before the action
        pane = self.current_pane
        await self.run_action(entry.binding.action, pane if entry.owner == "pane" else pane.table)

    # --- helpers ----------------------------------------------------------------------------------

    def _update_pane_bar(self) -> None:
        bar = self.query_one(PaneBar)
        keys = {
            entry.binding.id: entry.key for entry in self.key_entries() if entry.pane_id is None
        }
        bar.entries = tuple((p.PANE_ID, keys[f"show-{p.PANE_ID}"], p.TITLE) for p in PANES)
        # How to leave is on screen too (Textual's ctrl+q, otherwise only in the palette).
        quit_binding = next(
            b for b in App.BINDINGS if isinstance(b, Binding) and b.action == "quit"
        )
        quit_key = self.get_key_display(quit_binding)
        bar.hints = (
            (keys["help"], "all keys"),
            (keys["command-palette-colon"], "commands"),
            (quit_key, "quit"),
        )
        bar.current = self.current_pane.PANE_ID

    # --- actions ----------------------------------------------------------------------------------

    def action_show_pane(self, pane_id: str) -> AwaitComplete:
        """Bring a pane forward and give it the keyboard; on its first visit the pane is
        mounted first (await the result to know its table exists)."""
        pane = self.panes[pane_id]
        mounting = self._mount_pane(pane)
        self.query_one(ContentSwitcher).current = f"pane-{pane_id}"
        self.query_one(PaneBar).current = pane_id
        if mounting is None:
            pane.focus_list()
            self.load_pane(pane)
            return cast(AwaitComplete, AwaitComplete.nothing())  # type: ignore[no-untyped-call]
        return AwaitComplete(self._show_when_mounted(pane, mounting))

    def _mount_pane(self, pane: Pane) -> AwaitMount | None:
        """Mount a pane never shown before (None when it is mounted already). It is in
        the DOM at once, its children once the returned awaitable is done."""
        if pane.parent is not None:
            return None
        pane.display = False  # the switcher shows it
        return self.query_one(ContentSwitcher).mount(pane)

    async def _show_when_mounted(self, pane: Pane, mounting: AwaitMount) -> None:
        """Focus and load a pane once it is mounted (its `on_mount` would undo what a load
        finished before it had set, such as the border title)."""
        await mounting
        if self.current_pane is pane:
            pane.focus_list()
        self.load_pane(pane)

    async def action_quit(self) -> None:
        """Quit; with calls up, first say what becomes of them and ask."""
        live = [
            row
            for key in self.pane("calls").model
            if (row := self.pane("calls").model.get(key)) is not None
            and row.get("state") in LIVE_CALL_STATES
        ]
        if live and self.backend is not None:
            fate = (
                "the embedded sandbox stops with the console, so they end (cause "
                "SANDBOX_RESTARTED when it starts again)"
                if self.backend.on_sandbox
                else "they stay up on the account until hung up (h in Calls) or ended"
            )
            count = f"{len(live)} call{'s are' if len(live) > 1 else ' is'} up"
            question = f"{count}: {fate}. Quit anyway?"
            self.push_screen(ConfirmScreen(question, title="Quit"), self._quit_if)
            return
        self.exit()

    def _quit_if(self, confirmed: bool | None) -> None:
        if confirmed:
            self.exit()

    def action_welcome(self) -> None:
        """Show the first-run panel again."""
        self.push_screen(WelcomeScreen())

    def action_bxml_settings(self) -> None:
        """Choose how BXML requests are answered (a script, or a prompt)."""
        self.bxml.edit_settings()

    def action_bxml_demo(self) -> None:
        """Make a number's calls come to the BXML responder (creating its application)."""
        from bwconsole.tui.actions.bxml_demo import use_bxml_demo

        run_guarded(self, use_bxml_demo(self), group="bxml-demo", exclusive=True)

    def action_add_account(self) -> None:
        """Add a real account: the form checks it, then saves it to config.toml."""
        self.push_screen(AccountSetupScreen())

    def action_point_callbacks(self) -> None:
        """Offer to point an application's callbacks at the relay (current URLs shown first)."""
        run_guarded(self, point_callbacks(self), group="callbacks", exclusive=True)

    def action_restore_callbacks(self) -> None:
        """Offer to put back the callback URLs that pointing replaced."""
        run_guarded(self, restore_callbacks(self), group="callbacks", exclusive=True)

    def action_help(self) -> None:
        """Show every key of every pane."""
        self.push_screen(HelpScreen(self.key_entries()))

"""The console app: header, pane bar, the panes, footer, palette and help.

The app draws; its `Session` (`tui/session.py`) connects to the account, keeps
the loading and balance bookkeeping and makes the API calls. Panes, screens and
actions reach the app only through the `Console` protocol (`tui/console.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from textual import on
from textual.app import App, ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.reactive import reactive

from bwconsole.tui import asking
from bwconsole.tui.actions.callbacks import point_callbacks, restore_callbacks
from bwconsole.tui.bxml_responder import BxmlResponder
from bwconsole.tui.catalogue import APP_BINDINGS, PANES, bar_hints, binding_ids, key_entries
from bwconsole.tui.commands import ConsoleCommands
from bwconsole.tui.formatting import money
from bwconsole.tui.keys import KeyEntry, keymap_problems
from bwconsole.tui.safe_text import visible
from bwconsole.tui.screens.account_setup import AccountSetupScreen
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.help import HelpScreen
from bwconsole.tui.screens.welcome import WelcomeScreen, first_run
from bwconsole.tui.session import Session
from bwconsole.tui.themes import DEFAULT_THEME, use_themes
from bwconsole.tui.widgets.api_log import ApiLogPane
from bwconsole.tui.widgets.calls import CallsPane
from bwconsole.tui.widgets.errors import ErrorsPane
from bwconsole.tui.widgets.events_log import EventsLogPane
from bwconsole.tui.widgets.key_footer import KeyFooter
from bwconsole.tui.widgets.pane import Pane
from bwconsole.tui.widgets.pane_bar import PaneBar
from bwconsole.tui.widgets.pane_deck import PaneDeck
from bwconsole.tui.widgets.status_header import StatusHeader
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import Client, Exchange
    from bwconsole.live import BxmlRequest, Forwarded, LiveEvent
    from bwconsole.tui.backend import Backend, BackendOptions
    from bwconsole.tui.forms import Form

__all__ = ["BwConsoleApp"]

T = TypeVar("T")

LOADING = "loading…"
"""A pane's border subtitle while its first fetch runs or the relay replays history."""


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
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    profile_name: reactive[str] = reactive("")
    """Name of the profile (or account) in use, shown in the header."""
    sandbox: reactive[bool] = reactive(False)
    """True when the console runs on the sandbox: the header shows a SANDBOX badge."""
    relay_state: reactive[str] = reactive("disconnected")
    """The relay connection in words: connected, connecting, disconnected…"""
    forwarders: reactive[str] = reactive("")
    """The `bwconsole listen`s forwarding this channel to an app, comma-separated."""
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
        self.theme_names = use_themes(self, theme, theme_dirs)
        """The colour themes the user may pick (bwconsole's, not Textual's)."""
        self.keymap: dict[str, str] = dict(keymap or {})
        """The user's keymap (binding id -> keys), as given."""
        self.panes: dict[str, Pane] = {pane.PANE_ID: pane() for pane in PANES}
        self._initial_pane = initial_pane
        self._save_theme = save_theme
        self.session = Session(self, backend)
        """The account: connecting, loading, the balance, the API calls."""
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
        yield PaneDeck(self.panes, self._initial_pane, id="panes")
        yield KeyFooter(show_command_palette=False)  # `:` (pinned with `?`) opens it too

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
            for problem in keymap_problems(self.keymap, binding_ids()):
                self.notify(f"config.toml {problem}", severity="warning", timeout=15)
        self._composed_bar = True
        self._update_pane_bar()
        self.current_pane.focus_list()
        self.session.start()

    async def on_unmount(self) -> None:
        await self.session.close()

    # --- the account (the Console protocol, through the session) ----------------------------------

    @property
    def client(self) -> Client:
        """The API client of the connected account (raises `NotConnected` before)."""
        return self.session.client

    @property
    def backend(self) -> Backend | None:
        """The connected account, once connected."""
        return self.session.backend

    @property
    def relay_callback_url(self) -> str | None:
        """The relay's callback URL for the profile's channel (None: not connected, no relay)."""
        return self.session.relay_callback_url

    async def call_api(self, request: Awaitable[T]) -> T | None:
        """Await an API request; on failure the user has been told and None comes back."""
        return await self.session.call_api(request)

    async def call_api_ok(self, request: Awaitable[object]) -> bool:
        """Like `call_api` for requests that answer nothing: True when it succeeded."""
        return await self.session.call_api_ok(request)

    # --- what the session tells (the SessionHost protocol) ----------------------------------------

    def attached(self, backend: Backend) -> None:
        """Show the connected account: header, loading notes, the pane on screen loads."""
        self.profile_name = backend.profile.name
        self.sandbox = backend.on_sandbox
        self.loading_changed()
        self.load_pane(self.current_pane)
        if backend.on_sandbox and first_run(backend.data_dir):
            self.push_screen(WelcomeScreen())

    def on_live_event(self, live: LiveEvent) -> None:
        """One relay event: logged, then offered to every pane. A pane that fails on it
        says so instead of stopping the console."""
        self.add_event(live)
        for pane in self.panes.values():
            try:
                pane.apply_event(live)
            except Exception as exc:  # a bad event must never stop the console
                self.show_error(f"{pane.TITLE} could not apply event #{live.seq}: {exc}")

    async def answer_bxml(self, request: BxmlRequest) -> str:
        return await self.bxml.answer(request)

    def relay_state_changed(self, state: str) -> None:
        self.relay_state = state

    def forwarders_changed(self, names: tuple[str, ...]) -> None:
        self.forwarders = ", ".join(names)

    def forwarded(self, report: Forwarded) -> None:
        self.events_log.mark_forwarded(report)

    def loading_changed(self) -> None:
        for pane in self.panes.values():
            pane.border_subtitle = LOADING if self.session.is_loading(pane.PANE_ID) else ""

    def balance_changed(self, balance: str) -> None:
        self.balance = balance

    def validate_balance(self, value: object) -> str:
        return money(value)

    def run_background(self, work: Awaitable[None], *, group: str, exclusive: bool) -> None:
        run_guarded(self, work, group=group, exclusive=exclusive)

    def load_pane(self, pane: Pane) -> None:
        """Fetch a pane's rows the first time it is shown on a connected account."""
        if self.session.begin_load(pane.PANE_ID):
            self.loading_changed()
            work = self.session.load(pane.PANE_ID, pane.TITLE, pane.load)
            run_guarded(self, work, group=f"load-{pane.PANE_ID}")

    # --- feeding ----------------------------------------------------------------------------------

    def pane(self, pane_id: str) -> Pane:
        """Return a pane by id (`numbers`, `calls`, … `errors`)."""
        return self.panes[pane_id]

    def note_call(self, call_id: str, text: str) -> None:
        """Add a line to what happened on a call (its timeline in the Calls pane)."""
        cast(CallsPane, self.panes["calls"]).note(call_id, text)

    @property
    def current_pane(self) -> Pane:
        """The pane on screen."""
        return self.query_one(PaneDeck).current_pane

    @property
    def events_log(self) -> EventsLogPane:
        """The Events log pane."""
        return cast(EventsLogPane, self.panes["events"])

    @property
    def api_log(self) -> ApiLogPane:
        """The API log pane."""
        return cast(ApiLogPane, self.panes["api-log"])

    def add_event(self, live: LiveEvent) -> None:
        """Log a relay event. Like every feed method, call it on the app's event loop
        (where the live client runs); from another thread go through `call_from_thread`."""
        self.events_log.add_event(live)

    def add_exchange(self, exchange: Exchange) -> None:
        """Log a REST call; a failed one also raises a notification in words."""
        row = self.api_log.add_exchange(exchange)
        # A failure the client retries is in the API log only: the retry may well succeed
        # (a first GET racing the embedded servers' start), and if not, its last try tells.
        if row["flagged"] and exchange.final:
            status = f" → {row['status']}" if row["status"] is not None else ""
            self.show_error(f"{row['method']} {row['path']}{status}: {row['error'] or 'failed'}")

    def show_error(self, message: str, *, title: str = "Error") -> None:
        """Tell the user something went wrong, in words, without stopping anything."""
        self.notify(message, title=title, severity="error", timeout=8, markup=False)

    def report_failure(self, what: str, exc: BaseException) -> None:
        """A background job failed unexpectedly (a bug): say so in an error toast and
        the Errors pane; the traceback is in the log (`bwconsole.tui.workers`)."""
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self.show_error(f"{what} failed: {message} (the log has the details)")
        cast(ErrorsPane, self.panes["errors"]).add_console_error(what, message)

    async def confirm(self, question: str, *, title: str = "Are you sure?") -> bool:
        return await asking.confirm(self, question, title=title)

    async def choose(self, title: str, options: Sequence[tuple[str, str]]) -> str | None:
        return await asking.choose(self, title, options)

    async def fill(self, form: Form) -> dict[str, str] | None:
        return await asking.fill(self, form)

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
        message, title = visible(message, lines=True), visible(title)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

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

    # --- keys and panes ---------------------------------------------------------------------------

    def key_entries(self) -> list[KeyEntry]:
        """Every action with its current key (`catalogue.key_entries`)."""
        return key_entries(type(self), self.panes, self.keymap, self.get_key_display)

    async def run_entry(self, entry: KeyEntry) -> None:
        """Run a catalogued action as if its key was pressed (in its pane, or the current one)."""
        if entry.owner == "app":
            await self.run_action(entry.binding.action)
            return
        if entry.pane_id is not None:
            await self.action_show_pane(entry.pane_id)  # its table exists before the action
        pane = self.current_pane
        await self.run_action(entry.binding.action, pane if entry.owner == "pane" else pane.table)

    def _update_pane_bar(self) -> None:
        bar = self.query_one(PaneBar)
        quit_binding = next(
            b for b in App.BINDINGS if isinstance(b, Binding) and b.action == "quit"
        )
        bar.entries, bar.hints = bar_hints(self.key_entries(), self.get_key_display(quit_binding))
        bar.current = self.current_pane.PANE_ID

    def action_show_pane(self, pane_id: str) -> AwaitComplete:
        """Bring a pane forward and give it the keyboard (await the result to know its
        table exists: a pane is mounted on its first visit)."""
        self.query_one(PaneBar).current = pane_id
        return self.query_one(PaneDeck).show(pane_id)

    @on(PaneDeck.Shown)
    def _load_shown_pane(self, message: PaneDeck.Shown) -> None:
        self.load_pane(message.pane)

    # --- actions ----------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit; with calls up, first say what becomes of them and ask."""
        calls = self.pane("calls").model
        question = self.session.quit_question(
            row.get("state") for key in calls if (row := calls.get(key)) is not None
        )
        if question is None:
            self.exit()
            return
        self.push_screen(ConfirmScreen(question, title="Quit"), self._quit_if)

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

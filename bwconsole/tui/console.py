"""What the console's parts may ask of the app: the `Console` protocol.

Panes, screens, actions and the command palette reach the running console only
through this protocol, never by importing `tui/app.py`: method calls go down
(ask for the API client, make a request, ask the user, show an error, bring a
pane forward),
and what happens in a widget goes up as a Textual `Message`. That keeps the
dependency one way (the app knows its parts, the parts know only this seam),
and lets an action be tested against a small fake that implements it.

`console_of(node)` is how a widget or screen gets it: the app it runs in,
typed as a `Console`. mypy holds `BwConsoleApp` to the protocol where the app
hands itself to a part (`BxmlResponder(self)`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from textual.await_complete import AwaitComplete
    from textual.dom import DOMNode
    from textual.notifications import SeverityLevel
    from textual.screen import Screen, ScreenResultCallbackType
    from textual.widget import AwaitMount

    from bwconsole.api import Client
    from bwconsole.tui.backend import Backend
    from bwconsole.tui.bxml_responder import BxmlResponder
    from bwconsole.tui.forms import Form
    from bwconsole.tui.keys import KeyEntry
    from bwconsole.tui.widgets.pane import Pane

__all__ = ["Console", "NotConnected", "console_of"]

T = TypeVar("T")


class NotConnected(RuntimeError):
    """An action needed the account before the console had connected to it."""


class Console(Protocol):
    """The running console, as its panes, screens and actions see it."""

    @property
    def client(self) -> Client:
        """The connected account's API client; raises `NotConnected` before connection."""
        ...

    @property
    def backend(self) -> Backend | None:
        """The connected account (profile, client, relay subscription), once connected."""
        ...

    @property
    def relay_callback_url(self) -> str | None:
        """The relay's callback URL for the profile's channel (None before connecting,
        or when the profile has no relay)."""
        ...

    @property
    def bxml(self) -> BxmlResponder:
        """Answers the relay's BXML requests."""
        ...

    async def call_api(self, request: Awaitable[T]) -> T | None:
        """Await an API request; on failure the user has been told and None comes back."""
        ...

    async def call_api_ok(self, request: Awaitable[object]) -> bool:
        """Like `call_api` for requests that answer nothing: True when it succeeded."""
        ...

    def show_error(self, message: str, *, title: str = "Error") -> None:
        """Tell the user something went wrong, in words, without stopping anything."""
        ...

    def report_failure(self, what: str, exc: BaseException) -> None:
        """A background job failed unexpectedly (a bug): toast, Errors pane, log."""
        ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast (plain text; control characters are made visible)."""
        ...

    async def confirm(self, question: str, *, title: str = "Are you sure?") -> bool:
        """Ask a yes/no question before something that cannot be undone (in a worker)."""
        ...

    async def choose(self, title: str, options: Sequence[tuple[str, str]]) -> str | None:
        """Ask for one of `options` ((value, what the user reads) pairs): the value
        picked, or None when the user cancelled (in a worker)."""
        ...

    async def fill(self, form: Form) -> dict[str, str] | None:
        """Ask for a form's values: {field name: text}, or None when cancelled (in a worker)."""
        ...

    async def push_screen_wait(self, screen: Screen[T], *, mode: str | None = None) -> T:
        """Show a screen (a form, a question) and wait for its answer (in a worker)."""
        ...

    def push_screen(
        self, screen: Screen[T], callback: ScreenResultCallbackType[T] | None = None
    ) -> AwaitMount:
        """Show a screen; `callback` gets its answer when it is dismissed."""
        ...

    def pane(self, pane_id: str) -> Pane:
        """A pane by id (`numbers`, `calls`, … `errors`)."""
        ...

    def note_call(self, call_id: str, text: str) -> None:
        """Add a line to what happened on a call (its timeline in the Calls pane)."""
        ...

    def action_show_pane(self, pane_id: str) -> AwaitComplete:
        """Bring a pane forward (await it to know the pane's table exists)."""
        ...

    def key_entries(self) -> list[KeyEntry]:
        """Every action with its current key (help screen, command palette)."""
        ...

    async def run_entry(self, entry: KeyEntry) -> None:
        """Run a catalogued action as if its key was pressed."""
        ...

    @property
    def theme_names(self) -> tuple[str, ...]:
        """The colour themes the user may pick."""
        ...

    def set_theme(self, name: str) -> None:
        """Switch the colour theme and keep it for the next start."""
        ...


def console_of(node: DOMNode) -> Console:
    """The console `node` runs in."""
    return cast("Console", node.app)

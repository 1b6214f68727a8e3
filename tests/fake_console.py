"""A `Console` without Textual, for driving the console's flows (`tui/actions/`) in tests.

It makes real requests with a real API client (the sandbox on loopback), answers
`confirm`, `choose` and `fill` from a script, and records what the user would
have read. A question the script did not expect fails the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from bwconsole.api import ApiError, Client
from bwconsole.callback_setup import relay_callback_url
from bwconsole.config import Profile
from bwconsole.servers import BackgroundServer
from bwconsole.tui.backend import Backend
from bwconsole.tui.bxml_responder import BxmlResponder
from bwconsole.tui.console import Console, NotConnected
from bwconsole.tui.forms import Form
from bwconsole.tui.keys import KeyEntry

T = TypeVar("T")

Answer = bool | str | None | Mapping[str, str] | Callable[[Any], Any]
"""A scripted answer: a value, or a function of what was asked (the options, the form)."""

CHANNEL = "actions-test"


class Asked:
    """One question the flow asked: its kind (confirm, choose, fill), its text, its detail."""

    def __init__(self, kind: str, text: str, detail: Any = None) -> None:
        self.kind, self.text, self.detail = kind, text, detail

    def __repr__(self) -> str:
        return f"Asked({self.kind!r}, {self.text!r})"


class FakeConsole:
    """The console as a flow sees it, answering from `answers` in order.

    A `fill` answer is merged over the form's pre-filled values (a choice's
    chosen value included), so a script names only what the user would type.
    """

    def __init__(self, client: Client | None, backend: Backend | None = None) -> None:
        self._client = client
        self.backend = backend
        self.answers: list[Answer] = []
        self.asked: list[Asked] = []
        self.notices: list[str] = []
        self.errors: list[str] = []
        self.failures: list[tuple[str, BaseException]] = []
        self.panes: dict[str, Any] = {}
        self.entries: list[KeyEntry] = []
        self.bxml = BxmlResponder(self)
        self.theme_names: tuple[str, ...] = ("dark",)

    # --- the account ------------------------------------------------------------------------

    @property
    def client(self) -> Client:
        if self._client is None:
            raise NotConnected("not connected to an account yet")
        return self._client

    @property
    def relay_callback_url(self) -> str | None:
        if self.backend is None or not self.backend.profile.relay_url:
            return None
        return relay_callback_url(self.backend.profile)

    async def call_api(self, request: Awaitable[T]) -> T | None:
        try:
            return await request
        except ApiError as exc:
            self.errors.append(f"{exc.status}: {exc.message or exc.code}")
            return None

    async def call_api_ok(self, request: Awaitable[object]) -> bool:
        return await self.call_api(_done(request)) is not None

    # --- telling ----------------------------------------------------------------------------

    def show_error(self, message: str, *, title: str = "Error") -> None:
        self.errors.append(message)

    def report_failure(self, what: str, exc: BaseException) -> None:
        self.failures.append((what, exc))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notices.append(message)

    # --- asking -----------------------------------------------------------------------------

    def _next(self, asked: Asked) -> Any:
        self.asked.append(asked)
        assert self.answers, f"unexpected question: {asked.kind} {asked.text!r}"
        answer = self.answers.pop(0)
        return answer(asked.detail) if callable(answer) else answer

    async def confirm(self, question: str, *, title: str = "Are you sure?") -> bool:
        return bool(self._next(Asked("confirm", question, title)))

    async def choose(self, title: str, options: Sequence[tuple[str, str]]) -> str | None:
        answer = self._next(Asked("choose", title, list(options)))
        return None if answer is None else str(answer)

    async def fill(self, form: Form) -> dict[str, str] | None:
        answer = self._next(Asked("fill", form.title, form))
        if answer is None:
            return None
        values = {c.name: c.value or "" for c in form.choices}
        values |= {f.name: f.value for f in form.fields}
        values |= dict(answer)
        if form.check is not None:
            problem = form.check(values)
            assert problem is None, f"the form {form.title!r} would refuse: {problem}"
        return values

    async def push_screen_wait(self, screen: Any, *, mode: str | None = None) -> Any:
        raise AssertionError(f"a flow pushed a screen: {screen!r}")

    def push_screen(self, screen: Any, callback: Any = None) -> Any:
        raise AssertionError(f"a flow pushed a screen: {screen!r}")

    # --- panes and keys ---------------------------------------------------------------------

    def pane(self, pane_id: str) -> Any:
        return self.panes[pane_id]

    def note_call(self, call_id: str, text: str) -> None:
        self.panes["calls"].note(call_id, text)

    def action_show_pane(self, pane_id: str) -> Any:
        return None

    def key_entries(self) -> list[KeyEntry]:
        return self.entries

    async def run_entry(self, entry: KeyEntry) -> None:
        raise AssertionError("a flow ran a key")

    def set_theme(self, name: str) -> None:
        pass


async def _done(request: Awaitable[object]) -> bool:
    await request
    return True


def as_console(fake: FakeConsole) -> Console:
    """The fake, as the flows' parameter type wants it (mypy checks it fits the protocol)."""
    return fake


@asynccontextmanager
async def sandbox_console(
    server: BackgroundServer, data_dir: Path, *, relay_url: str | None = None
) -> AsyncIterator[FakeConsole]:
    """A fake console connected to the sandbox on loopback: a real client, and a backend
    whose profile's relay is `relay_url` (e.g. a `callback_receiver`; None: no relay)."""
    creds = server.sandbox.credentials  # type: ignore[attr-defined]
    async with Client(
        creds.user_id, creds.token, creds.secret, base_url=server.url + "/v1", timeout=10.0
    ) as client:
        profile = Profile(
            name="actions",
            user_id=creds.user_id,
            api_token=creds.token,
            api_secret=creds.secret,
            api_url=server.url + "/v1",
            relay_url=relay_url,
            relay_channel=CHANNEL if relay_url else None,
        )
        backend = Backend(
            profile=profile,
            client=client,
            live=None,
            sandbox=server.sandbox,  # type: ignore[attr-defined]
            data_dir=data_dir,
        )
        yield FakeConsole(client, backend)

"""The session without Textual: it connects to the real embedded sandbox and relay,
tells a plain host what happens, and makes the API calls the panes ask for."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from bwconsole.api import Client, Exchange
from bwconsole.live import BxmlRequest, Forwarded, LiveEvent
from bwconsole.tui.backend import Backend, BackendOptions
from bwconsole.tui.session import Session

WAIT_SECONDS = 10.0


class Host:
    """Records what the session tells; background work runs as plain tasks."""

    def __init__(self) -> None:
        self.backend: Backend | None = None
        self.events: list[LiveEvent] = []
        self.exchanges: list[Exchange] = []
        self.states: list[str] = []
        self.errors: list[str] = []
        self.balances: list[str] = []
        self.loading_changes = 0
        self.timers: list[float] = []
        self.intervals: list[float] = []
        self.tasks: set[asyncio.Task[None]] = set()

    def attached(self, backend: Backend) -> None:
        self.backend = backend

    def on_live_event(self, live: LiveEvent) -> None:
        self.events.append(live)

    def add_exchange(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    async def answer_bxml(self, request: BxmlRequest) -> str:
        return "<Response />"

    def relay_state_changed(self, state: str) -> None:
        self.states.append(state)

    def forwarders_changed(self, names: tuple[str, ...]) -> None:
        pass

    def forwarded(self, report: Forwarded) -> None:
        pass

    def loading_changed(self) -> None:
        self.loading_changes += 1

    def balance_changed(self, balance: str) -> None:
        self.balances.append(balance)

    def show_error(self, message: str, *, title: str = "Error") -> None:
        self.errors.append(message)

    def run_background(self, work: Awaitable[None], *, group: str, exclusive: bool) -> None:
        async def run() -> None:
            await work

        task = asyncio.create_task(run())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def set_timer(self, delay: float, callback: Callable[[], object]) -> object:
        self.timers.append(delay)
        return None

    def set_interval(self, interval: float, callback: Callable[[], object]) -> object:
        self.intervals.append(interval)
        return None


async def until(predicate: Callable[[], object], what: str) -> None:
    for _ in range(int(WAIT_SECONDS / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@contextlib.asynccontextmanager
async def connected(data_dir: Path) -> AsyncIterator[tuple[Session, Host]]:
    host = Host()
    session = Session(host, BackendOptions(data_dir=data_dir, fresh=True, time_scale=20.0))
    session.start()
    try:
        await asyncio.wait_for(session.wait_connected(), WAIT_SECONDS)
        yield session, host
    finally:
        await session.close()


async def test_the_session_connects_reads_the_balance_and_tells_the_host(
    tmp_path: Path,
) -> None:
    async with connected(tmp_path) as (session, host):
        assert host.backend is session.backend and session.backend is not None
        assert session.backend.on_sandbox
        assert isinstance(session.client, Client)
        assert host.intervals == [60.0]  # the header's balance, re-read every minute
        await until(lambda: host.balances, "the balance")
        assert host.balances[0]
        await until(lambda: "connected" in host.states, "the relay")
        url = session.relay_callback_url
        assert url is not None and "/callbacks/" in url
        assert any(e.path.endswith("/account") for e in host.exchanges)
    assert not host.errors


async def test_call_api_answers_none_and_call_api_ok_false_when_the_api_refuses(
    tmp_path: Path,
) -> None:
    async with connected(tmp_path) as (session, host):
        account = await session.call_api(session.client.account.get())
        assert account is not None and account.balance
        assert await session.call_api_ok(session.client.applications.get("a-none")) is False
        assert await session.call_api(session.client.applications.get("a-none")) is None
        assert any(e.status == 404 for e in host.exchanges)  # the API log has it
        assert not host.errors  # and the session says nothing more


async def test_before_connecting_an_api_call_says_so_in_words() -> None:
    host = Host()
    session = Session(host, None)
    session.start()  # no options: stays offline
    assert session.backend is None and session.relay_callback_url is None

    async def needs_the_account() -> None:
        session.client  # noqa: B018 (raises NotConnected)

    assert await session.call_api_ok(needs_the_account()) is False
    assert host.errors == ["not connected to an account yet"]
    assert not session.begin_load("numbers")
    await session.close()


async def test_a_pane_loads_once_and_is_loading_until_its_fetch_ends(tmp_path: Path) -> None:
    async with connected(tmp_path) as (session, host):
        release = asyncio.Event()
        seen: list[Client] = []

        async def fetch(client: Client) -> None:
            seen.append(client)
            await release.wait()

        assert session.begin_load("numbers")
        assert not session.begin_load("numbers"), "only the first showing fetches"
        loading = asyncio.create_task(session.load("numbers", "Numbers", fetch))
        await until(lambda: seen, "the fetch to start")
        assert session.is_loading("numbers") and not session.is_loading("calls")
        release.set()
        await loading
        assert not session.is_loading("numbers") and host.loading_changes

        async def broken(client: Client) -> None:
            raise ValueError("no such column")

        assert session.begin_load("calls")
        await session.load("calls", "Calls", broken)
        assert host.errors == ["Calls could not load: no such column"]
        assert not session.is_loading("calls")


async def test_quitting_asks_only_with_calls_up(tmp_path: Path) -> None:
    async with connected(tmp_path) as (session, _host):
        assert session.quit_question(()) is None
        assert session.quit_question(("completed", "rejected", None)) is None
        question = session.quit_question(("active", "completed"))
        assert question is not None
        assert question.startswith("1 call is up: the embedded sandbox stops with the console")
        three = session.quit_question(("started", "transferring", "active")) or ""
        assert three.startswith("3 calls are up")

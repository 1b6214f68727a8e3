"""The sandbox's shared state and services: what every route module works with."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bwconsole.sandbox.callbacks import CallbackSender, Delivery, split_credentials
from bwconsole.sandbox.clock import Clock
from bwconsole.sandbox.ids import IdFactory
from bwconsole.sandbox.store import Collection, Record, Store

DEFAULT_USER_ID = "u-sandbox0000000000000000000"
DEFAULT_TOKEN = "t-sandboxtoken"
DEFAULT_SECRET = "sandboxsecret"
_log = logging.getLogger(__name__)

#: Stored errors kept (newest first); older ones are dropped.
ERRORS_CAP = 1000


class Service(Protocol):
    """What a sandbox keeps one of: built from the sandbox alone, living as long as it."""

    def __init__(self, sandbox: Sandbox) -> None: ...


ServiceT = TypeVar("ServiceT", bound=Service)


@dataclass(frozen=True)
class Credentials:
    user_id: str = DEFAULT_USER_ID
    token: str = DEFAULT_TOKEN
    secret: str = DEFAULT_SECRET


class Sandbox:
    """State, clock, ids and the callback sender of one emulated account.

    Args:
        credentials: the account's user id, API token and secret.
        state_file: SQLite file to persist to; None keeps everything in memory.
        time_scale: API time runs this many times faster than the wall clock.
        seed: seeds ids (and anything else random) so runs repeat.
        rate_limits: enforce the documented rate limits (off by default).
        callback_host: host name to use in URLs the sandbox hands out when no
            request has told it its own address yet.
    """

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        state_file: Path | None = None,
        time_scale: float = 1.0,
        seed: int | None = None,
        rate_limits: bool = False,
        callback_host: str | None = None,
    ) -> None:
        self.credentials = credentials or Credentials()
        self.store = Store(state_file)
        self.clock = Clock(time_scale)
        # After a restart the same seed must not hand out the ids of the first run again.
        generation = self.store.generation
        self.ids = IdFactory(seed if generation == 0 or seed is None else f"{seed}:{generation}")
        self.rate_limits = rate_limits
        self.callbacks = CallbackSender(on_failure=self._callback_failed)
        self.base_url = f"http://{callback_host}" if callback_host else "http://127.0.0.1"
        self._tasks: set[asyncio.Task[Any]] = set()
        self._services: dict[type, object] = {}
        if state_file is not None:
            self.media_dir = state_file.with_name(state_file.name + ".media")
            self.media_dir.mkdir(parents=True, exist_ok=True)
            self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        else:
            self._tempdir = tempfile.TemporaryDirectory(prefix="bwconsole-sandbox-media-")
            self.media_dir = Path(self._tempdir.name)

    @property
    def user_id(self) -> str:
        return self.credentials.user_id

    def collection(self, kind: str) -> Collection:
        return self.store.collection(kind)

    def service(self, kind: type[ServiceT]) -> ServiceT:
        """The sandbox's one `kind`, made with `kind(self)` on first use.

        The services are the state that outlives a request: the call engine
        (`voice.engine.CallEngine`), `bridges.Bridges`, `conferences.Conferences`,
        the rate limits (`ratelimit.Limiter`) and the messages' order
        (`message_delivery.SortKeys`). They are built on this class, so it cannot name
        them; each is found by its own class instead, which keeps the lookup typed:
        `sandbox.service(CallEngine)` is a `CallEngine`.
        """
        found = self._services.get(kind)
        if not isinstance(found, kind):
            found = self._services[kind] = kind(self)
        return found

    def user_path(self, *parts: str) -> str:
        """`/v1/users/{userId}/a/b` for the parts given."""
        return "/".join([f"/v1/users/{self.user_id}", *parts])

    def url(self, path: str) -> str:
        """Absolute URL of an API path, for fields such as `callUri`."""
        return self.base_url.rstrip("/") + path

    def spawn(
        self,
        coro: Coroutine[Any, Any, Any],
        *,
        on_crash: Callable[[BaseException], None] | None = None,
    ) -> asyncio.Task[Any]:
        """Run background work (a call's life, a message's delivery), cancelled on close.

        This is the sandbox's only way to start a task, so none fails silently: an
        exception is logged with its traceback, recorded in the errors resource
        (`internal-error`) and handed to `on_crash` (a call's task ends its call).
        """
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda done: self._check_task(done, on_crash))
        return task

    def _check_task(
        self, task: asyncio.Task[Any], on_crash: Callable[[BaseException], None] | None
    ) -> None:
        if task.cancelled() or (exc := task.exception()) is None:
            return
        name = getattr(task.get_coro(), "__qualname__", task.get_name())
        _log.error("sandbox task %s failed", name, exc_info=exc)
        self.record_error(
            500,
            "backend",
            "internal-error",
            f"Background work {name} failed: {exc.__class__.__name__}: {exc}"[:1000],
            [{"name": "task", "value": name}],
        )
        if on_crash is not None:
            try:
                on_crash(exc)
            except Exception:
                _log.exception("cleaning up after the failed task %s failed too", name)

    def record_error(
        self, status: int, category: str, code: str, message: str, details: list[dict[str, Any]]
    ) -> Record:
        """Add an entry to the errors resource (newest first, capped)."""
        errors = self.collection("errors")
        error_id = self.ids.new("error")
        record: Record = {
            "id": error_id,
            "time": self.clock.iso(),
            "category": category,
            "code": code,
            "message": message,
            "details": [
                {"id": self.ids.new("error"), "name": d["name"], "value": d["value"]}
                for d in details
            ],
            "_status": status,
        }
        errors.put(error_id, record)
        while len(errors) > ERRORS_CAP and (oldest := errors.first()) is not None:
            errors.delete(oldest["id"])
        return record

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task
        await self.callbacks.aclose()
        self.store.close()
        if self._tempdir is not None:
            self._tempdir.cleanup()

    def _callback_failed(self, delivery: Delivery, message: str) -> None:
        event_type = str(delivery.payload.get("eventType", "event"))
        self.record_error(
            0,
            "unavailable",
            "callback-failed",
            f"The {event_type} callback could not be delivered: {message}",
            [{"name": "callbackUrl", "value": split_credentials(delivery.url)[0]}],
        )

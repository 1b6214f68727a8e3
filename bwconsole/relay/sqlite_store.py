"""The SQLite store: one host's durable event log, with group commits.

Durability: WAL journal with `synchronous=FULL`, so a commit is fsynced before
`append` returns and an answered callback survives a power loss, not only a
crashed process (`NORMAL` with WAL only survives the latter). The fsync is
paid once per batch: every append waiting while a transaction is being
written joins the next transaction, so throughput grows with concurrency.

All writes run on one dedicated thread (SQLite allows one writer); reads use
their own connections on a small pool, which WAL lets run beside the writer.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bwconsole.relay.model import ChannelStats, Incoming, Listener, StoredEvent, encode_event

__all__ = ["SqliteStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, channel TEXT NOT NULL, seq INTEGER NOT NULL,
    received_at REAL NOT NULL, frame TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS events_seq ON events (channel, seq);
CREATE INDEX IF NOT EXISTS events_received_at ON events (received_at);
CREATE TABLE IF NOT EXISTS channels (
    channel TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS acks (
    channel TEXT NOT NULL, subscriber TEXT NOT NULL, seq INTEGER NOT NULL, updated_at REAL NOT NULL,
    PRIMARY KEY (channel, subscriber)) WITHOUT ROWID;
"""
"""Events live in a rowid table: frames are about a kilobyte, and a WITHOUT ROWID table
(the first schema) stores such rows in its index b-tree, which cost about twice the CPU
per append (measured: 27 against 15 µs an event). `_migrate` converts the old table."""

_SAVE_LAST = """
INSERT INTO channels (channel, last_seq) SELECT channel, MAX(seq) FROM events WHERE true
    GROUP BY channel
    ON CONFLICT (channel) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)
"""

_MIGRATE = """
CREATE TABLE events_rowid (
    id INTEGER PRIMARY KEY, channel TEXT NOT NULL, seq INTEGER NOT NULL,
    received_at REAL NOT NULL, frame TEXT NOT NULL);
INSERT INTO events_rowid (channel, seq, received_at, frame)
    SELECT channel, seq, received_at, frame FROM events ORDER BY received_at, channel, seq;
DROP TABLE events;
ALTER TABLE events_rowid RENAME TO events;
"""

#: appends written in one transaction at most (bounds the latency of a huge burst)
MAX_BATCH = 2000

_Pending = tuple[Incoming, "asyncio.Future[StoredEvent]"]


class _WriterThread:
    """The one thread that writes, running calls in order and answering through the loop.

    Cheaper per call than a one-thread executor (at a low rate every append is
    its own transaction, so this is paid per event): one C queue put, one
    `call_soon_threadsafe` back.
    """

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="relay-sqlite-write", daemon=True)
        self._thread.start()

    def call(self, func: Any, *args: Any) -> asyncio.Future[Any]:
        """Run `func(*args)` on the thread; the future resolves on the calling loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._calls.put((loop, future, func, args))
        return future

    def join(self) -> None:
        """Finish the calls already queued, then stop the thread (blocks: run it off the loop)."""
        self._calls.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (item := self._calls.get()) is not None:
            loop, future, func, args = item
            try:
                result, error = func(*args), None
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                result, error = None, exc
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                loop.call_soon_threadsafe(_resolve, future, result, error)


def _resolve(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the caller stopped waiting
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


class SqliteStore:
    """A `Store` in one SQLite file (see the module docstring for durability).

    Args:
        path: the database file; its directory is created when missing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._listeners: list[Listener] = []
        self._last: dict[str, int] = {}
        self._pending: list[_Pending] = []
        self._wake = asyncio.Event()
        self._writer_thread: _WriterThread | None = None
        self._reader_pool = ThreadPoolExecutor(2, thread_name_prefix="relay-sqlite-read")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._writer: asyncio.Task[None] | None = None
        self._write_conn: sqlite3.Connection | None = None

    # -- lifecycle -------------------------------------------------------

    async def open(self) -> None:
        """Create the schema, load each channel's last seq and start the writer task.

        A new store file is created 0600 (SQLite gives its -wal and -shm files the
        same mode): it holds every callback, phone numbers and message texts.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        self._writer_thread = _WriterThread()
        self._write_conn = await self._on_writer(self._open_writer)
        self._last = await self._on_writer(self._load_last)
        self._writer = asyncio.create_task(self._write_loop(), name="relay-sqlite-writer")

    async def close(self) -> None:
        """Stop the writer (pending appends fail) and close every connection."""
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        for _, future in self._pending:
            if not future.done():
                future.set_exception(ConnectionError("store closed"))
        self._pending.clear()
        if self._writer_thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._writer_thread.join)
            self._writer_thread = None
        self._reader_pool.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    def add_listener(self, listener: Listener) -> None:
        """See `Store.add_listener`."""
        self._listeners.append(listener)

    # -- writes ----------------------------------------------------------

    async def append(self, incoming: Incoming) -> StoredEvent:
        """See `Store.append`: resolves once the transaction holding it is committed."""
        if self._writer is None:
            raise ConnectionError("store is not open")
        future: asyncio.Future[StoredEvent] = asyncio.get_running_loop().create_future()
        self._pending.append((incoming, future))
        self._wake.set()
        # a cancelled waiter (the sender hung up) cancels only its future: the event is still
        # written, and the writer skips resolving a future that is already done
        return await future

    async def save_acks(self, channel: str, acks: Mapping[str, int]) -> None:
        """See `Store.save_acks`."""
        now = time.time()
        rows = [(channel, name, seq, now) for name, seq in acks.items()]
        await self._on_writer(
            self._execute_many,
            "INSERT INTO acks (channel, subscriber, seq, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (channel, subscriber) DO UPDATE SET seq = excluded.seq, "
            "updated_at = excluded.updated_at",
            rows,
        )

    async def prune(self, before: float) -> int:
        """See `Store.prune`."""
        return int(await self._on_writer(self._prune, before))

    async def _write_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                events = []
                for incoming, _ in batch:
                    seq = self._last.get(incoming.channel, 0) + 1
                    self._last[incoming.channel] = seq
                    events.append(encode_event(incoming, seq))
                try:
                    await self._on_writer(self._write_batch, events)
                except Exception as exc:  # noqa: BLE001 - every waiter must hear about it
                    self._last = await self._on_writer(self._load_last)
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for stored, (_, future) in zip(events, batch, strict=True):
                    for listener in self._listeners:
                        listener(stored)
                    if not future.done():
                        future.set_result(stored)

    async def _on_writer(self, func: Any, *args: Any) -> Any:
        if self._writer_thread is None:
            raise ConnectionError("store is not open")
        return await self._writer_thread.call(func, *args)

    def _open_writer(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        self._migrate(conn)
        conn.executescript(_SCHEMA)
        with self._lock:
            self._connections.append(conn)
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Convert a store written by the first schema (events WITHOUT ROWID), in one transaction."""
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'events'").fetchone()
        if row is None or "WITHOUT ROWID" not in row[0].upper():
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _MIGRATE.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _write_batch(self, events: list[StoredEvent]) -> None:
        conn = self._write_conn
        assert conn is not None
        conn.execute("BEGIN IMMEDIATE")
        try:
            # each channel's last seq is its highest stored seq; `channels` keeps it only
            # for when retention deletes the events (see `_prune`), not on every commit
            conn.executemany(
                "INSERT INTO events (channel, seq, received_at, frame) VALUES (?, ?, ?, ?)",
                [(e.channel, e.seq, e.received_at, e.frame) for e in events],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _load_last(self) -> dict[str, int]:
        """Each channel's last seq: its highest stored event, or what `_prune` saved."""
        last = dict(self._query("SELECT channel, last_seq FROM channels", ()))
        for channel, seq in self._query(
            "SELECT channel, MAX(seq) FROM events GROUP BY channel", ()
        ):
            last[channel] = max(seq, last.get(channel, 0))
        return last

    def _execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        assert self._write_conn is not None
        with self._write_conn:
            self._write_conn.execute("BEGIN")
            self._write_conn.executemany(sql, rows)

    def _prune(self, before: float) -> int:
        assert self._write_conn is not None
        with self._write_conn:
            self._write_conn.execute("BEGIN")
            self._write_conn.execute(_SAVE_LAST)  # seqs never restart, even on an empty channel
            removed = self._write_conn.execute(
                "DELETE FROM events WHERE received_at < ?", (before,)
            ).rowcount
            self._write_conn.execute("DELETE FROM acks WHERE updated_at < ?", (before,))
        return int(removed)

    # -- reads -----------------------------------------------------------

    async def read(self, channel: str, after: int, limit: int) -> list[StoredEvent]:
        """See `Store.read`."""
        rows = await self._on_reader(
            "SELECT seq, received_at, frame FROM events WHERE channel = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (channel, after, limit),
        )
        return [StoredEvent(channel, seq, at, frame) for seq, at, frame in rows]

    async def last_seq(self, channel: str) -> int:
        """See `Store.last_seq` (the writer's counter is authoritative: it is the only writer)."""
        return self._last.get(channel, 0)

    async def stats(self) -> dict[str, ChannelStats]:
        """See `Store.stats`."""
        counts = await self._on_reader(
            "SELECT channel, COUNT(*), MIN(seq) FROM events GROUP BY channel", ()
        )
        by_channel = {channel: (count, first) for channel, count, first in counts}
        return {
            channel: ChannelStats(*by_channel.get(channel, (0, None)), last_seq=last)
            for channel, last in self._last.items()
        }

    async def acks(self, channel: str) -> dict[str, int]:
        """See `Store.acks`."""
        rows = await self._on_reader(
            "SELECT subscriber, seq FROM acks WHERE channel = ?", (channel,)
        )
        return {name: seq for name, seq in rows}

    async def _on_reader(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reader_pool, self._read_query, sql, params)

    def _read_query(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, check_same_thread=False)
            with self._lock:
                self._connections.append(conn)
            self._local.conn = conn
        return conn.execute(sql, params).fetchall()

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        assert self._write_conn is not None
        return self._write_conn.execute(sql, params).fetchall()

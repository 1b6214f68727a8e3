"""The `Store` contract, one suite for every store (memory, SQLite, Redis)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bwconsole.relay import Incoming, SharedStore, Store, StoredEvent, open_store

# the *_fixture imports register the `store` and Redis fixtures in this module
from tests.redis_helpers import redis_url_fixture, shared_redis_fixture  # noqa: F401
from tests.relay_helpers import store_fixture  # noqa: F401


def incoming(channel: str, i: int, at: float | None = None) -> Incoming:
    body = json.dumps({"eventType": "answer", "callId": f"c-{i}"})
    return Incoming(
        channel,
        "POST",
        "",
        {"content-type": "application/json"},
        body,
        json.loads(body),
        received_at=time.time() if at is None else at,
    )


@pytest.fixture(name="opened")
async def opened_fixture(store: str) -> AsyncIterator[Store]:
    opened = open_store(store)
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


async def test_concurrent_appends_get_contiguous_seqs_per_channel(opened: Store) -> None:
    stored = await asyncio.gather(*(opened.append(incoming(f"ch{i % 2}", i)) for i in range(200)))
    for channel in ("ch0", "ch1"):
        seqs = sorted(s.seq for s in stored if s.channel == channel)
        assert seqs == list(range(1, 101))
        assert await opened.last_seq(channel) == 100
    frame = json.loads(stored[7].frame)
    assert (frame["type"], frame["seq"], frame["channel"]) == ("event", stored[7].seq, "ch1")
    assert frame["event"]["callId"] == "c-7"
    assert await opened.last_seq("never-used") == 0


async def test_read_pages_in_seq_order_with_the_frames_as_appended(opened: Store) -> None:
    appended = [await opened.append(incoming("ch", i)) for i in range(25)]
    assert await opened.read("ch", 0, 10) == appended[:10]
    assert await opened.read("ch", 20, 10) == appended[20:]
    assert await opened.read("ch", 25, 10) == []
    assert await opened.read("other", 0, 10) == []


async def test_listeners_hear_every_append_in_seq_order(opened: Store) -> None:
    heard: list[StoredEvent] = []
    all_heard = asyncio.Event()

    def listener(stored: StoredEvent) -> None:
        heard.append(stored)
        if len(heard) == 50:
            all_heard.set()

    opened.add_listener(listener)
    if isinstance(opened, SharedStore):
        await opened.follow("ch")
    appended = await asyncio.gather(*(opened.append(incoming("ch", i)) for i in range(50)))
    await asyncio.wait_for(all_heard.wait(), 5)
    assert [s.seq for s in heard] == list(range(1, 51))
    assert sorted(heard, key=lambda s: s.seq) == sorted(appended, key=lambda s: s.seq)


async def test_prune_drops_old_events_and_stale_acks_but_never_reuses_a_seq(opened: Store) -> None:
    old = time.time() - 100
    for i in range(3):
        await opened.append(incoming("ch", i, at=old))
    kept = await opened.append(incoming("ch", 3))
    cutoff = time.time() - 50
    await opened.save_acks("ch", {"desk": 4})
    assert await opened.prune(cutoff) == 3
    assert await opened.read("ch", 0, 10) == [kept]
    assert await opened.acks("ch") == {"desk": 4}
    stats = (await opened.stats())["ch"]
    assert (stats.count, stats.first_seq, stats.last_seq) == (1, 4, 4)
    assert await opened.prune(time.time() + 1) == 1
    stats = (await opened.stats())["ch"]
    assert (stats.count, stats.first_seq, stats.last_seq) == (0, None, 4)
    assert await opened.acks("ch") == {}
    assert (await opened.append(incoming("ch", 5))).seq == 5


async def test_acks_are_recorded_per_subscriber(opened: Store) -> None:
    await opened.save_acks("ch", {"desk": 3, "laptop": 1})
    await opened.save_acks("ch", {"laptop": 2})
    assert await opened.acks("ch") == {"desk": 3, "laptop": 2}
    assert await opened.acks("other") == {}


async def test_a_store_written_by_the_first_schema_is_converted_and_keeps_its_events(
    tmp_path: Path,
) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE events (channel TEXT NOT NULL, seq INTEGER NOT NULL, "
            "received_at REAL NOT NULL, frame TEXT NOT NULL, PRIMARY KEY (channel, seq)) "
            "WITHOUT ROWID;"
            "CREATE INDEX events_received_at ON events (received_at);"
            "CREATE TABLE channels (channel TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) "
            "WITHOUT ROWID;"
        )
        conn.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?)",
            [("acct", seq, 1000.0 + seq, f'{{"type":"event","seq":{seq}}}') for seq in (1, 2, 3)],
        )
        conn.execute("INSERT INTO channels VALUES ('acct', 3)")
    store = open_store(f"sqlite:{path}")
    await store.open()
    try:
        assert [e.seq for e in await store.read("acct", 1, 10)] == [2, 3]
        assert (await store.append(incoming("acct", 4))).seq == 4
        assert [e.seq for e in await store.read("acct", 0, 10)] == [1, 2, 3, 4]
    finally:
        await store.close()
    with sqlite3.connect(path) as conn:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'events'").fetchone()
    assert "WITHOUT ROWID" not in sql.upper()


async def test_after_a_restart_seq_continues_even_when_retention_emptied_the_channel(
    tmp_path: Path,
) -> None:
    spec = f"sqlite:{tmp_path / 'relay.db'}"
    for expected_first in (1, 4, 6):
        store = open_store(spec)
        await store.open()
        try:
            seqs = [
                (await store.append(incoming("acct", i))).seq
                for i in range(3 if expected_first == 1 else 2)
            ]
            assert seqs[0] == expected_first
            if expected_first == 4:
                assert await store.prune(time.time() + 1) == 5
        finally:
            await store.close()

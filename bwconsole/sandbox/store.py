"""Sandbox state: named collections of JSON records, in memory or persisted to SQLite.

Records are the resources in their wire form (camelCase dicts, as the API
returns them). Keys that start with `_` are the sandbox's private bookkeeping
and are stripped by `public()` before a record leaves the API.

The server runs on one event loop and no mutation awaits half-way, so requests
never interleave inside a change; with a state file every `put`/`delete` is
written through at once, so a restart keeps everything.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

Record = dict[str, Any]


def public(record: Record) -> Record:
    """The record as the API shows it: private `_` keys dropped."""
    return {key: value for key, value in record.items() if not key.startswith("_")}


class Collection:
    """An insertion-ordered set of records of one kind, keyed by id."""

    def __init__(self, store: Store, kind: str) -> None:
        self._store = store
        self.kind = kind
        self._records: dict[str, Record] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, key: object) -> bool:
        return key in self._records

    def __iter__(self) -> Iterator[Record]:
        return iter(list(self._records.values()))

    def get(self, key: str) -> Record | None:
        return self._records.get(key)

    def first(self) -> Record | None:
        """The oldest record still held (None if empty), without copying the collection."""
        return next(iter(self._records.values()), None)

    def put(self, key: str, record: Record) -> Record:
        """Insert or replace, and persist."""
        self._records[key] = record
        self._store.persist(self.kind, key, record)
        return record

    def save(self, key: str) -> None:
        """Persist a record changed in place."""
        self._store.persist(self.kind, key, self._records[key])

    def delete(self, key: str) -> Record | None:
        record = self._records.pop(key, None)
        if record is not None:
            self._store.forget(self.kind, key)
        return record

    def load(self, key: str, record: Record) -> None:
        self._records[key] = record


class Store:
    """All collections, plus an optional SQLite file they are written through to."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._collections: dict[str, Collection] = {}
        self._db: sqlite3.Connection | None = None
        self._pos = 0
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS records ("
                " kind TEXT NOT NULL, key TEXT NOT NULL, pos INTEGER NOT NULL, body TEXT NOT NULL,"
                " PRIMARY KEY (kind, key))"
            )
            self._pos = self._db.execute("SELECT COALESCE(MAX(pos), 0) FROM records").fetchone()[0]

    @property
    def generation(self) -> int:
        """How many writes the state file has seen (0 for a new or in-memory store)."""
        return self._pos if self._db is not None else 0

    def collection(self, kind: str) -> Collection:
        """The collection of this kind, loaded from the file on first use."""
        found = self._collections.get(kind)
        if found is None:
            found = self._collections[kind] = Collection(self, kind)
            if self._db is not None:
                rows = self._db.execute(
                    "SELECT key, body FROM records WHERE kind = ? ORDER BY pos", (kind,)
                )
                for key, body in rows:
                    found.load(key, json.loads(body))
        return found

    def persist(self, kind: str, key: str, record: Record) -> None:
        if self._db is None:
            return
        self._pos += 1
        # Keep the first insertion position so list order survives a restart.
        self._db.execute(
            "INSERT INTO records (kind, key, pos, body) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
            (kind, key, self._pos, json.dumps(record)),
        )

    def forget(self, kind: str, key: str) -> None:
        if self._db is not None:
            self._db.execute("DELETE FROM records WHERE kind = ? AND key = ?", (kind, key))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

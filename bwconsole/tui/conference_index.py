"""The console's own list of conferences: v1 has no operation that lists them.

Every conference the console creates, or sees in an event, is remembered here
(a small SQLite file), keyed by account so two profiles never mix; the
Conferences pane refreshes each one from the API when it loads. On the
embedded sandbox the file sits with the sandbox's own state, elsewhere in the
user data dir.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bwconsole.tui.backend import Backend

__all__ = ["INDEX_FILE", "ConferenceIndex", "index_path"]

INDEX_FILE = "conferences.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conferences (
    account TEXT NOT NULL,
    id TEXT NOT NULL,
    seen_at REAL NOT NULL,
    PRIMARY KEY (account, id)
)
"""


def index_path(backend: Backend) -> Path:
    """Where the index of `backend`'s account lives: next to the embedded sandbox's
    state when on it (so a sandbox's conferences stay with that sandbox), else the data dir."""
    return backend.data_dir / INDEX_FILE


class ConferenceIndex:
    """Conference ids of one account, in the order they were first seen.

    Args:
        path: The SQLite file (created with its directory on first use).
        account: Whose conferences these are (the profile's user id).
    """

    def __init__(self, path: Path, account: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.account = account
        self._db = sqlite3.connect(path)
        self._db.execute(_SCHEMA)
        self._db.commit()

    def remember(self, conference_id: str) -> bool:
        """Add a conference; True when it was not known yet."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO conferences (account, id, seen_at) VALUES (?, ?, ?)",
            (self.account, conference_id, time.time()),
        )
        self._db.commit()
        return cursor.rowcount > 0

    def forget(self, conference_id: str) -> None:
        """Drop a conference the API no longer knows."""
        self._db.execute(
            "DELETE FROM conferences WHERE account = ? AND id = ?", (self.account, conference_id)
        )
        self._db.commit()

    def ids(self) -> list[str]:
        """Every remembered conference id, oldest first."""
        rows = self._db.execute(
            "SELECT id FROM conferences WHERE account = ? ORDER BY seen_at, rowid",
            (self.account,),
        )
        return [conference_id for (conference_id,) in rows]

    def close(self) -> None:
        """Close the file."""
        self._db.close()

"""The relay's SQLite store holds every callback (numbers, message texts): owner-only files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bwconsole.relay.store_spec import open_store
from tests.test_relay_store import incoming


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_sqlite_store_and_its_wal_are_0600_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "relay" / "relay.sqlite3"
    old = os.umask(0o022)
    try:
        store = open_store(f"sqlite:{path}")
        await store.open()
        try:
            await store.append(incoming("c1", 1))
            files = sorted(p.name for p in path.parent.iterdir())
            modes = {name: _mode(path.parent / name) for name in files}
        finally:
            await store.close()
    finally:
        os.umask(old)
    assert "relay.sqlite3-wal" in files
    assert modes == dict.fromkeys(files, 0o600)

"""Which store a command-line spec names (`memory`, `sqlite:PATH`, `redis://…`), opened.

Apart from `store.py` so that the protocol the stores implement does not
import the stores; the Redis one is imported only when asked for, since
`redis` is an optional extra.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from bwconsole.relay.store import MemoryStore, Store

__all__ = ["default_sqlite_path", "open_store"]


def default_sqlite_path() -> Path:
    """`standalone-relay.sqlite3` under platformdirs' user data dir for bwconsole: a file
    of its own, not the embedded relay's `relay.sqlite3` beside it (a console running
    there would otherwise share, and fight over, one log)."""
    return Path(platformdirs.user_data_dir("bwconsole")) / "standalone-relay.sqlite3"


def open_store(spec: str) -> Store:
    """Build a store from its command-line form.

    Args:
        spec: `memory`, `sqlite` (the default path), `sqlite:PATH`, or `redis://HOST:PORT/DB`
            (also `rediss://` and `unix://`).

    Raises:
        ValueError: for an unknown or unsupported store.
    """
    if spec == "memory":
        return MemoryStore()
    if spec == "sqlite" or spec.startswith("sqlite:"):
        from bwconsole.relay.sqlite_store import SqliteStore

        path = spec.partition(":")[2]
        return SqliteStore(Path(path).expanduser() if path else default_sqlite_path())
    if spec.startswith(("redis://", "rediss://", "unix://")):
        try:
            from bwconsole.relay.redis_store import RedisStore
        except ModuleNotFoundError as exc:  # redis is the optional extra `bwconsole[redis]`
            if (exc.name or "").split(".")[0] != "redis":
                raise
            raise ValueError(
                "the redis client is not installed: install bwconsole[redis] "
                "(uv tool install 'bwconsole[redis]' or pip install 'bwconsole[redis]')"
            ) from None

        return RedisStore(spec)
    raise ValueError(
        f"unknown store {spec!r}: use memory, sqlite, sqlite:PATH or redis://HOST:PORT/DB"
    )

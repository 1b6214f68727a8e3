"""A real `redis-server` for the relay tests: 127.0.0.1, a free port, a temp dir, appendonly on.

Tests that need it are skipped (with the reason) only when `redis-server` is
not installed; `.ci/run` installs it from Debian's packages.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.peers import require_peer

REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One `redis-server` process that can be killed and restarted on the same data.

    `appendfsync always`: every write is fsynced before Redis answers it, so a
    SIGKILL loses nothing that was acknowledged (what the relay documents for
    full durability).
    """

    def __init__(self, directory: Path) -> None:
        assert REDIS_SERVER is not None
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        command = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--dir", str(self.directory), "--appendonly", "yes"]
        command += ["--appendfsync", "always", "--save", "", "--daemonize", "no"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)
            except redis.exceptions.BusyLoadingError:
                time.sleep(0.02)
        client.close()

    def kill(self) -> None:
        """SIGKILL: no shutdown save, only what the append-only file holds survives."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def flush(self) -> None:
        with redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5) as client:
            client.flushall()


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A started server in its own temp dir, killed at the end."""
    with tempfile.TemporaryDirectory(prefix="bwconsole-redis-") as tmp:
        server = RedisServer(Path(tmp))
        server.start()
        try:
            yield server
        finally:
            server.kill()


@pytest.fixture(name="shared_redis", scope="session")
def shared_redis_fixture() -> Iterator[RedisServer]:
    """One server per importing module for the session (tests flush it through `redis_url`)."""
    require_peer(REDIS_SERVER, "redis-server", "redis-server")
    with redis_server() as server:
        yield server


@pytest.fixture(name="redis_url")
def redis_url_fixture(shared_redis: RedisServer) -> str:
    """The URL of an empty Redis database."""
    shared_redis.flush()
    return shared_redis.url


@pytest.fixture(name="own_redis")
def own_redis_fixture() -> Iterator[RedisServer]:
    """A server of the test's own (to kill and restart)."""
    require_peer(REDIS_SERVER, "redis-server", "redis-server")
    with redis_server() as server:
        yield server

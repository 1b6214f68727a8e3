"""Fixtures for the compatibility suite (servers.py has what they start)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from compat.servers import AppServer, SandboxProcess, running_sandbox


@pytest.fixture(scope="session")
def cli_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One real `bwconsole sandbox` for the session's SDK flows (seeded, time-scale 20)."""
    with running_sandbox(tmp_path_factory.mktemp("compat-sandbox"), "--seed", "14") as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    """The test's application: callback URLs on 127.0.0.1."""
    server = AppServer()
    try:
        yield server
    finally:
        server.close()

"""Snapshots of the console's look (default theme, deterministic data).

Stored under tests/snapshots/; update with `pytest tests/test_tui_snapshots.py
--snapshot-update` only after looking at the report.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from syrupy.extensions.base import AbstractSyrupyExtension

from bwconsole.tui.app import BwConsoleApp


@pytest.fixture(autouse=True)
def snapshots_in_tests_snapshots(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The project keeps snapshots in tests/snapshots/ (excluded from ruff), not __snapshots__;
    # syrupy's single-file extensions read the directory name from the abstract base.
    monkeypatch.setattr(AbstractSyrupyExtension, "snapshot_dirname", "snapshots")
    yield


@dataclass
class LiveEvent:
    seq: int
    body: str
    received_at: str = "2026-11-26T12:00:00"
    event: Any = None
    parse_error: str | None = None


def events_app() -> BwConsoleApp:
    app = BwConsoleApp(initial_pane="events", profile_name="acme", sandbox=True)
    app.relay_state = "connected"
    app.balance = 42  # type: ignore[assignment]
    for seq, state in enumerate(("ringing", "active", "completed"), start=1):
        body = {"eventType": "answer", "callId": f"c-{seq:04d}", "callState": state}
        app.add_event(LiveEvent(seq, json.dumps(body)))
    app.add_event(LiveEvent(4, '{"eventType": "answer", "callId"', parse_error="unterminated"))
    return app


def test_events_log_look(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(events_app(), terminal_size=(110, 20))


def test_help_screen_look(snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(BwConsoleApp(), press=["question_mark"], terminal_size=(110, 30))

"""`bwconsole sandbox` as a user runs it: a real process, its banner, a request, a clean stop."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx

from bwconsole.cli import build_parser
from bwconsole.sandbox.core import DEFAULT_SECRET, DEFAULT_TOKEN, DEFAULT_USER_ID


def test_options_parse() -> None:
    args = build_parser("sandbox").parse_args(
        [
            "sandbox",
            "--port",
            "0",
            "--state",
            "s.db",
            "--time-scale",
            "10",
            "--user-id",
            "u-x",
            "--token",
            "t",
            "--secret",
            "s",
            "--callback-host",
            "example.com",
        ]
    )
    assert (args.port, args.state, args.time_scale) == (0, Path("s.db"), 10.0)
    assert (args.user_id, args.token, args.secret, args.callback_host) == (
        "u-x",
        "t",
        "s",
        "example.com",
    )


def test_runs_prints_credentials_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "bwconsole", "sandbox", "--port", "0", "--state", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        base = lines[1].split()[-1]
        assert base.startswith("http://127.0.0.1:") and base.endswith("/v1")
        assert lines[2].split()[-1] == DEFAULT_USER_ID
        assert lines[3].split()[-1] == DEFAULT_TOKEN
        assert lines[4].split()[-1] == DEFAULT_SECRET
        response = httpx.get(
            f"{base}/users/{DEFAULT_USER_ID}/account", auth=(DEFAULT_TOKEN, DEFAULT_SECRET)
        )
        assert response.status_code == 200 and response.json()["balance"] == "1000.00000"
        numbers = httpx.get(
            f"{base}/users/{DEFAULT_USER_ID}/phoneNumbers", auth=(DEFAULT_TOKEN, DEFAULT_SECRET)
        )
        assert numbers.json() == []  # starts owning no numbers
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
    assert code == 0
    assert state.exists()

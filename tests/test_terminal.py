"""End to end in a real terminal: `bwconsole --sandbox` in tmux, driven by keystrokes.

Everything the Pilot tests skip is real here: the terminal driver, the key
parser, the process start-up with the embedded sandbox and relay, the clock.
The dialled number `+15554030000` is a sandbox far end that answers after 1 s
and hangs up 3 s later (docs/sandbox.md, "Far ends").
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.peers import require_peer

DIALLED = "+15554030000"
"""Answers after 1 s, hangs up 3 s after answering (sandbox far end `+15554NN`)."""


@pytest.fixture(autouse=True)
def _tmux_installed() -> None:
    require_peer(shutil.which("tmux"), "tmux", "tmux")


class Terminal:
    """A tmux server of its own (private socket, no user config) running one command."""

    def __init__(self, tmp_path: Path) -> None:
        self.socket = f"bwconsole-test-{uuid.uuid4().hex[:12]}"
        self.config = tmp_path / "tmux.conf"
        # Keep the pane after the command exits, so a crash's traceback can be read.
        self.config.write_text("set -g remain-on-exit on\n")
        self.screen = ""

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return done.stdout

    def start(self, command: list[str], size: tuple[int, int] = (120, 35)) -> None:
        width, height = size
        self.tmux(
            "new-session", "-d", "-s", "console", "-x", str(width), "-y", str(height),
            shlex.join(command),
        )  # fmt: skip

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "console", *(["-l"] if literal else []), *keys)

    def capture(self) -> str:
        self.screen = self.tmux("capture-pane", "-p", "-t", "console")
        return self.screen

    def wait_for(self, predicate: Callable[[str], bool], what: str, seconds: float = 10) -> str:
        """Poll the screen until `predicate(screen)`; fail showing the last screen."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate(self.capture()):
                return self.screen
            time.sleep(0.2)
        size = self.tmux("display", "-p", "-t", "console", "#{window_width}x#{window_height}")
        raise AssertionError(
            f"timed out waiting for {what}; the screen ({size.strip()}):\n{self.screen}"
        )

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10, check=False
        )


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(tmp_path)
    try:
        yield term
    finally:
        term.close()


def call_cells(screen: str) -> list[str]:
    """The cells of the dialled call's row in the Calls table ([] while there is none)."""
    for line in screen.splitlines():
        table = line.split("▏")[0].strip("│ ")  # the detail panel starts at ▏
        if f"{DIALLED} " in table:
            return table.split()
    return []


@pytest.mark.timeout(60)
def test_dial_from_the_keyboard_shows_the_call_go_active_then_complete(
    terminal: Terminal, tmp_path: Path
) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    data.mkdir()
    config.mkdir()
    # Given to the command itself: a tmux server does not pass the test's environment on
    # reliably. COLUMNS/LINES (set under pytest) would pin Textual to 80x24 whatever the pane.
    environment = [f"BWCONSOLE_DATA_DIR={data}", f"BWCONSOLE_CONFIG_DIR={config}"]
    unset = ["-u", "COLUMNS", "-u", "LINES"]
    terminal.start(
        ["env", *unset, *environment, sys.executable, "-m", "bwconsole", "--sandbox", "--fresh"]
    )

    def ready(screen: str) -> bool:
        return "Welcome to bwconsole" in screen or (
            "relay: connected" in screen and re.search(r"│\+1\d{10} ", screen) is not None
        )

    if "Welcome to bwconsole" in terminal.wait_for(ready, "the console up", seconds=15):
        terminal.keys("Escape")  # the first-run welcome
    terminal.wait_for(
        lambda s: "Welcome to bwconsole" not in s and ready(s),
        "the console connected with the seeded numbers listed",
    )

    terminal.keys("2")
    terminal.wait_for(lambda s: "─ Calls " in s, "the Calls pane")
    terminal.keys("d")
    terminal.wait_for(lambda s: "To (E.164 number" in s, "the dial form")
    terminal.keys(DIALLED, literal=True)
    terminal.wait_for(lambda s: DIALLED in s, "the number typed into the form")
    terminal.keys("Enter")

    active = terminal.wait_for(lambda s: "active" in call_cells(s), "the call answered")
    assert call_cells(active)[:2] == ["active", "out"]
    ended = terminal.wait_for(lambda s: "completed" in call_cells(s), "the far end hanging up")
    assert call_cells(ended)[:2] == ["completed", "out"]
    assert "Cause: NORMAL_CLEARING" in ended, "the highlighted call's detail says why it ended"
    assert "To (E.164 number" not in ended, "the dial form closed"

"""Terminal injection, end to end in a real pty: `bwconsole --sandbox` gets hostile events.

A stranger who texts the user's number writes the SMS text; whoever can post to the
relay ingress writes a call's `from`. Both are drawn in tables, detail views, the
incoming-call banner and toasts. Here they carry OSC 52 (set the clipboard), OSC 0
(window title), `ESC[2J` (clear) and `ESC[?1049l` (leave the alternate screen), each
followed by a marker, and the raw bytes the console writes to its terminal must
hold none of them: the sequences come out after a visible `␛`, never after ESC.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bwconsole.sandbox.core import DEFAULT_SECRET, DEFAULT_TOKEN, DEFAULT_USER_ID
from bwconsole.tui.screens.welcome import SEEN_MARKER

HOSTILE_TEXT = (
    "hi \x1b]52;c;SEFDS0VE\x07 \x1b[2JQ1 \x1b[?1049lQ2 \x1b]0;PWNED-TITLE\x07 \x9b2JQ3 bye"
)
"""An SMS body: clipboard write, clear screen, leave alt screen, window title, 8-bit CSI."""
HOSTILE_FROM = "+1\x1b]0;CALLER-TITLE\x07\x1b]52;c;Q0FMTEVS\x07\x1b[2JR1"
"""A call's `from`, posted straight to the relay ingress."""
FORBIDDEN = (
    b"\x1b]52;c;SEFDS0VE",
    b"\x1b[2JQ1",
    b"\x1b[?1049lQ2",
    b"\x1b]0;PWNED",
    b"\xc2\x9b2JQ3",
    b"\x1b]0;CALLER",
    b"\x1b]52;c;Q0FMTEVS",
    b"\x1b[2JR1",
)
"""Byte strings that would mean a hostile sequence reached the terminal as is."""
SHOWN = (b"SEFDS0VE", b"PWNED-TITLE", b"Q0FMTEVS")
"""Marker text that must reach the screen (proof the hostile strings were drawn)."""
ESC_SHOWN = "␛".encode()


class Pty:
    """The console in a pseudo-terminal, every byte it writes kept in `output`."""

    def __init__(self, command: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def seen(self) -> bytes:
        with self._lock:
            return bytes(self.output)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def wait_for(self, predicate: Callable[[bytes], bool], what: str, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate(self.seen()):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        tail = self.seen()[-3000:].decode("utf-8", "replace")
        raise AssertionError(f"timed out waiting for {what}; last output:\n{tail}")

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.send(b"\x11")  # ctrl+q
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        with contextlib.suppress(OSError):
            os.close(self.master)
        self._reader.join(5)


@pytest.fixture
def console(tmp_path: Path) -> Iterator[tuple[Pty, Path]]:
    data, config = tmp_path / "data", tmp_path / "config"
    data.mkdir()
    config.mkdir()
    (data / SEEN_MARKER).touch()
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env |= {
        "TERM": "xterm-256color",
        "BWCONSOLE_DATA_DIR": str(data),
        "BWCONSOLE_CONFIG_DIR": str(config),
    }
    term = Pty([sys.executable, "-m", "bwconsole", "--sandbox", "--fresh"], env, (160, 48))
    try:
        yield term, data
    finally:
        term.close()


def _api(data: Path) -> tuple[str, httpx.Client]:
    ports = json.loads((data / "embedded.json").read_text())
    base = f"http://127.0.0.1:{ports['sandbox']}"
    return base, httpx.Client(base_url=base, auth=(DEFAULT_TOKEN, DEFAULT_SECRET), timeout=5)


@pytest.mark.timeout(90)
def test_hostile_sms_text_and_caller_never_reach_the_terminal_raw(
    console: tuple[Pty, Path],
) -> None:
    term, data = console
    term.wait_for(lambda out: b"connected" in out and (data / "embedded.json").exists(), "start-up")
    base, api = _api(data)
    with api:
        user = f"/v1/users/{DEFAULT_USER_ID}"
        number = api.get(f"{user}/phoneNumbers").json()[0]["number"]
        (application,) = api.get(f"{user}/applications").json()
        ingress = application["incomingCallUrl"]  # carries this start's ingress credential
        start = len(term.seen())

        sent = api.post(
            "/sandbox/inject/message",
            json={"from": "+19195550123", "to": number, "text": HOSTILE_TEXT},
        )
        assert sent.status_code == 201, sent.text
        term.wait_for(lambda out: b"SEFDS0VE" in out[start:], "the message drawn")

        event = {
            "eventType": "incomingcall",
            "callId": "c-hostile0000000000000000000",
            "callState": "active",
            "from": HOSTILE_FROM,
            "to": number,
            "time": "2026-12-03T12:00:00Z",
        }
        posted = httpx.post(ingress, json=event, timeout=5)
        assert posted.status_code < 300, posted.text
    term.wait_for(lambda out: b"Q0FMTEVS" in out[start:], "the incoming-call banner")
    term.send(b"\x1b")  # dismiss the banner
    for key in (b"4", b"7", b"\x1b[B", b"\x1b[B", b"2", b"8"):  # Messages, Events, Calls, API log
        time.sleep(0.6)
        term.send(key)
    time.sleep(1.0)
    assert term.process.poll() is None, "the console is still running"

    drawn = term.seen()[start:]
    leaked = [sequence for sequence in FORBIDDEN if sequence in drawn]
    assert leaked == [], f"hostile sequences reached the terminal: {leaked}"
    assert all(marker in drawn for marker in SHOWN)
    assert ESC_SHOWN in drawn, "ESC is shown as a visible symbol"

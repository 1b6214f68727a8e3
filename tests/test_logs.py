"""The console's log: a rotating file in the user log dir, `--log-level`, and `textual console`.

Before, nothing configured logging, so a record from `bwconsole.live` went to
Python's last-resort handler: printed over the Textual screen, then lost.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bwconsole import logs
from bwconsole.cli import main
from bwconsole.live import LiveClient, LiveEvent
from bwconsole.logs import log_path, setup_logging
from tests.relay_helpers import TOKEN, relay_server

SMS = {"eventType": "sms", "direction": "in", "from": "+1", "to": "+2", "messageId": "m-1"}


@pytest.fixture(autouse=True)
def restore_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Undo `setup_logging`: the root logger is process-wide."""
    monkeypatch.setenv("TEXTUAL", "")
    root = logging.getLogger()
    before = (list(root.handlers), root.level, logging.getLogger("bwconsole").level)
    yield
    for handler in root.handlers:
        if handler not in before[0]:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(before[1])
    logging.getLogger("bwconsole").setLevel(before[2])
    logging.captureWarnings(False)


def test_log_file_lives_in_the_platform_log_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BWCONSOLE_LOG_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert log_path() == tmp_path / "state" / "bwconsole" / "log" / "bwconsole.log"


async def test_a_failing_event_handler_is_logged_to_the_file_not_the_terminal(
    capfd: pytest.CaptureFixture[str],
) -> None:
    path = setup_logging("warning")
    logged = asyncio.Event()

    class Flag(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            logged.set()

    flag = Flag()
    logging.getLogger("bwconsole.live").addHandler(flag)

    def broken(event: LiveEvent) -> None:
        raise RuntimeError("handler bug 4711")

    async with relay_server() as relay:
        client = LiveClient(relay.url, "c1", token=TOKEN, on_event=broken, state_path=None)
        await client.start()
        try:
            async with httpx.AsyncClient() as http:
                assert (await http.post(f"{relay.url}/callbacks/c1", json=SMS)).is_success
            await asyncio.wait_for(logged.wait(), timeout=5)
        finally:
            await client.stop()
            logging.getLogger("bwconsole.live").removeHandler(flag)
    text = _read(path)
    assert "ERROR   bwconsole.live: on_event failed for seq 1 on c1" in text
    assert "RuntimeError: handler bug 4711" in text  # with its traceback
    assert "handler bug" not in capfd.readouterr().err


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_log_level_decides_what_reaches_the_file() -> None:
    path = setup_logging("warning")
    logging.getLogger("bwconsole.live").info("quiet detail")
    logging.getLogger("httpx").info("HTTP Request: GET …")
    setup_logging("debug")
    logging.getLogger("bwconsole.live").debug("loud detail")
    logging.getLogger("httpx").info("HTTP Request: POST …")
    logging.getLogger("httpx").warning("library warning")
    text = path.read_text()
    assert "quiet detail" not in text and "loud detail" in text
    assert "HTTP Request" not in text and "library warning" in text
    handlers = [h for h in logging.getLogger().handlers if getattr(h, "_bwconsole", False)]
    assert len(handlers) == 1  # set up twice, still one file handler


def test_the_file_rotates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 2_000)
    path = setup_logging("info")
    for n in range(100):
        logging.getLogger("bwconsole.test").info("line %d of some length", n)
    assert path.with_name("bwconsole.log.1").exists()
    assert path.stat().st_size <= 2_000
    assert not path.with_name(f"bwconsole.log.{logs.BACKUP_COUNT + 1}").exists()


def test_an_unknown_log_level_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--log-level", "loud"])
    assert info.value.code == 2
    assert "invalid choice: 'loud'" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


DEV_CHILD = """
import logging
from textual.app import App
from bwconsole.logs import setup_logging

setup_logging("info", dev=True)

class Probe(App[None]):
    def on_mount(self) -> None:
        logging.getLogger("bwconsole.live").warning("seen in textual console 8231")
        self.set_timer(0.5, self.exit)

Probe().run(headless=True)
"""


def test_dev_sends_records_to_textual_console(tmp_path: Path) -> None:
    """A real `textual console` on a free port receives a bwconsole record from an app."""
    port = _free_port()
    env = {**os.environ, "TEXTUAL_DEVTOOLS_PORT": str(port), "COLUMNS": "200"}
    textual = Path(sys.executable).with_name("textual")
    server = subprocess.Popen(
        [str(textual), "console", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        child = subprocess.run(
            [sys.executable, "-c", DEV_CHILD], env=env, capture_output=True, timeout=60
        )
        assert child.returncode == 0, child.stderr.decode()
        time.sleep(0.5)
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=20)
    assert b"seen in textual console 8231" in out, out.decode(errors="replace")[-2000:]


async def test_the_embedded_servers_log_to_the_file_not_the_terminal(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A malformed request to the embedded sandbox makes uvicorn log a warning: into the file."""
    from urllib.parse import urlsplit

    from bwconsole.embedded import embedded

    # As in a console's process: no earlier server in it has installed uvicorn's handlers.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        monkeypatch.setattr(logging.getLogger(name), "handlers", [])
        monkeypatch.setattr(logging.getLogger(name), "propagate", True)

    path = setup_logging("warning")
    async with embedded(data_dir=tmp_path / "data") as env:
        port = urlsplit(env.profile.api_url).port
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await writer.drain()
        await asyncio.wait_for(reader.read(), timeout=5)  # uvicorn answers 400 and closes
        writer.close()
    assert "Invalid HTTP request received" in _read(path)
    assert "Invalid HTTP request" not in capfd.readouterr().err

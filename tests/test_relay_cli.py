"""`bwconsole relay` options: durations, token files reloaded on SIGHUP, option errors."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from bwconsole.relay.cli import configure, parse_duration, read_tokens, run
from tests.test_relay_durability import free_port, relay_process, wait_up


def test_durations_read_the_way_people_write_them() -> None:
    assert parse_duration("7d") == 7 * 86400
    assert parse_duration("12h") == 43200
    assert parse_duration("500ms") == 0.5
    assert parse_duration("2.5") == 2.5
    with pytest.raises(argparse.ArgumentTypeError):
        parse_duration("soon")


def test_token_files_skip_blank_lines_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text("# laptop\nabc\n\n  def  \n")
    assert read_tokens(path) == ["abc", "def"]


def test_ingress_user_needs_a_password_file(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    configure(parser)
    assert run(parser.parse_args(["--ingress-user", "api"])) == 2
    assert "--ingress-password-file" in capsys.readouterr().err


async def test_sighup_reloads_the_token_file(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text("old-token\n")
    port = free_port()
    url = f"ws://127.0.0.1:{port}/events/acct"
    with relay_process(tmp_path / "relay.db", tokens, port) as process:
        await wait_up(f"http://127.0.0.1:{port}")
        async with connect(url, additional_headers={"Authorization": "Bearer old-token"}):
            pass
        tokens.write_text("new-token\n")
        os.kill(process.pid, signal.SIGHUP)
        for _ in range(50):
            try:
                async with connect(url, additional_headers={"Authorization": "Bearer new-token"}):
                    break
            except InvalidStatus:
                await asyncio.sleep(0.1)
        else:
            pytest.fail("the new token was never accepted")
        with pytest.raises(InvalidStatus):
            async with connect(url, additional_headers={"Authorization": "Bearer old-token"}):
                pass


def test_a_store_that_cannot_be_opened_fails_the_start(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    configure(parser)
    tokens = tmp_path / "tokens"
    tokens.write_text("t\n")
    args = ["--store", f"redis://127.0.0.1:{free_port()}/0", "--token-file", str(tokens)]
    args += ["--host", "127.0.0.1", "--port", str(free_port()), "--log-level", "critical"]
    with pytest.raises(SystemExit) as exited:  # uvicorn's startup failure
        run(parser.parse_args(args))
    assert exited.value.code == 3


def test_store_specs_name_every_kind() -> None:
    from bwconsole.relay import SharedStore, open_store

    assert isinstance(open_store("redis://127.0.0.1:6379/2"), SharedStore)
    assert not isinstance(open_store("memory"), SharedStore)
    with pytest.raises(ValueError, match="redis://HOST:PORT/DB"):
        open_store("postgres://x")


def test_a_standalone_relay_keeps_its_own_log_not_the_consoles() -> None:
    import platformdirs

    from bwconsole.embedded import RELAY_STATE
    from bwconsole.relay.store_spec import default_sqlite_path

    embedded_log = Path(platformdirs.user_data_dir("bwconsole")) / RELAY_STATE
    assert default_sqlite_path().parent == embedded_log.parent
    assert default_sqlite_path() != embedded_log

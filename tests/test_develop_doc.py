"""docs/develop-your-app.md works word for word: its app and its sandbox commands, run as written.

The test takes the doc's Python block as `app.py` and runs every command of the
"Sandbox first" section in order. Two substitutions only, both mechanical:
`uv run X` becomes `python -m X` with this test's interpreter (what `uv run`
does inside the clone), and the app's port 8000 becomes a free port (CI may
have something on 8000). The data and config dirs are the test's own.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.listen_helpers import REPO, listen_env

pytestmark = pytest.mark.timeout(120)

DOC = REPO / "docs" / "develop-your-app.md"
LONG_RUNNING = ("uvicorn", "bwconsole listen")


def doc_blocks(language: str, section: str | None = None) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    if section is not None:
        text = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def sandbox_commands() -> list[str]:
    lines = [
        line.strip() for block in doc_blocks("sh", "Sandbox first") for line in block.splitlines()
    ]
    return [line for line in lines if line.startswith("uv run ")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def argv(command: str, port: int) -> list[str]:
    words = shlex.split(command.replace("8000", str(port)))
    assert words[:2] == ["uv", "run"]
    return [sys.executable, "-m", *words[2:]]


class Running:
    """A long-running command of the doc, its output collected."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip())

    async def wait_for(
        self, pattern: str, within: float = 30.0, also: Running | None = None
    ) -> str:
        for _ in range(int(within / 0.05)):
            for line in self.lines:
                if re.search(pattern, line):
                    return line
            await asyncio.sleep(0.05)
        other = "\n".join(also.lines) if also is not None else ""
        raise AssertionError(f"no {pattern!r} in:\n" + "\n".join(self.lines) + "\n" + other)


def test_the_doc_names_the_commands_it_walks_through() -> None:
    commands = sandbox_commands()
    assert commands[0].startswith("uv run uvicorn app:app")
    assert commands[1].startswith("uv run bwconsole listen --sandbox --forward-to")
    assert any("trigger call --bxml" in c for c in commands)
    assert any("events resend" in c for c in commands)
    (app,) = doc_blocks("python")
    assert len(app.strip().splitlines()) <= 25  # "a 20-line app"


async def test_the_sandbox_walk_through_works_word_for_word(tmp_path: Path) -> None:
    (app_source,) = doc_blocks("python")
    (tmp_path / "app.py").write_text(app_source, encoding="utf-8")
    env = listen_env(tmp_path)
    port = free_port()
    running: list[Running] = []
    finished: list[subprocess.CompletedProcess[str]] = []
    try:
        for command in sandbox_commands():
            if any(command.startswith(f"uv run {name}") for name in LONG_RUNNING):
                process = await asyncio.create_subprocess_exec(
                    *argv(command, port),
                    cwd=tmp_path,
                    env=env,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT,
                )
                running.append(Running(process))
                ready = "Uvicorn running" if "uvicorn" in command else "^forwarding"
                await running[-1].wait_for(ready)
                continue
            done = await asyncio.to_thread(
                subprocess.run,
                argv(command, port),
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
            finished.append(done)
            if "trigger call" in command:
                # what the doc promises: the app's Gather ran and its digit came back
                app, listen = running
                await app.wait_for(r"^\d+ gather 7$", also=listen)
                await listen.wait_for(r"answer .* BXML 200 .*SpeakSentence, Gather")
                await listen.wait_for(r"gather .* BXML 200 .*SpeakSentence, Hangup")
                await listen.wait_for(r"hangup .* BXML 200", within=30)
            if "trigger sms" in command:
                await running[1].wait_for(r"#\d+ +sms .* -> 200")
        listed = next(done for done in finished if "incomingcall" in done.stdout)
        assert "gather" in listed.stdout
        resent = finished[-1]
        assert "#3" in resent.stdout and "BXML 200" in resent.stdout
    finally:
        for item in reversed(running):
            if item.process.returncode is None:
                item.process.terminate()
            async with asyncio.timeout(15):
                await item.process.wait()
            await item.reader
    listen_output = "\n".join(running[1].lines)
    assert "stopped after" in listen_output, listen_output

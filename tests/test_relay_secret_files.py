"""The relay warns when its token or ingress password file can be read by others, and starts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _start_and_read_warnings(tmp_path: Path, mode: int) -> list[str]:
    tokens = tmp_path / "tokens"
    tokens.write_text("tok-0123456789abcdef\n", encoding="utf-8")
    password = tmp_path / "ingress-password"
    password.write_text("pw-0123456789\n", encoding="utf-8")
    for path in (tokens, password):
        os.chmod(path, mode)
    argv = [
        sys.executable, "-m", "bwconsole", "relay", "--host", "127.0.0.1", "--port", "0",
        "--store", "memory", "--token-file", str(tokens),
        "--ingress-user", "v1api", "--ingress-password-file", str(password),
    ]  # fmt: skip
    process = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if "Uvicorn running" in line or "Application startup complete" in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert any("startup complete" in line or "running" in line for line in lines), lines
    return [line for line in lines if "warning:" in line]


def test_files_readable_by_others_are_named_with_the_fix(tmp_path: Path) -> None:
    warnings = _start_and_read_warnings(tmp_path, 0o644)
    assert warnings == [
        f"bwconsole relay: warning: --token-file {tmp_path / 'tokens'} holds secrets and is "
        f"readable by its group and other users (mode 0644); fix: chmod 600 {tmp_path / 'tokens'}",
        f"bwconsole relay: warning: --ingress-password-file {tmp_path / 'ingress-password'} "
        "holds secrets and is readable by its group and other users (mode 0644); "
        f"fix: chmod 600 {tmp_path / 'ingress-password'}",
    ]


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_owner_only_files_give_no_warning(tmp_path: Path, mode: int) -> None:
    assert _start_and_read_warnings(tmp_path, mode) == []

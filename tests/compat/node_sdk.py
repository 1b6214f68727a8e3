"""Running node-bandwidth 4.0.0 (tests/compat/node/, pinned by its package-lock.json).

`node` and the installed node_modules are requirements, not options: without them the
suite fails with what to run (`.ci/run` installs Debian's nodejs/npm and runs `npm ci`).
The flow registry lives in the Node files themselves (`node flows.js --list`), and the
docs table is rendered from it, so neither can drift from the other.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from compat.servers import SandboxProcess

NODE_DIR = Path(__file__).parent / "node"
PINNED = "4.0.0"

#: node family key -> the resource family's name in the docs tables (compat-py's names).
FAMILIES = {
    "account": "account",
    "applications": "applications",
    "availableNumbers": "available numbers",
    "phoneNumbers": "phone numbers",
    "messages": "messages",
    "media": "media",
    "calls": "calls",
    "bridges": "bridges",
    "conferences": "conferences",
    "domains": "domains and endpoints",
    "recordings": "recordings and transcriptions",
    "numberInfo": "number info",
    "errors": "errors",
    "callbacks": "callbacks (async)",
}


class NodeMissing(AssertionError):
    """node or the pinned SDK is not installed: a failure, with the command that fixes it."""


def node() -> str:
    """The machine's `node`, or a failure saying how to get it."""
    found = shutil.which("node")
    if found is None:
        raise NodeMissing("`node` is not installed: apt-get install nodejs npm (as .ci/run does)")
    manifest = NODE_DIR / "node_modules" / "node-bandwidth" / "package.json"
    if not manifest.is_file():
        raise NodeMissing(f"node-bandwidth is not installed: run `npm ci` in {NODE_DIR}")
    version = json.loads(manifest.read_text())["version"]
    if version != PINNED:
        raise NodeMissing(f"node-bandwidth {version} is installed, not {PINNED}: run `npm ci`")
    return found


def run_node(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run a script of tests/compat/node and return its stdout (bounded; stderr on failure)."""
    result = subprocess.run(
        [node(), script, *args],
        cwd=NODE_DIR,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=240,
    )
    if result.returncode != 0:
        raise AssertionError(f"node {script} exited {result.returncode}: {result.stderr}")
    return result.stdout


def registry() -> dict[str, list[str]]:
    """Every family and its flow names, from the Node files."""
    listing: dict[str, list[str]] = json.loads(run_node("flows.js", "--list"))
    return listing


def run_flows(sandbox: SandboxProcess, app_url: str) -> list[dict[str, Any]]:
    """Run every family's flows against `sandbox` in one node process; one dict per flow."""
    env = {
        "BW_BASE_URL": sandbox.endpoint,
        "BW_USER_ID": sandbox.user_id,
        "BW_API_TOKEN": sandbox.token,
        "BW_API_SECRET": sandbox.secret,
        "APP_URL": app_url,
    }
    out = run_node("flows.js", *FAMILIES, env=env)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def render_table(listing: dict[str, list[str]]) -> str:
    """The docs table: flows run / passed per family (the suite is green only if all pass)."""
    rows = ["| Resource family | Flows | Run | Passed |", "|---|---|---|---|"]
    for key, family in FAMILIES.items():
        names = listing.get(key, [])
        rows.append(f"| {family} | {'; '.join(names)} | {len(names)} | {len(names)} |")
    return "\n".join(rows)

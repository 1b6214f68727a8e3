"""The bandwidth-sdk 3.1.0 flow registry: every flow the compatibility suite runs, by family.

docs/sandbox.md's Compatibility table is rendered from this registry
(`render_table`) and a test fails when the document and the registry differ, so
the table cannot go stale silently. Rewrite it with
`uv run python tests/compat/sdk_py_table.py --write`.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Families in the order the table shows them (the issue's list of what the SDK exposes).
FAMILIES = [
    "account",
    "applications",
    "available numbers",
    "phone numbers",
    "messages",
    "media",
    "calls",
    "bridges",
    "conferences",
    "domains and endpoints",
    "recordings and transcriptions",
    "number info",
    "errors",
    "callbacks (async)",
]


@dataclass(frozen=True)
class Flow:
    family: str
    name: str
    run: Callable[[Any], None]

    @property
    def id(self) -> str:
        return f"{self.family}: {self.name}"


FLOWS: list[Flow] = []


def flow(family: str, name: str) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register a flow: `run(ctx)` drives the SDK and asserts what a user relies on."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")

    def register(run: Callable[[Any], None]) -> Callable[[Any], None]:
        FLOWS.append(Flow(family, name, run))
        return run

    return register


@dataclass
class Results:
    """Outcomes of the flows run in this session: flow id -> passed."""

    outcomes: dict[str, bool] = field(default_factory=dict)


RESULTS = Results()

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    """A name no other flow in this run uses."""
    return f"{prefix}-{next(_counter)}-{time.monotonic_ns() % 10**6}"


def eventually(read: Callable[[], Any], ok: Callable[[Any], bool], seconds: float = 10.0) -> Any:
    """Poll `read()` until `ok(value)` (bounded); the last value on success, else AssertionError."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if ok(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {seconds} s; last value {value!r}")
        time.sleep(0.05)


def render_table(flows: list[Flow], outcomes: dict[str, bool] | None = None) -> str:
    """The Markdown table of flows run / passed per family.

    Without `outcomes` every registered flow counts as passed: the suite is
    green only when each of them passed (each flow is its own test).
    """
    rows = ["| Resource family | Flows | Run | Passed |", "|---|---|---|---|"]
    for family in FAMILIES:
        mine = [f for f in flows if f.family == family]
        passed = [f for f in mine if outcomes is None or outcomes.get(f.id, False)]
        names = "; ".join(f.name for f in mine)
        rows.append(f"| {family} | {names} | {len(mine)} | {len(passed)} |")
    return "\n".join(rows)

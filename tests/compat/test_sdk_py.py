"""bandwidth-sdk 3.1.0 (the official Python v1 SDK), unchanged, against a real
`bwconsole sandbox`: every flow of the registry, and the docs table kept in step with it."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from pathlib import Path

import pytest

import compat.sdk_py_flows_account  # noqa: F401  (registers its flows)
import compat.sdk_py_flows_voice  # noqa: F401
from compat.sdk_py_context import SdkContext
from compat.sdk_py_registry import FLOWS, RESULTS, Flow
from compat.sdk_py_table import SECTION, current_table, render
from compat.servers import AppServer, SandboxProcess

pytestmark = pytest.mark.timeout(60)


def test_pinned_sdk_is_installed() -> None:
    assert importlib.metadata.version("bandwidth-sdk") == "3.1.0"


@pytest.fixture(scope="module")
def sdk(cli_sandbox: SandboxProcess, app_server: AppServer) -> Iterator[SdkContext]:
    yield SdkContext(cli_sandbox, app_server)


@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.id)
def test_flow(flow: Flow, sdk: SdkContext) -> None:
    RESULTS.outcomes[flow.id] = False
    flow.run(sdk)
    RESULTS.outcomes[flow.id] = True


def test_docs_table_matches_the_flows() -> None:
    """docs/sandbox.md shows exactly the registry's table; every flow run here passed."""
    failed = [name for name, passed in RESULTS.outcomes.items() if not passed]
    assert not failed, f"flows failed, so the table's 'Passed' column would lie: {failed}"
    doc = Path(__file__).parents[2] / "docs" / "sandbox.md"
    assert current_table(doc.read_text()) == render(), (
        f"{SECTION} in docs/sandbox.md is stale: run "
        "`uv run python tests/compat/sdk_py_table.py --write`"
    )


def test_docs_snippet_runs(cli_sandbox: SandboxProcess, app_server: AppServer) -> None:
    """The "point your own program at the sandbox" example in docs/sandbox.md works as written
    (only the sandbox's port and the callback URL are this run's)."""
    doc = (Path(__file__).parents[2] / "docs" / "sandbox.md").read_text()
    section = doc.split(SECTION, 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    code = code.replace("http://127.0.0.1:8080", cli_sandbox.endpoint)
    code = code.replace("http://127.0.0.1:9000/cb", app_server.url + "/snippet")
    scope: dict[str, object] = {}
    exec(compile(code, "docs/sandbox.md", "exec"), scope)
    call_id = scope["call_id"]
    assert isinstance(call_id, str) and call_id.startswith("c-")
    answered = app_server.wait_for("/snippet", lambda e: any(x["eventType"] == "answer" for x in e))
    assert answered[0]["callId"] == call_id
    scope["voice"].hangup_call(call_id)  # type: ignore[attr-defined]

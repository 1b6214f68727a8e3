"""node-bandwidth 4.0.0 (the official Node v1 SDK), unchanged, against a real
`bwconsole sandbox`: every flow of every resource family, the callbacks it causes in
order, and the docs table kept in step with the flows.

A missing `node` or SDK install fails here (never skips): `.ci/run` installs both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from compat.node_sdk import FAMILIES, run_flows
from compat.node_tables import DOC, NODE_MARKERS, NODE_SECTION, current, node_table
from compat.servers import AppServer, running_sandbox

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def node_results(
    tmp_path_factory: pytest.TempPathFactory, app_server: AppServer
) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Every family's flows, run once in one node process against its own sandbox."""
    with running_sandbox(tmp_path_factory.mktemp("node-sandbox"), "--seed", "4") as sandbox:
        by_family: dict[str, list[dict[str, Any]]] = {key: [] for key in FAMILIES}
        for line in run_flows(sandbox, app_server.url):
            by_family[line["family"]].append(line)
        yield by_family


@pytest.mark.parametrize("family", list(FAMILIES), ids=list(FAMILIES.values()))
def test_every_flow_of_the_family_passes(
    family: str, node_results: dict[str, list[dict[str, Any]]]
) -> None:
    results = node_results[family]
    assert results, f"no {family} flow ran"
    failed = {r["flow"]: r["error"] for r in results if not r["ok"]}
    assert not failed, failed


def _data(node_results: dict[str, list[dict[str, Any]]], flow: str) -> dict[str, Any]:
    line = next(r for r in node_results["callbacks"] if r["flow"] == flow)
    assert line["ok"], line
    data: dict[str, Any] = line["data"]
    return data


def test_outbound_callbacks_arrive_in_order(
    node_results: dict[str, list[dict[str, Any]]], app_server: AppServer
) -> None:
    data = _data(node_results, "outbound call: answer, speak, hangup in order")
    events = app_server.wait_for(
        "/node/callbacks/out", lambda e: any(x["eventType"] == "hangup" for x in e)
    )
    kinds = [(e["eventType"], e.get("status")) for e in events]
    assert kinds == [("answer", None), ("speak", "started"), ("speak", "done"), ("hangup", None)]
    assert all(e["callId"] == data["callId"] for e in events)
    assert events[0]["tag"] == "x" and events[0]["from"] == data["from"]
    assert events[-1]["cause"] == "NORMAL_CLEARING"


def test_inbound_callbacks_arrive_in_order(
    node_results: dict[str, list[dict[str, Any]]], app_server: AppServer
) -> None:
    data = _data(node_results, "inbound call to an application: incomingcall, answer, hangup")
    events = app_server.wait_for(
        "/node/callbacks/in", lambda e: any(x["eventType"] == "hangup" for x in e)
    )
    assert [e["eventType"] for e in events] == ["incomingcall", "answer", "hangup"]
    assert events[0]["to"] == data["to"] and events[0]["from"] == data["from"]
    assert len({e["callId"] for e in events}) == 1


def test_docs_table_matches_the_flows(node_results: dict[str, list[dict[str, Any]]]) -> None:
    """docs/sandbox.md shows exactly the flows that ran here, and all of them passed."""
    ran = {(r["family"], r["flow"]) for rows in node_results.values() for r in rows}
    failed = [r["flow"] for rows in node_results.values() for r in rows if not r["ok"]]
    assert not failed, f"flows failed, so the table's 'Passed' column would lie: {failed}"
    table = node_table()
    assert len(ran) == sum(int(row.split("|")[3]) for row in table.splitlines()[2:])
    assert current(DOC.read_text(), NODE_MARKERS) == table, (
        f"{NODE_SECTION} in docs/sandbox.md is stale: run "
        "`uv run python tests/compat/node_tables.py --write`"
    )

"""BXML written by the official generators parses with `bwconsole.bxml` (normalised with the
expected warnings, nothing else) and runs in a real `bwconsole sandbox`: a call whose
application answers with the document, its callbacks at the test's URLs, the warnings in
/errors as `bxml-warning` and never `invalid-bxml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bwconsole.bxml import Gather, Record, Redirect, Transfer, Verb, parse
from compat.bxml_generators import GENERATORS, expected_warnings
from compat.node_tables import BXML_MARKERS, BXML_SECTION, DOC, bxml_table, current
from compat.servers import SandboxProcess, running_sandbox
from tests.voice_helpers import Received, Receiver, receiver

__all__ = ["receiver"]

pytestmark = pytest.mark.timeout(120)

#: Answers after 1 API second, presses 1 2 3 # once a Gather listens, stays until hung up.
CALLED = "+15553123"


@pytest.fixture(scope="module")
def bxml_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with running_sandbox(tmp_path_factory.mktemp("bxml-sandbox"), "--seed", "6") as sandbox:
        yield sandbox


def _walk(verbs: list[Any]) -> Iterator[Verb]:
    for verb in verbs:
        yield verb
        yield from _walk(getattr(verb, "children", []))


def _callback_paths(verbs: list[Any]) -> set[str]:
    """Paths the sandbox must call back while running these verbs."""
    return {
        urlsplit(v.request_url).path
        for v in _walk(verbs)
        if isinstance(v, (Gather, Record, Redirect, Transfer)) and v.request_url
    }


@pytest.mark.parametrize("generator", list(GENERATORS))
def test_every_generated_document_parses_with_exactly_the_expected_warnings(
    generator: str,
) -> None:
    documents = GENERATORS[generator]("http://127.0.0.1:9")
    assert len(documents) >= 10
    for name, text in documents.items():
        parsed = parse(text)
        expected = expected_warnings(generator, name)
        assert len(parsed.warnings) == len(expected), (name, parsed.warnings)
        for warning, prefix in zip(parsed.warnings, expected, strict=True):
            assert warning.startswith(prefix), (name, warning)
        assert parsed.children, name


async def _own_number(http: httpx.AsyncClient) -> str:
    found = await http.post("/availableNumbers/local", params={"areaCode": "919", "quantity": 1})
    assert found.status_code == 201, found.text
    number: str = found.json()[0]["number"]
    return number


@dataclass(frozen=True)
class Run:
    """One document and the call that runs it."""

    name: str
    text: str
    path: str
    """Where the call's own events (answer, hangup) go; it answers with the document."""


def _not_yet_called(requests: list[Received], runs: dict[str, Run]) -> dict[str, set[str]]:
    """Per document, the callbacks still to come: its own request URLs, and the `hangup`
    event at its call's URL. A call's events are delivered in order, so its `hangup`
    arriving means every earlier one has (the `recording` event comes after it)."""
    called = {r.path for r in requests}
    hung_up = {r.path for r in requests if r.event == "hangup"}
    missing: dict[str, set[str]] = {}
    for run in runs.values():
        left = _callback_paths(parse(run.text).children) - called
        if run.path not in hung_up:
            left.add(f"hangup at {run.path}")
        if left:
            missing[run.name] = left
    return missing


@pytest.mark.parametrize("generator", list(GENERATORS))
async def test_every_generated_document_runs_in_the_sandbox(
    generator: str, bxml_sandbox: SandboxProcess, receiver: Receiver
) -> None:
    documents = GENERATORS[generator](receiver.url)
    for path in {"/bxml/node/redirect", "/bxml/py/redirect", "/bxml/sdk/redirect"}:
        receiver.reply(path, "<Response><Hangup/></Response>")
    user = f"/users/{bxml_sandbox.user_id}"
    auth = (bxml_sandbox.token, bxml_sandbox.secret)
    async with httpx.AsyncClient(base_url=bxml_sandbox.base_url, auth=auth) as http:
        caller = await _own_number(http)
        runs: dict[str, Run] = {}
        slug = re.sub(r"\W+", "-", generator)
        for index, (name, text) in enumerate(documents.items()):
            path = f"/run/{slug}/{index}"
            receiver.reply(path, text)
            created = await http.post(
                f"{user}/calls",
                json={"from": caller, "to": CALLED, "callbackUrl": receiver.url + path},
            )
            assert created.status_code == 201, created.text
            runs[created.headers["location"].rsplit("/", 1)[-1]] = Run(name, text, path)
        try:
            await receiver.wait_until(lambda rs: not _not_yet_called(rs, runs), within=60)
        except TimeoutError:
            pytest.fail(f"never called: {_not_yet_called(receiver.requests, runs)}")
        errors = (await http.get(f"{user}/errors", params={"size": 1000})).json()

    for call_id, run in runs.items():
        mine = [e for e in errors if call_id in e["message"]]
        assert not [e for e in mine if e["code"] != "bxml-warning"], (run.name, mine)
        warnings = [e["message"].split(": ", 1)[1] for e in mine]
        assert sorted(warnings) == sorted(parse(run.text).warnings), run.name


def test_docs_table_matches_the_generators() -> None:
    assert current(DOC.read_text(), BXML_MARKERS) == bxml_table(), (
        f"{BXML_SECTION} in docs/sandbox.md is stale: run "
        "`uv run python tests/compat/node_tables.py --write`"
    )

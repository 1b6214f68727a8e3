"""Doc parity: every JSON response example and callback example of the v1 docs
against what the sandbox produces for the same operation or event.

Same field names, same JSON types, same id formats; a field the example lacks
is allowed only where the docs show it elsewhere for the same resource or
event. The examples come from tests/fixtures/docs/examples.json (extracted by
doc_examples.py, checked against the docs wherever they are mounted). The test
prints a coverage table; what cannot be produced, and every difference that is
a decision rather than a bug, is listed below with the reason.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from typing import Any

import httpx
import pytest

from compat.doc_examples import FIXTURE, SPEC, extract, load
from compat.doc_scenario import Captured, Scenario, rate_limited
from compat.parity import differences
from tests.voice_helpers import Received, Receiver, receiver

__all__ = ["receiver"]

pytestmark = pytest.mark.timeout(90)

EVENTS_TSV = FIXTURE.parent / "EVENTS.tsv"

#: Examples the sandbox cannot produce, with the reason.
CANNOT_PRODUCE: dict[str, str] = {
    "rateLimits/messageRateLimits.md#2": (
        "`message-delay-limit`: the sandbox refuses a send over the rate at once "
        "(message-rate-limit) and queues none, so no message is ever delayed"
    ),
    "apiCallbacks/mms.md#1": (
        'a type listing, and not JSON (`[..."mediaUri2"...]`, `"segmentCount": :`); '
        "mms.md#2 is the same event as a real example and is checked"
    ),
}

_NO_SIP = (
    "no SIP signalling in the sandbox: a Diversion header, caller-number withholding "
    "or a display name never arrive, so these fields are never sent"
)
_DIVERSION = {
    f"{name}: missing": _NO_SIP for name in ("diversion", "displayName", "withholdCallerNumber")
}
_DIVERSION_BXML = {**_DIVERSION, "withholdCallerName: missing": _NO_SIP}
_EPOCH_TIME = (
    "the docs disagree: this example writes `time` as epoch ms, the list example and every "
    "other resource as an ISO 8601 string (SEMANTICS.md 12); the sandbox keeps one format"
)

#: Differences that are decisions, not bugs: example id -> {difference: reason}.
EXPLAINED: dict[str, dict[str, str]] = {
    "methods/calls/getCallsCallIdEventsEventId.md#1": {
        "time: number in the docs (1419032854964), string here": _EPOCH_TIME
    },
    "methods/errors/getErrorsErrorId.md#1": {
        "time: number in the docs (1391514755496), string here": _EPOCH_TIME,
        "user: missing": (
            "the example embeds the account's user record with its password; the sandbox "
            "never echoes credentials (getErrors.md's example has no `user` either)"
        ),
        "version: missing": "an internal revision counter no table documents",
        "details.version: missing": "an internal revision counter no table documents",
    },
    **{
        f"methods/endpoints/{doc}#1": {
            "enabled: string in the docs ('true'), boolean here": (
                "bandwidth-sdk 3.1.0 and node-bandwidth send and test `enabled` as a JSON "
                "boolean; the example's string is the odd one out (docs/sandbox.md)"
            ),
            "id: not in the docs": (
                "every resource has its id; the SDKs read `id` from listed endpoints "
                "(bandwidth-sdk's list_domain_endpoints example shows it)"
            ),
        }
        for doc in ("getEndpoints.md", "getEndpointsEndpointId.md")
    },
    "methods/phoneNumbers/getPhoneNumbers.md#1": {
        "application: a URL like 'https://catapult.inetwork.com/v1/users/users/": (
            "a typo in the example (`/users/users/`); getPhoneNumbersNumberId.md has the "
            "application URL as the sandbox gives it"
        )
    },
    "apiCallbacks/mms.md#2": {
        "media: a URL like 'https://api.catapult.inetwork.com/v1/users/{user-id}/media/": (
            "the real service re-hosted inbound MMS media in the account's media, named after "
            "the message id; the sandbox fetches no media, so an arriving MMS lists the "
            "sender's URLs as given"
        )
    },
    "bxml/callBacks/answer.md#1": _DIVERSION_BXML,
    "bxml/callBacks/incomingCall.md#1": _DIVERSION_BXML,
    "sipDiversionHeader/sipDiversionHeader.md#1": _DIVERSION,
    "sipDiversionHeader/sipDiversionHeader.md#2": _DIVERSION,
}


def _explained(example_id: str, difference: str, used: set[tuple[str, str]]) -> bool:
    """A difference listed for the example (matched up to the sandbox's own value)."""
    for known in EXPLAINED.get(example_id, {}):
        if difference.startswith(known):
            used.add((example_id, known))
            return True
    return False


def test_fixture_matches_the_docs() -> None:
    if not SPEC.exists():
        pytest.skip("the v1 docs are not mounted here; the committed copy is used")
    assert extract() == load(), "run `uv run python tests/compat/doc_examples.py --write`"
    assert (SPEC.parent / "EVENTS.tsv").read_text() == EVENTS_TSV.read_text()


def _event_fields() -> dict[str, set[str]]:
    fields: dict[str, set[str]] = defaultdict(set)
    with EVENTS_TSV.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            fields[row["eventType"].lower()] |= set(row["fields"].split(","))
    return fields


def _keys(value: Any, at: str = "") -> set[str]:
    if isinstance(value, list):
        return set().union(*(_keys(v, at) for v in value)) if value else set()
    if isinstance(value, dict):
        found = set()
        for key, inner in value.items():
            where = f"{at}.{key}" if at else key
            found |= {key, where} | _keys(inner, where)
        return found
    return set()


def _event_type(example: dict[str, Any]) -> str:
    body = example["body"]
    return str(body.get("eventType", "")).lower() if isinstance(body, dict) else ""


#: Responses that embed another resource: its docs count as "elsewhere" too.
EMBEDS = {"methods/bridges/getBridgesBridgeIdCalls.md": "methods/calls/"}


def _allowed(
    example: dict[str, Any], docs: dict[str, Any], events: dict[str, set[str]]
) -> set[str]:
    """Names the docs show for this operation or event anywhere: its resource's tables
    and examples (a response), or every example and table of the event (a callback)."""
    tables: dict[str, list[str]] = docs["tables"]
    if example["kind"] == "response":
        folders = [example["doc"].rsplit("/", 1)[0] + "/"]
        if example["doc"] in EMBEDS:
            folders.append(EMBEDS[example["doc"]])
        same = [e for e in docs["examples"] if e["doc"].startswith(tuple(folders))]
        allowed = {n for d, names in tables.items() if d.startswith(tuple(folders)) for n in names}
    else:
        kind = _event_type(example)
        same = [
            e
            for e in docs["examples"]
            if e["kind"] == "callback" and e["format"] != "invalid" and _event_type(e) == kind
        ]
        allowed = events.get(kind, set())
        for other in same:
            allowed |= set(tables[other["doc"]])
    for other in same:
        allowed |= _keys(other["body"])
    return allowed


def _candidates(example: dict[str, Any], got: Captured) -> tuple[list[Any], bool]:
    """What the sandbox produced for the example's operation or event; names_only for GET callbacks."""
    if example["kind"] == "response":
        return got.responses.get(example["doc"], []), False
    kind = _event_type(example)
    bxml = example["doc"].startswith("bxml/")
    query = example["format"] == "query"

    def fits(r: Received) -> bool:
        if r.event.lower() != kind or (r.method == "GET") != query:
            return False
        return r.path.startswith("/bx") == bxml or r.path == "/msgget"

    found = [r.payload for r in got.events if fits(r)]
    for key in ("status", "state"):
        wanted = example["body"].get(key)
        if wanted and any(p.get(key) == wanted for p in found):
            found = [p for p in found if p.get(key) == wanted]
    return found, query


async def test_every_example_matches_what_the_sandbox_produces(
    sandbox_http: httpx.AsyncClient,
    user: str,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    got = await Scenario(sandbox_http, user, receiver).run()
    await rate_limited(got)
    docs = load()
    examples = docs["examples"]
    events = _event_fields()
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    unexplained: dict[str, list[str]] = {}
    unproduced = []
    used: set[tuple[str, str]] = set()
    for example in examples:
        if example["id"] in CANNOT_PRODUCE:
            continue
        if example["format"] == "invalid":
            unproduced.append(f"{example['id']}: not valid JSON in the docs ({example['body']})")
            continue
        candidates, names_only = _candidates(example, got)
        if not candidates:
            unproduced.append(f"{example['id']}: the scenario produced nothing for it")
            continue
        allowed = _allowed(example, docs, events)
        best = min(
            (differences(example["body"], c, allowed, names_only=names_only) for c in candidates),
            key=len,
        )
        left = [d for d in best if not _explained(example["id"], d, used)]
        row = table[example["doc"]]
        row[0] += 1
        row[1] += not left
        row[2] += not left and bool(best)
        if left:
            unexplained[example["id"]] = left
    with capsys.disabled():
        print("\nDoc parity: examples checked / matched (of which with explained differences)")
        for doc, (checked, matched, explained) in sorted(table.items()):
            print(f"  {doc:66} {checked:3} / {matched:3} ({explained})")
        total = [sum(row[i] for row in table.values()) for i in range(3)]
        print(
            f"  {'total':66} {total[0]:3} / {total[1]:3} ({total[2]}); "
            f"{len(CANNOT_PRODUCE)} cannot be produced"
        )
    problems = unproduced + [f"{k}: {v}" for k, v in unexplained.items()]
    assert not problems, "\n".join(problems)
    stale = [k for k in CANNOT_PRODUCE if k not in {e["id"] for e in examples}]
    assert not stale, f"CANNOT_PRODUCE names examples the docs no longer have: {stale}"
    unused = [(k, d) for k, found in EXPLAINED.items() for d in found if (k, d) not in used]
    assert not unused, f"EXPLAINED lists differences that no longer occur: {unused}"

"""Placing calls: outbound legs, inbound arrivals and transfers.

Who answers depends on the destination: a number the account owns rings that
number's application as an inbound call (the two legs are linked, as on the
real network); a sandbox endpoint's SIP URI rings until answered through the
control routes; anything else is a simulated far end (`farend.py`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from bwconsole.sandbox.account import ensure_funds
from bwconsole.sandbox.callbacks import Outcome
from bwconsole.sandbox.faults import ApiFault
from bwconsole.sandbox.store import Record
from bwconsole.sandbox.voice.audio import AudioRequest
from bwconsole.sandbox.voice.contract import (
    CALLER_PATIENCE,
    FINAL_STATES,
    RATE_PER_MINUTE,
    Engine,
    FarEnd,
)
from bwconsole.sandbox.voice.farend import far_end_for

__all__ = [
    "MAX_TREE_LEGS",
    "TREE_CAUSE",
    "TREE_CODE",
    "arrive",
    "dial",
    "link",
    "place_leg",
    "transfer",
]

#: Transfer legs one call tree may place (REST and BXML alike); the next ends the tree.
MAX_TREE_LEGS = 10
#: The error code recorded, and the hangup cause of every call, when a tree is ended.
TREE_CODE = "call-tree-limit"
TREE_CAUSE = "CALL_TREE_LIMIT"


def link(engine: Engine, first: str, second: str) -> None:
    """Connect two legs: DTMF and speech cross, and either hanging up ends the other."""
    engine.live(first).peer = second
    engine.live(second).peer = first
    for one, other in ((first, second), (second, first)):
        call = engine.get_call(one)
        call["_peerId"] = other
        engine.calls.save(one)


def dial(engine: Engine, *, from_: str, to: str, fields: Record | None = None) -> Record:
    """Create an outbound call and start ringing its destination."""
    own = engine.owned_number(to) if to.startswith("+") else None
    endpoint = engine.endpoint(to) if to.startswith("sip:") else None
    if own is not None:
        far = FarEnd(answer_after=None, manual=True)
    elif endpoint is not None:
        enabled = str(endpoint.get("enabled", True)).lower() != "false"
        far = (
            FarEnd(answer_after=None, manual=True)
            if enabled
            else FarEnd(refuse_cause="CALL_REJECTED")
        )
    else:
        far = far_end_for(to)
    call = engine.create({"direction": "out", "from": from_, "to": to, **(fields or {})}, far)
    engine.ring(call["id"])
    if own is not None:
        arrive(engine, from_=from_, number=own, far_end=FarEnd(answer_after=None), peer=call["id"])
    return call


def place_leg(engine: Engine, parent_id: str, *, from_: str, to: str, fields: Record) -> Record:
    """Dial a transfer leg of `parent_id`, checking the balance as `POST /calls` does.

    The leg joins the parent's call tree: the call it all started from, through
    every transfer and every arrival on an owned number. A transfer that loops back
    to the number being called grows one tree, so the tree's `MAX_TREE_LEGS` stops
    it: the leg over the limit ends every call of the tree and is refused (403).
    """
    tree = tree_of(engine.get_call(parent_id))
    placed = engine.tree_legs.get(tree, 0)
    if placed >= MAX_TREE_LEGS:
        end_tree(engine, tree)
        raise ApiFault(
            403,
            TREE_CODE,
            f"The calls started by {tree} placed {MAX_TREE_LEGS} transfer legs, the limit;"
            f" all of them were ended (cause {TREE_CAUSE})",
            category="limit",
        )
    ensure_funds(engine.sandbox, RATE_PER_MINUTE)
    engine.tree_legs[tree] = placed + 1
    return dial(
        engine, from_=from_, to=to, fields={**fields, "_transferOf": parent_id, "_tree": tree}
    )


def tree_of(call: Record) -> str:
    return str(call.get("_tree") or call["id"])


def end_tree(engine: Engine, tree: str) -> None:
    """Hang up every call of the tree that is still up."""
    for call in list(engine.calls):
        if call["state"] not in FINAL_STATES and tree_of(call) == tree:
            engine.hang_up(call["id"], TREE_CAUSE)


def arrive(
    engine: Engine,
    *,
    from_: str,
    number: Record,
    far_end: FarEnd,
    peer: str | None = None,
) -> Record:
    """An inbound call reaches an owned number: `incomingcall` to its application.

    Once the event is delivered, the application's `autoAnswer` (default true) answers;
    otherwise the call rings until answered or rejected through the API, or the caller
    gives up. If the event cannot be delivered, the number's `fallbackNumber` (if any)
    gets the call.
    """
    app = engine.application(number.get("applicationId"))
    fields: dict[str, Any] = {"direction": "in", "from": from_, "to": number["number"]}
    if app is not None:
        fields["_applicationId"] = app["id"]
    if peer is not None and (tree := engine.get_call(peer).get("_tree")):
        fields["_tree"] = tree
    call = engine.create(fields, far_end)
    call_id = call["id"]
    if peer is not None:
        link(engine, call_id, peer)
    if app is None or not app.get("incomingCallUrl"):
        engine.finish(call_id, "CALL_REJECTED")
        return call
    delivery = engine.emit_call_event(
        call,
        engine.payload(
            call,
            "incomingcall",
            **{"from": from_, "to": number["number"], "callState": "active"},
            applicationId=app["id"],
        ),
    )
    auto = str(app.get("autoAnswer", True)).lower() != "false"
    engine.spawn(call_id, _after_incoming(engine, call_id, delivery, number, auto, peer is None))
    return call


async def _after_incoming(
    engine: Engine,
    call_id: str,
    delivery: asyncio.Future[Outcome] | None,
    number: Record,
    auto: bool,
    patient: bool,
) -> None:
    """Answer (autoAnswer) or ring once the application got `incomingcall`; if neither
    its URL nor its fallback took it, the number's `fallbackNumber` gets the call."""
    outcome = await delivery if delivery is not None else None
    forward = number.get("fallbackNumber")
    if outcome is not None and not outcome.ok and forward:
        await _forward(engine, call_id, str(forward))
    elif auto:
        engine.answered(call_id)
    elif patient:
        await engine.sandbox.clock.sleep(CALLER_PATIENCE)
        if engine.get_call(call_id)["state"] == "started":
            engine.hang_up(call_id, "ORIGINATOR_CANCEL")


async def _forward(engine: Engine, call_id: str, to: str) -> None:
    call = engine.get_call(call_id)
    leg_id = dial(engine, from_=call["from"], to=to)["id"]
    leg = engine.live(leg_id)
    answered = asyncio.ensure_future(leg.answered.wait())
    ended = asyncio.ensure_future(leg.ended.wait())
    try:
        await asyncio.wait({answered, ended}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        answered.cancel()
        ended.cancel()
    forwarded = engine.get_call(leg_id)
    if forwarded["state"] == "active":
        engine.answered(call_id)
        link(engine, call_id, leg_id)
    else:
        engine.finish(call_id, forwarded.get("_cause") or "NO_ANSWER")


def transfer(
    engine: Engine,
    call_id: str,
    *,
    to: str,
    caller_id: str,
    whisper: AudioRequest | None,
    fields: Record,
) -> Record:
    """Transfer an active call: a new leg to `to`; when it answers, it hears the whisper
    and is connected. If it never answers, the call goes back to `active`."""
    call = engine.require_active(call_id)
    leg = place_leg(engine, call_id, from_=caller_id, to=to, fields=fields)
    call["state"] = "transferring"
    engine.calls.save(call_id)
    engine.spawn(call_id, _connect(engine, call_id, leg["id"], whisper))
    return leg


async def _connect(engine: Engine, call_id: str, leg_id: str, whisper: AudioRequest | None) -> None:
    leg = engine.live(leg_id)
    answered = asyncio.ensure_future(leg.answered.wait())
    ended = asyncio.ensure_future(leg.ended.wait())
    try:
        await asyncio.wait({answered, ended}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        answered.cancel()
        ended.cancel()
    if engine.get_call(leg_id)["state"] == "active":
        if whisper is not None:
            playing = engine.play(leg_id, whisper)
            if playing is not None:
                await asyncio.wait({playing})
        link(engine, call_id, leg_id)
    call = engine.get_call(call_id)
    if call["state"] == "transferring":
        call["state"] = "active"
        engine.calls.save(call_id)

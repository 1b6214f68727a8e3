"""Simulated far ends: what the other party of a call does, decided by the number dialed.

Every behaviour is deterministic so tests and newcomers can script a call by
choosing whom to call. Numbers in the unassigned NANP area code 555 select a
behaviour with the digit after `+1555` (times are API seconds):

| dialed          | far end                                                           |
|-----------------|-------------------------------------------------------------------|
| `+15550NN....`  | answers after NN s, stays on the line until hung up               |
| `+15551......`  | busy: the call ends `rejected`, cause `USER_BUSY`                 |
| `+15552......`  | never answers: `timeout` after `callTimeout`                      |
| `+15553DDD...`  | answers after 1 s, presses the digits DDD... then `#`             |
| `+15554NN....`  | answers after 1 s, hangs up NN s after answering                  |
| `+15555......`  | unallocated: the call ends, cause `UNALLOCATED_NUMBER`            |
| `+15556......`  | rejects: the call ends `rejected`, cause `CALL_REJECTED`          |
| anything else   | answers after 2 s, stays on the line until hung up                |

Digits are pressed 1 s after the first gather on the call starts listening
(after its prompt), or 10 s after the application answered the `answer` event
if no gather starts by then. The wait for that reply does not count: it takes
wall-clock time, 20 API seconds a second at `--time-scale 20`, so a slow reply
would otherwise send the digits before the `<Gather>` it brings exists.
"""

from __future__ import annotations

import asyncio

from bwconsole.sandbox.callbacks import Outcome
from bwconsole.sandbox.voice.contract import Engine, FarEnd

__all__ = [
    "far_end_for",
    "hang_up_later",
    "press",
    "press_when_asked",
    "ring",
]

#: When the far end presses its digits without waiting for a gather.
DIGITS_WITHOUT_GATHER = 10.0
DIGITS_AFTER_GATHER = 1.0
#: API seconds before a refused call reports its failure, and between pressed digits.
REFUSE_AFTER = 0.5
DIGIT_GAP = 0.3


def far_end_for(to: str) -> FarEnd:
    """The behaviour of the party at `to` (an E.164 number or a SIP URI)."""
    if not to.startswith("+1555") or len(to) < 7:
        return FarEnd()
    mode, rest = to[5], to[6:]
    two = int(rest[:2]) if rest[:2].isdigit() and len(rest) >= 2 else 0
    if mode == "0":
        return FarEnd(answer_after=float(two))
    if mode == "1":
        return FarEnd(refuse_cause="USER_BUSY")
    if mode == "2":
        return FarEnd(answer_after=None)
    if mode == "3":
        return FarEnd(answer_after=1.0, digits=rest + "#")
    if mode == "4":
        return FarEnd(answer_after=1.0, hangup_after=float(two))
    if mode == "5":
        return FarEnd(refuse_cause="UNALLOCATED_NUMBER")
    if mode == "6":
        return FarEnd(refuse_cause="CALL_REJECTED")
    return FarEnd()


async def ring(engine: Engine, call_id: str) -> None:
    """An outbound call rings: the far end refuses, answers in time, or the call times out.

    A manual far end (or a linked inbound leg) answers or refuses through `live.answer`.
    """
    call = engine.get_call(call_id)
    live = engine.live(call_id)
    far = live.far_end
    clock = engine.sandbox.clock
    if far.refuse_cause:
        await clock.sleep(REFUSE_AFTER)
        engine.finish(call_id, far.refuse_cause)
        return
    if far.answer_after is not None and not far.manual:
        engine.spawn(call_id, _answer_later(engine, call_id, far.answer_after))
    try:
        await asyncio.wait_for(live.answer.wait(), int(call["callTimeout"]) / clock.time_scale)
    except TimeoutError:
        engine.time_out(call_id)
        return
    if live.refuse:
        engine.finish(call_id, live.refuse)
    else:
        engine.answered(call_id)


async def _answer_later(engine: Engine, call_id: str, seconds: float) -> None:
    await engine.sandbox.clock.sleep(seconds)
    engine.live(call_id).answer.set()


async def hang_up_later(engine: Engine, call_id: str, seconds: float) -> None:
    """The far end hangs up `seconds` after answering."""
    await engine.sandbox.clock.sleep(seconds)
    engine.hang_up(call_id)


async def press_when_asked(
    engine: Engine, call_id: str, digits: str, reply: asyncio.Future[Outcome] | None
) -> None:
    """Press `digits` once a gather listens, or after a while without one.

    Args:
        engine: the voice engine.
        call_id: the answered call.
        digits: what the far end presses.
        reply: the delivery of the call's `answer` event; the while starts when it is over.
    """
    live = engine.live(call_id)
    clock = engine.sandbox.clock
    listening = asyncio.ensure_future(live.listening.wait())
    patience = asyncio.ensure_future(_give_up(engine, reply))
    try:
        await asyncio.wait({listening, patience}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        listening.cancel()
        patience.cancel()
    if live.listened_at is not None:
        # From the moment the gather listens, not from when this task woke: a stall in
        # between must not push the first digit past the gather's inter-digit timeout.
        since = (clock.now() - live.listened_at).total_seconds()
        await clock.sleep(DIGITS_AFTER_GATHER - since)
    await press(engine, call_id, digits)


async def _give_up(engine: Engine, reply: asyncio.Future[Outcome] | None) -> None:
    if reply is not None:
        await asyncio.wait({reply})  # `wait`: cancelling us must not cancel the delivery
    await engine.sandbox.clock.sleep(DIGITS_WITHOUT_GATHER)


async def press(engine: Engine, call_id: str, digits: str) -> None:
    """The far end of `call_id` presses `digits`, one every 0.3 s."""
    for digit in digits:
        if engine.get_call(call_id)["state"] != "active":
            return
        engine.receive_digit(call_id, digit)
        await engine.sandbox.clock.sleep(DIGIT_GAP)

"""What a sandbox restart (`--state`) leaves of the calls that were up: they cannot go on.

The engine ends them the moment it is made, with cause `SANDBOX_RESTARTED`, and
sends their hangup events once the sandbox serves again (`calls.startup`), so an
application learns why each call is over. Gathers, recordings and transcriptions
that were running stop in a final state.
"""

from __future__ import annotations

from collections.abc import Iterable

from bwconsole.sandbox.voice.contract import FINAL_STATES, RESTART_CAUSE, Engine

__all__ = ["announce", "end_interrupted"]

#: Collection -> (states that were still running, the state they end in).
_RUNNING = (
    ("gathers", ("started",), "completed"),
    ("recordings", ("recording", "saving"), "error"),
    ("transcriptions", ("transcribing",), "error"),
)


def end_interrupted(engine: Engine) -> list[str]:
    """End every call and piece of call work still running in the store; returns the
    calls ended, whose hangup events `announce` sends later."""
    now = engine.sandbox.clock.iso()
    ended: list[str] = []
    for call in engine.calls:
        if call["state"] not in FINAL_STATES:
            call.update(state="completed", endTime=now, _cause=RESTART_CAUSE)
            engine.calls.save(call["id"])
            engine.log(call["id"], "hangup", RESTART_CAUSE)
            ended.append(call["id"])
    for kind, busy, final in _RUNNING:
        collection = engine.sandbox.collection(kind)
        for record in collection:
            if record.get("state") in busy:
                record["state"] = final
                collection.save(record["id"])
    return ended


def announce(engine: Engine, call_ids: Iterable[str]) -> None:
    """Send the hangup event (cause `SANDBOX_RESTARTED`) of each call a restart ended."""
    for call_id in call_ids:
        call = engine.get_call(call_id)
        extra = {"from": call["from"], "to": call["to"], "cause": RESTART_CAUSE}
        engine.emit_call_event(call, engine.payload(call, "hangup", **extra))

"""Audio and DTMF on one call: what `CallEngine.play` and `dtmf_out` run.

Playing logs `speak`/`playback` start and done in the call's events, sends the
REST events (not to BXML calls), and notes what was heard for transcriptions;
a stopped or replaced playback still reports `done` while the call is up.
"""

from __future__ import annotations

from typing import Any

from bwconsole.sandbox.voice.audio import AudioRequest, audio_seconds
from bwconsole.sandbox.voice.contract import Engine

__all__ = ["dtmf_out", "play"]

#: API seconds between two DTMF digits sent in a row.
DIGIT_SPACING = 0.1


async def play(engine: Engine, call_id: str, request: AudioRequest) -> None:
    """Play once (or until cancelled, with `loop`), with started/done events."""
    call = engine.get_call(call_id)
    kind = request.event_type
    extra: dict[str, Any] = {"status": "started"}
    if kind == "speak":
        extra["state"] = "PLAYBACK_START"
    if request.tag is not None:
        extra["tag"] = request.tag
    engine.log(call_id, kind, "start")
    engine.rest_event(call, engine.payload(call, kind, **extra))
    try:
        while True:
            engine.heard(call_id, request.heard)
            await engine.sandbox.clock.sleep(audio_seconds(request))
            if not request.loop:
                break
    finally:
        if call["state"] == "active":
            extra["status"] = "done"
            if kind == "speak":
                extra["state"] = "PLAYBACK_STOP"
            engine.log(call_id, kind, "done")
            engine.rest_event(call, engine.payload(call, kind, **extra))


async def dtmf_out(engine: Engine, call_id: str, dtmf: str) -> None:
    """Send digits from our side; a linked leg hears each as a `dtmf` event."""
    clock = engine.sandbox.clock
    for char in dtmf:
        if char in ",w":
            await clock.sleep(0.5)
        elif char == "W":
            await clock.sleep(1.0)
        else:
            peer = engine.live(call_id).peer
            if peer and engine.get_call(peer)["state"] == "active":
                engine.receive_digit(peer, char)
            await clock.sleep(DIGIT_SPACING)

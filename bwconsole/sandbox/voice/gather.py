"""DTMF gathers: REST (`POST .../calls/{id}/gather`) and the BXML `<Gather>` verb.

A gather plays its prompts (bargeable: the first digit stops them), then
collects digits until `maxDigits`, a terminating digit, the inter-digit timeout
or the call hanging up; the owner (REST route or BXML runner) decides where the
result goes. One gather per call at a time.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence

from bwconsole.sandbox.faults import ApiFault, validation
from bwconsole.sandbox.store import Record
from bwconsole.sandbox.voice.audio import AudioRequest, StopAudio, parse_audio
from bwconsole.sandbox.voice.contract import Engine
from bwconsole.sandbox.web import Body

__all__ = ["Gather", "start_rest_gather"]

DTMF_DIGITS = re.compile(r"^[0-9*#A-D]+$")
REST_MAX_DIGITS = 30
MAX_INTER_DIGIT = 30.0

Done = Callable[["Gather"], None]


class Gather:
    """One running gather on one call.

    Args:
        engine: the voice engine.
        call_id: the call listened to.
        max_digits: stop after this many digits.
        terminators: digits that end the gather at once (not included in `digits`).
        inter_digit_timeout: API seconds to wait for each digit, the first included.
        prompts: played in order before listening; a digit interrupts them.
        tag: echoed in the record and events.
        on_done: called once with the gather when it completes.
    """

    def __init__(
        self,
        engine: Engine,
        call_id: str,
        *,
        max_digits: int,
        terminators: str,
        inter_digit_timeout: float,
        prompts: Sequence[AudioRequest] = (),
        tag: str | None = None,
        on_done: Done | None = None,
    ) -> None:
        self.engine = engine
        self.call_id = call_id
        self.max_digits = max_digits
        self.terminators = terminators
        self.inter_digit_timeout = inter_digit_timeout
        self.prompts = list(prompts)
        self.on_done = on_done
        self.digits = ""
        self.reason: str | None = None
        self.terminator: str | None = None
        self.finished = asyncio.Event()
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        sandbox = engine.sandbox
        self.id = sandbox.ids.new("gather")
        self.record: Record = {
            "id": self.id,
            "state": "started",
            "call": engine.get_call(call_id)["_uri"],
            "createdTime": sandbox.clock.iso(),
            "_callId": call_id,
        }
        if tag is not None:
            self.record["tag"] = tag
        sandbox.collection("gathers").put(self.id, self.record)

    def start(self) -> None:
        """Become the call's gather and start prompting/listening (409 if one runs)."""
        live = self.engine.live(self.call_id)
        if live.gather is not None:
            raise ApiFault(
                409,
                "call-duplicate-gather-error",
                f"DTMF digits are already being gathered for call {self.call_id}",
            )
        live.gather = self
        self.engine.spawn(self.call_id, self._run())

    def feed(self, digit: str) -> None:
        self._queue.put_nowait(digit)

    def hung_up(self) -> None:
        self.complete("hung-up")

    def stop(self) -> None:
        """Stopped by the application (`state: completed`): no reason, no event."""
        self.complete(None)

    async def _run(self) -> None:
        pending: str | None = None
        for prompt in self.prompts:
            playing = self.engine.play(self.call_id, prompt)
            assert playing is not None
            getter = asyncio.ensure_future(self._queue.get())
            done, _ = await asyncio.wait({playing, getter}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                pending = getter.result()
                self.engine.play(self.call_id, StopAudio(prompt.event_type))
                break
            getter.cancel()
        live = self.engine.live(self.call_id)
        if not live.listening.is_set():
            live.listened_at = self.engine.sandbox.clock.now()
            live.listening.set()
        scale = self.engine.sandbox.clock.time_scale
        while True:
            if pending is None:
                try:
                    digit = await asyncio.wait_for(
                        self._queue.get(), self.inter_digit_timeout / scale
                    )
                except TimeoutError:
                    if self._queue.empty():
                        self.complete("inter-digit-timeout")
                        return
                    # Fed in the loop turn the timeout was handled in, after a stall that
                    # made both due: the digit's time came first, so it counts.
                    digit = self._queue.get_nowait()
            else:
                digit, pending = pending, None
            if digit in self.terminators:
                self.terminator = digit
                self.complete("terminating-digit")
                return
            self.digits += digit
            if len(self.digits) >= self.max_digits:
                self.complete("max-digits")
                return

    def complete(self, reason: str | None) -> None:
        if self.finished.is_set():
            return
        self.reason = reason
        self.record["state"] = "completed"
        self.record["digits"] = self.digits
        if reason is not None:
            self.record["reason"] = reason
        self.record["completedTime"] = self.engine.sandbox.clock.iso()
        self.engine.sandbox.collection("gathers").save(self.id)
        live = self.engine.live(self.call_id)
        if live.gather is self:
            live.gather = None
        self.finished.set()
        if self.on_done is not None and reason is not None:
            self.on_done(self)


def _rest_event(gather: Gather) -> None:
    engine = gather.engine
    call = engine.get_call(gather.call_id)
    payload = {
        "eventType": "gather",
        "state": "completed",
        "digits": gather.digits,
        "reason": gather.reason,
        "callId": call["id"],
        "gatherId": gather.id,
        "time": engine.sandbox.clock.iso(),
    }
    if "tag" in gather.record:
        payload["tag"] = gather.record["tag"]
    engine.rest_event(call, payload)


def start_rest_gather(engine: Engine, call_id: str, body: Body) -> Gather:
    """Validate a REST gather body and start it; the result goes out as a `gather` event."""
    engine.require_active(call_id)
    if engine.live(call_id).gather is not None:
        raise ApiFault(
            409,
            "call-duplicate-gather-error",
            f"DTMF digits are already being gathered for call {call_id}",
        )
    max_digits = body.number("maxDigits", REST_MAX_DIGITS, low=1, high=REST_MAX_DIGITS)
    raw_timeout = body.text("interDigitTimeout", default="5")
    try:
        inter_digit = float(raw_timeout or "5")
    except ValueError:
        raise validation("Property 'interDigitTimeout' must be a number of seconds") from None
    if not 0 < inter_digit <= MAX_INTER_DIGIT:
        raise validation("Property 'interDigitTimeout' must be between 0 and 30 seconds")
    terminators = body.text("terminatingDigits", default="#") or ""
    if not DTMF_DIGITS.match(terminators):
        raise validation("Property 'terminatingDigits' must be DTMF digits and cannot be empty")
    prompts: list[AudioRequest] = []
    prompt = body.object("prompt")
    if prompt is not None and ("sentence" in prompt or "fileUrl" in prompt):
        parsed = parse_audio(prompt, allow_volume=False, allow_loop=True, allow_tag=False)
        if isinstance(parsed, AudioRequest):
            prompts.append(parsed)
    assert max_digits is not None
    gather = Gather(
        engine,
        call_id,
        max_digits=max_digits,
        terminators=terminators,
        inter_digit_timeout=inter_digit,
        prompts=prompts,
        tag=body.text("tag"),
        on_done=_rest_event,
    )
    gather.start()
    return gather

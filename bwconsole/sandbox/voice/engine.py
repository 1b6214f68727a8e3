"""The call state machine (SEMANTICS.md §10).

One `CallEngine` per sandbox owns every call's life: ringing, answer, timeout,
reject, hang-up, audio, DTMF, the simulated far end, and the callbacks each step
sends. Records live in the `calls` and `callEvents` collections; what only
matters while a call is up (timers, the playing audio, a running gather, the
linked leg) lives in `Live`, dropped when the call ends. The helpers it drives
(far end, playback, gathers, recordings, BXML) see it as `contract.Engine`.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from bwconsole.sandbox.account import charge
from bwconsole.sandbox.callbacks import Delivery, Outcome
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, not_found
from bwconsole.sandbox.store import Record
from bwconsole.sandbox.voice import bxml_runner, farend, playback, recording, restart
from bwconsole.sandbox.voice.audio import AudioRequest, StopAudio
from bwconsole.sandbox.voice.contract import (
    CRASH_CAUSE,
    FINAL_STATES,
    RATE_PER_MINUTE,
    REJECTING_CAUSES,
    FarEnd,
    Live,
    RecordOptions,
)

__all__ = ["CallEngine"]

Listener = Callable[[Record], None]


class CallEngine:
    """Runs every call of one sandbox; its one engine is `sandbox.service(CallEngine)`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.calls = sandbox.collection("calls")
        self.events = sandbox.collection("callEvents")
        self._live: dict[str, Live] = {}
        # What ended calls still need: BXML mode (for recordings saved after the end) and
        # what was heard (for their transcriptions).
        self._afterlife: dict[str, tuple[bool, list[tuple[datetime, str]]]] = {}
        self._listeners: list[Listener] = []
        #: Transfer legs placed per call tree (`dialing.place_leg`).
        self.tree_legs: dict[str, int] = {}
        self._event_ids: dict[str, list[str]] = {}
        for event in self.events:
            self._event_ids.setdefault(event["_callId"], []).append(event["id"])
        self.interrupted: list[str] = restart.end_interrupted(self)
        """Calls a restart ended whose hangup event has not been sent yet."""

    def announce_interrupted(self) -> None:
        """Send the hangup events of the calls the restart ended (`restart.announce`)."""
        interrupted, self.interrupted = self.interrupted, []
        restart.announce(self, interrupted)

    # -- records and events --------------------------------------------------------

    def get_call(self, call_id: str) -> Record:
        """The call record; 404 `call-not-found` if there is none."""
        call = self.calls.get(call_id)
        if call is None:
            raise not_found("call", call_id)
        return call

    def require_active(self, call_id: str) -> Record:
        """The call, or 403 `call-invalid-state` unless it is `active`."""
        call = self.get_call(call_id)
        if call["state"] != "active":
            raise ApiFault(
                403,
                "call-invalid-state",
                f"Unable to update call {call_id}. Invalid call state {call['state']}",
            )
        return call

    def emit(
        self,
        key: str,
        url: str | None,
        payload: dict[str, Any],
        *,
        method: str = "POST",
        timeout_ms: int = 10_000,
        fallback_url: str | None = None,
    ) -> asyncio.Future[Outcome] | None:
        """Deliver an event after earlier ones with the same key; no URL, no event."""
        if not url:
            return None
        delivery = Delivery(url, payload, method or "POST", timeout_ms, fallback_url)
        return self.sandbox.callbacks.send(key, delivery)

    def emit_call_event(
        self, call: Record, payload: dict[str, Any]
    ) -> asyncio.Future[Outcome] | None:
        """Send to the call's callbackUrl, or (inbound) its application's incomingCallUrl."""
        url, method, timeout_ms, fallback = self.target(call)
        return self.emit(
            call["id"], url, payload, method=method, timeout_ms=timeout_ms, fallback_url=fallback
        )

    def on_call_ended(self, listener: Listener) -> None:
        """Call `listener(call)` after any call ends, whatever the cause."""
        self._listeners.append(listener)

    def hang_up(self, call_id: str, cause: str = "NORMAL_CLEARING") -> None:
        """End a call (no-op if it already ended); sends the hangup event."""
        call = self.get_call(call_id)
        if call["state"] in FINAL_STATES:
            return
        self.finish(call_id, cause)

    def heard(self, call_id: str, text: str) -> None:
        """Note what was spoken or played on a call, for its transcriptions."""
        now = self.sandbox.clock.now()
        live = self.live(call_id)
        live.heard.append((now, text))
        if live.peer:
            self.live(live.peer).heard.append((now, text))

    # -- helpers other voice modules use ------------------------------------------

    def live(self, call_id: str) -> Live:
        """The call's live state; for a call that has ended, a detached one with `ended` set."""
        found = self._live.get(call_id)
        if found is not None:
            return found
        call = self.calls.get(call_id)
        if call is not None and call["state"] in FINAL_STATES:
            bxml, heard = self._afterlife.get(call_id, (False, []))
            found = Live(bxml=bxml, heard=heard)
            found.ended.set()
            return found
        found = self._live[call_id] = Live()
        return found

    def call_events(self, call_id: str) -> list[Record]:
        """The call's `/events` entries, oldest first."""
        found = (self.events.get(event_id) for event_id in self._event_ids.get(call_id, ()))
        return [event for event in found if event is not None]

    def spawn(self, call_id: str, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Background work that belongs to a call; cancelled when the call ends, and
        ending the call (cause `CRASH_CAUSE`) if it fails."""
        task = self.sandbox.spawn(coro, on_crash=lambda _: self.hang_up(call_id, CRASH_CAUSE))
        tasks = self.live(call_id).tasks
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return task

    def target(self, call: Record) -> tuple[str | None, str, int, str | None]:
        """(url, method, timeout ms, fallback) for the call's events."""
        if call.get("callbackUrl"):
            return (
                call["callbackUrl"],
                call.get("callbackHttpMethod") or "POST",
                int(call.get("callbackTimeout") or 10_000),
                call.get("fallbackUrl"),
            )
        app = self.application(call.get("_applicationId"))
        if app is None or not app.get("incomingCallUrl"):
            return None, "POST", 10_000, None
        return (
            app["incomingCallUrl"],
            app.get("callbackHttpMethod") or "POST",
            int(app.get("incomingCallUrlCallbackTimeout") or 10_000),
            app.get("incomingCallFallbackUrl"),
        )

    def payload(self, call: Record, event_type: str, **extra: Any) -> dict[str, Any]:
        """The common fields of a call event, then `extra`."""
        return {
            "eventType": event_type,
            "callId": call["id"],
            "callUri": call["_uri"],
            **extra,
            "time": self.sandbox.clock.iso(),
        }

    def rest_event(self, call: Record, payload: dict[str, Any]) -> None:
        """A REST-mode event (speak, playback, dtmf, gather): BXML calls do not get them."""
        if not self.live(call["id"]).bxml:
            self.emit_call_event(call, payload)

    def log(self, call_id: str, name: str, data: str | None = None) -> None:
        """Add an entry to the call's `/events` list."""
        event_id = self.sandbox.ids.new("call_event")
        record: Record = {"id": event_id, "time": self.sandbox.clock.iso(), "name": name}
        if data is not None:
            record["data"] = data
        record["_callId"] = call_id
        self.events.put(event_id, record)
        self._event_ids.setdefault(call_id, []).append(event_id)

    def application(self, app_id: str | None) -> Record | None:
        return self.sandbox.collection("applications").get(app_id) if app_id else None

    def owned_number(self, number: str) -> Record | None:
        for record in self.sandbox.collection("phoneNumbers"):
            if record.get("number") == number and record.get("numberState") != "released":
                return record
        return None

    def endpoint(self, uri: str) -> Record | None:
        bare = uri.removeprefix("sip:")
        for record in self.sandbox.collection("endpoints"):
            if record.get("sipUri") == bare:
                return record
        return None

    # -- life of a call -----------------------------------------------------------

    def create(self, fields: Record, far_end: FarEnd) -> Record:
        """Store a new call in state `started` with its `create` event."""
        call_id = self.sandbox.ids.new("call")
        path = self.sandbox.user_path("calls", call_id)
        call: Record = {
            "id": call_id,
            "state": "started",
            "startTime": self.sandbox.clock.iso(),
            "callTimeout": 60,
            "callbackHttpMethod": "POST",
            "callbackTimeout": 10_000,
            "recordingEnabled": False,
            "recordingFileFormat": "wav",
            "transcriptionEnabled": False,
            **fields,
            "events": self.sandbox.url(path + "/events"),
            "recordings": self.sandbox.url(path + "/recordings"),
            "transcriptions": self.sandbox.url(path + "/transcriptions"),
            "_uri": self.sandbox.url(path),
        }
        self.calls.put(call_id, call)
        self.live(call_id).far_end = far_end
        self.log(call_id, "create")
        return call

    def ring(self, call_id: str) -> None:
        """Start an outbound call's ringing: its far end answers, refuses or never answers."""
        self.spawn(call_id, farend.ring(self, call_id))

    def answered(self, call_id: str) -> None:
        """The call is up: `active`, `answer` event, recording, far-end script, BXML."""
        call = self.get_call(call_id)
        if call["state"] != "started":
            return
        live = self.live(call_id)
        call["state"] = "active"
        call["activeTime"] = self.sandbox.clock.iso()
        call["_activeAt"] = self.sandbox.clock.now().timestamp()
        self.calls.save(call_id)
        self.log(call_id, "answer")
        extra: dict[str, Any] = {"from": call["from"], "to": call["to"], "callState": "active"}
        if call.get("_tag") is not None and call["direction"] == "out":
            extra["tag"] = call["_tag"]
        task = self.emit_call_event(call, self.payload(call, "answer", **extra))
        live.answered.set()
        if call.get("recordingEnabled"):
            recording.start(
                self,
                call_id,
                RecordOptions(max_duration=float(call.get("recordingMaxDuration") or 3600)),
            )
        far = live.far_end
        if far.hangup_after is not None:
            self.spawn(call_id, farend.hang_up_later(self, call_id, far.hangup_after))
        if far.digits:
            self.spawn(call_id, farend.press_when_asked(self, call_id, far.digits, task))
        if live.peer and call["direction"] == "in":
            self.live(live.peer).answer.set()
        if task is not None:
            self.spawn(call_id, self.follow_reply(call_id, task))

    async def follow_reply(self, call_id: str, task: asyncio.Future[Outcome]) -> None:
        """Run the BXML an application answered with, if any."""
        document = bxml_runner.reply_document(self, call_id, await task)
        if document is not None:
            await bxml_runner.run(self, call_id, document)

    def receive_digit(self, call_id: str, digit: str) -> None:
        """A DTMF digit heard on the call: a `dtmf` event, and the running gather gets it."""
        call = self.get_call(call_id)
        self.log(call_id, "dtmf", digit)
        self.rest_event(call, self.payload(call, "dtmf", dtmfDigit=digit))
        gather = self.live(call_id).gather
        if gather is not None:
            gather.feed(digit)

    def time_out(self, call_id: str) -> None:
        """Nobody answered within `callTimeout`: a `timeout` event and the call ends."""
        call = self.get_call(call_id)
        self.log(call_id, "timeout")
        self.emit_call_event(
            call, self.payload(call, "timeout", **{"from": call["from"], "to": call["to"]})
        )
        peer = self.live(call_id).peer
        self._close(call_id, "NO_ANSWER", "completed", send_hangup=False)
        if peer:
            self.hang_up(peer, "ORIGINATOR_CANCEL")

    def finish(self, call_id: str, cause: str, state: str | None = None) -> None:
        """End the call with `cause` and send the hangup event."""
        state = state or ("rejected" if cause in REJECTING_CAUSES else "completed")
        live = self.live(call_id)
        self._close(call_id, cause, state, send_hangup=True)
        if live.peer:
            peer = self.get_call(live.peer)
            if peer["state"] == "started" and peer["direction"] == "out":
                self.live(live.peer).refuse = cause
                self.live(live.peer).answer.set()
            else:
                started = peer["state"] == "started"
                self.hang_up(live.peer, "ORIGINATOR_CANCEL" if started else "NORMAL_CLEARING")

    def _close(self, call_id: str, cause: str, state: str, *, send_hangup: bool) -> None:
        call = self.get_call(call_id)
        if call["state"] in FINAL_STATES:
            return
        live = self.live(call_id)
        now = self.sandbox.clock.now()
        if live.gather is not None:
            live.gather.hung_up()
        if live.playback is not None:
            live.playback.cancel()
        call["state"] = state
        call["endTime"] = self.sandbox.clock.iso(now)
        call["_cause"] = cause
        seconds = now.timestamp() - call["_activeAt"] if "_activeAt" in call else 0.0
        minutes = math.ceil(seconds / 60) if seconds > 0 else 0
        call["chargeableDuration"] = minutes * 60
        self.calls.save(call_id)
        self.log(call_id, "hangup", cause)
        if send_hangup:
            extra: dict[str, Any] = {"from": call["from"], "to": call["to"], "cause": cause}
            if state == "rejected" and cause == "CALL_REJECTED" or live.bxml:
                extra["callState"] = "completed"
            self.emit_call_event(call, self.payload(call, "hangup", **extra))
        if live.recording is not None:
            recording.stop(self, call_id)
        if minutes:
            self._charge(call, minutes)
        live.ended.set()
        current = asyncio.current_task()
        for task in list(live.tasks):
            if task is not current:
                task.cancel()
        for listener in list(self._listeners):
            listener(call)
        self._live.pop(call_id, None)
        if live.bxml or live.heard:
            self._afterlife[call_id] = (live.bxml, live.heard)

    def _charge(self, call: Record, minutes: int) -> None:
        sip = any(str(call.get(key, "")).startswith("sip:") for key in ("from", "to"))
        product = ("sip-" if sip else "") + (
            "call-out" if call["direction"] == "out" else "call-in"
        )
        ours = call["from"] if call["direction"] == "out" else call["to"]
        amount = f"{float(RATE_PER_MINUTE) * minutes:.5f}"
        charge(self.sandbox, product, amount, units=minutes, number=ours, resource_id=call["id"])

    # -- audio and DTMF -----------------------------------------------------------

    def play(self, call_id: str, request: AudioRequest | StopAudio) -> asyncio.Task[None] | None:
        """Play or speak on the call, replacing what plays; `StopAudio` just stops."""
        live = self.live(call_id)
        if live.playback is not None and not live.playback.done():
            live.playback.cancel()
        live.playback = None
        if isinstance(request, StopAudio):
            return None
        live.playback = self.spawn(call_id, playback.play(self, call_id, request))
        return live.playback

    def send_dtmf(self, call_id: str, dtmf: str) -> None:
        """Send digits from our side; the linked leg (if any) hears them as `dtmf` events."""
        self.spawn(call_id, self.dtmf_out(call_id, dtmf))

    async def dtmf_out(self, call_id: str, dtmf: str) -> None:
        """Send digits now, honouring `,`/`w` (0.5 s) and `W` (1 s) pauses."""
        await playback.dtmf_out(self, call_id, dtmf)

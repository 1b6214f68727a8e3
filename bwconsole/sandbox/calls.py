"""Call routes (methods/calls/*.md): create, list, get, update/transfer, audio, DTMF, gather, events.

The routes validate and answer; the call's life (ringing, far end, callbacks)
is the voice engine's (`bwconsole.sandbox.voice`).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.account import ensure_funds
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, not_found, validation
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.voice import recording
from bwconsole.sandbox.voice.audio import AudioRequest, parse_audio
from bwconsole.sandbox.voice.contract import FINAL_STATES, RATE_PER_MINUTE, RecordOptions
from bwconsole.sandbox.voice.dialing import dial, transfer
from bwconsole.sandbox.voice.engine import CallEngine
from bwconsole.sandbox.voice.gather import Gather, start_rest_gather
from bwconsole.sandbox.web import E164, SIP_URI, Body, created, ok, paged, read_body

__all__ = ["routes"]

DTMF_OUT = re.compile(r"^[A-D0-9#*,wW]{1,92}$")
HEADER_NAME = re.compile(r"^X-[A-Za-z0-9-]+$")
MAX_RECORDING = 14_400


def _url(body: Body, key: str) -> str | None:
    value = body.text(key)
    if value is not None and not re.match(r"^https?://\S+$", value):
        raise ApiFault(400, "callback-invalid-url", f"The URL {value} is not a valid {key}")
    return value


def callback_fields(body: Body) -> Record:
    """callbackUrl, callbackHttpMethod, callbackTimeout, fallbackUrl, validated."""
    fields: Record = {}
    if (url := _url(body, "callbackUrl")) is not None:
        fields["callbackUrl"] = url
    if (fallback := _url(body, "fallbackUrl")) is not None:
        fields["fallbackUrl"] = fallback
    method = (body.text("callbackHttpMethod") or "POST").upper()
    if method not in ("GET", "POST"):
        raise validation("Property 'callbackHttpMethod' must be GET or POST")
    fields["callbackHttpMethod"] = method
    fields["callbackTimeout"] = body.number("callbackTimeout", 10_000, low=1, high=10_000)
    return fields


def _sip_headers(body: Body) -> dict[str, str] | None:
    headers = body.object("sipHeaders")
    if headers is None:
        return None
    if len(headers.data) > 5:
        raise validation("At most 5 sipHeaders can be sent per call")
    for name, value in headers.data.items():
        if not HEADER_NAME.match(name) or len(name) > 256 or len(str(value)) > 256:
            raise validation(f"SIP header {name!r} must start with 'X-' and be at most 256 chars")
    return {name: str(value) for name, value in headers.data.items()}


def _recording_fields(body: Body) -> Record:
    fields: Record = {}
    if (enabled := body.flag("recordingEnabled")) is not None:
        fields["recordingEnabled"] = enabled
    if (transcribe := body.flag("transcriptionEnabled")) is not None:
        fields["transcriptionEnabled"] = transcribe
    if (fmt := body.text("recordingFileFormat")) is not None:
        if fmt not in ("wav", "mp3"):
            raise validation("Property 'recordingFileFormat' must be wav or mp3")
        fields["recordingFileFormat"] = fmt
    if (maximum := body.number("recordingMaxDuration", low=1)) is not None:
        if maximum > MAX_RECORDING:
            raise ApiFault(
                403,
                "maximum-recording-value-request",
                f"Recording call maximum duration cannot exceed {MAX_RECORDING} seconds.",
            )
        fields["recordingMaxDuration"] = maximum
    return fields


class CallRoutes:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.engine = sandbox.service(CallEngine)

    def caller_allowed(self, number: str) -> bool:
        return self.engine.owned_number(number) is not None or (
            self.engine.endpoint(number) is not None
        )

    async def create(self, request: Request) -> Response:
        body = await read_body(request)
        from_ = body.required("from")
        to = body.required("to")
        if not E164.match(to) and not SIP_URI.match(to):
            raise validation(f"Property 'to' must be an E.164 number or a sip: URI, not {to!r}")
        if not self.caller_allowed(from_):
            raise ApiFault(
                401,
                "number-access-denied",
                f"User {self.sandbox.user_id} does not have permission to use number {from_}",
                category="authorization",
            )
        fields: Record = {"callTimeout": body.number("callTimeout", 60, low=1, high=300)}
        fields.update(callback_fields(body))
        fields.update(_recording_fields(body))
        if (headers := _sip_headers(body)) is not None:
            fields["sipHeaders"] = headers
        if (tag := body.text("tag")) is not None:
            fields["_tag"] = tag
        for key, kind, collection in (
            ("bridgeId", "bridge", "bridges"),
            ("conferenceId", "conference", "conferences"),
        ):
            if (ident := body.text(key)) is not None:
                if self.sandbox.collection(collection).get(ident) is None:
                    raise not_found(kind, ident)
                fields[key] = ident
        ensure_funds(self.sandbox, RATE_PER_MINUTE)
        call = dial(self.engine, from_=from_, to=to, fields=fields)
        return created(request, self.sandbox.user_path("calls", call["id"]))

    async def list_all(self, request: Request) -> Response:
        query = Body(dict(request.query_params))
        calls = list(self.engine.calls)
        for key in ("bridgeId", "conferenceId"):
            if (wanted := query.text(key)) is not None:
                calls = [c for c in calls if c.get(key) == wanted]
        for key in ("from", "to"):
            if (wanted := query.text(key)) is not None:
                wanted = wanted.strip()
                if wanted[:1].isdigit():  # a literal `+` arrives as a space
                    wanted = "+" + wanted
                calls = [c for c in calls if c.get(key) == wanted]
        order = (query.text("sortOrder") or "desc").lower()
        if order not in ("asc", "desc"):
            raise validation("Property 'sortOrder' must be asc or desc")
        calls.sort(key=lambda c: c["startTime"], reverse=order == "desc")
        items = [public(c) for c in calls]
        if "bridgeId" in query or "conferenceId" in query:
            return ok(items)
        return paged(request, items)

    async def get(self, request: Request) -> Response:
        return ok(public(self.engine.get_call(request.path_params["callId"])))

    async def update(self, request: Request) -> Response:
        call_id = request.path_params["callId"]
        call = self.engine.get_call(call_id)
        body = await read_body(request)
        if call["state"] in FINAL_STATES:
            raise ApiFault(
                403,
                "call-invalid-state",
                f"Unable to update call {call_id}. You can't update the call's state after"
                f" being set to {call['state']}",
            )
        state = body.text("state")
        if state == "transferring":
            return self.transfer(request, call, body)
        fields = _recording_fields(body)
        if "recordingMaxDuration" in fields and self.engine.live(call_id).recording:
            raise ApiFault(
                409,
                "conflicted-recording-values-request",
                "Call recording maximum duration time cannot be changed while recording is"
                " being executed!",
            )
        if state is not None:
            self.change_state(call, state)
        call = self.engine.get_call(call_id)
        call.update(fields)
        self.engine.calls.save(call_id)
        if call["state"] == "active" and "recordingEnabled" in fields:
            if fields["recordingEnabled"]:
                max_duration = float(call.get("recordingMaxDuration") or 3600)
                recording.start(self.engine, call_id, RecordOptions(max_duration=max_duration))
            else:
                recording.stop(self.engine, call_id)
        return ok()

    def change_state(self, call: Record, state: str) -> None:
        call_id, current, inbound = call["id"], call["state"], call["direction"] == "in"
        if state == "active" and current == "started" and inbound:
            self.engine.answered(call_id)
        elif state == "rejected" and current == "started" and inbound:
            self.engine.finish(call_id, "CALL_REJECTED")
        elif state == "completed":
            unanswered = current == "started" and not inbound
            self.engine.hang_up(call_id, "ORIGINATOR_CANCEL" if unanswered else "NORMAL_CLEARING")
        elif state == current:
            return
        elif state in ("active", "rejected"):
            raise ApiFault(
                403,
                "call-invalid-state",
                f"Unable to update call {call_id}. Invalid call state {current}",
            )
        else:
            raise validation(
                "Property 'state' must be one of active, rejected, completed, transferring"
            )

    def transfer(self, request: Request, call: Record, body: Body) -> Response:
        call = self.engine.require_active(call["id"])
        to = body.required("transferTo")
        if not E164.match(to) and not SIP_URI.match(to):
            raise validation(
                f"Property 'transferTo' must be an E.164 number or a sip: URI, not {to!r}"
            )
        far_party = call["from"] if call["direction"] == "in" else call["to"]
        caller_id = body.text("transferCallerId") or far_party
        allowed = caller_id in ("private", far_party) or self.engine.owned_number(caller_id)
        if not allowed:
            raise validation(
                "Property 'transferCallerId' must be 'private', the caller's number or a number"
                " you own"
            )
        whisper_body = body.object("whisperAudio")
        whisper: AudioRequest | None = None
        if whisper_body is not None:
            parsed = parse_audio(whisper_body, allow_volume=False, allow_loop=False, allow_tag=True)
            whisper = parsed if isinstance(parsed, AudioRequest) else None
        fields: Record = {
            key: call[key]
            for key in ("callbackUrl", "callbackHttpMethod", "callbackTimeout", "fallbackUrl")
            if key in call
        }
        if body.text("callbackUrl") is not None:
            fields.update(callback_fields(body))
        leg = transfer(
            self.engine, call["id"], to=to, caller_id=caller_id, whisper=whisper, fields=fields
        )
        return created(request, self.sandbox.user_path("calls", leg["id"]))

    async def audio(self, request: Request) -> Response:
        call_id = request.path_params["callId"]
        self.engine.require_active(call_id)
        parsed = parse_audio(
            await read_body(request), allow_volume=True, allow_loop=True, allow_tag=True
        )
        self.engine.play(call_id, parsed)
        return ok()

    async def dtmf(self, request: Request) -> Response:
        call_id = request.path_params["callId"]
        self.engine.require_active(call_id)
        digits = (await read_body(request)).required("dtmfOut")
        if not DTMF_OUT.match(digits):
            raise validation(
                "Property 'dtmfOut' must match [A-D0-9#*,wW]+ and be at most 92 characters"
            )
        self.engine.send_dtmf(call_id, digits)
        return ok()

    async def create_gather(self, request: Request) -> Response:
        call_id = request.path_params["callId"]
        self.engine.get_call(call_id)
        gather = start_rest_gather(self.engine, call_id, await read_body(request))
        return created(request, self.sandbox.user_path("calls", call_id, "gather", gather.id))

    def _gather(self, request: Request) -> Record:
        call_id = request.path_params["callId"]
        self.engine.get_call(call_id)
        gather = self.sandbox.collection("gathers").get(request.path_params["gatherId"])
        if gather is None or gather.get("_callId") != call_id:
            raise not_found("gather", request.path_params["gatherId"])
        return gather

    async def get_gather(self, request: Request) -> Response:
        return ok(public(self._gather(request)))

    async def update_gather(self, request: Request) -> Response:
        record = self._gather(request)
        body = await read_body(request)
        if body.data != {"state": "completed"}:
            raise validation('The only update allowed is {"state": "completed"}')
        running = self.engine.live(record["_callId"]).gather
        if isinstance(running, Gather) and running.id == record["id"]:
            running.stop()
        return ok()

    async def events(self, request: Request) -> Response:
        call_id = request.path_params["callId"]
        self.engine.get_call(call_id)
        return ok([public(e) for e in self.engine.call_events(call_id)])

    async def event(self, request: Request) -> Response:
        call_id = request.path_params["callId"]
        self.engine.get_call(call_id)
        event = self.engine.events.get(request.path_params["eventId"])
        if event is None or event.get("_callId") != call_id:
            raise not_found("call-event", request.path_params["eventId"])
        return ok(public(event))


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    handlers = CallRoutes(sandbox)
    base = "/v1/users/{userId}/calls"
    one = base + "/{callId}"
    table: list[tuple[str, Any, str]] = [
        (base, handlers.create, "POST"),
        (base, handlers.list_all, "GET"),
        (one, handlers.get, "GET"),
        (one, handlers.update, "POST"),
        (one + "/audio", handlers.audio, "POST"),
        (one + "/dtmf", handlers.dtmf, "POST"),
        (one + "/gather", handlers.create_gather, "POST"),
        (one + "/gather/{gatherId}", handlers.get_gather, "GET"),
        (one + "/gather/{gatherId}", handlers.update_gather, "POST"),
        (one + "/events", handlers.events, "GET"),
        (one + "/events/{eventId}", handlers.event, "GET"),
    ]
    found: list[BaseRoute] = []
    for path, endpoint, method in table:
        for variant in (path, path + "/"):
            found.append(Route(variant, endpoint, methods=[method]))
    return found


async def startup(sandbox: Sandbox) -> None:
    """Tell the applications of calls a restart cut off that they ended (docs/sandbox.md)."""
    sandbox.service(CallEngine).announce_interrupted()

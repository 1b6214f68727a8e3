"""Sandbox-only control routes for calls: play the part of the outside world.

- `POST /sandbox/inject/call` `{"from", "to", "dtmf"?, "hangupAfter"?}`: a call from
  `from` arrives at `to` (a number the account owns); its application gets
  `incomingcall`. After answering, the caller presses `dtmf` (as the far-end
  table describes) and hangs up `hangupAfter` API seconds later. 201 + the call.
- `POST /sandbox/calls/{callId}/answer`: the far end answers a ringing outbound call
  (a sandbox endpoint's SIP client, or any manual far end).
- `POST /sandbox/calls/{callId}/reject` `{"cause"?}`: the far end refuses it
  (default `CALL_REJECTED`; `USER_BUSY` for busy).
- `POST /sandbox/calls/{callId}/dtmf` `{"digits"}`: the far end presses digits.
- `POST /sandbox/calls/{callId}/speak` `{"sentence"}`: the far end says something
  (it appears in transcriptions of recordings running on the call).
- `POST /sandbox/calls/{callId}/hangup`: the far end hangs up (`NORMAL_CLEARING`).

They take the same basic auth as the API.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.auth import check_credentials
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, not_found, validation
from bwconsole.sandbox.store import public
from bwconsole.sandbox.voice.contract import FINAL_STATES, FarEnd
from bwconsole.sandbox.voice.dialing import arrive
from bwconsole.sandbox.voice.engine import CallEngine
from bwconsole.sandbox.voice.farend import press
from bwconsole.sandbox.web import E164, SIP_URI, created, number_param, ok, read_body

__all__ = ["routes"]

DIGITS = re.compile(r"^[0-9*#A-D]{1,92}$")
CAUSES = (
    "CALL_REJECTED",
    "USER_BUSY",
    "UNALLOCATED_NUMBER",
    "NO_ANSWER",
    "NORMAL_TEMPORARY_FAILURE",
)


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    engine = sandbox.service(CallEngine)

    async def inject(request: Request) -> Response:
        check_credentials(sandbox, request)
        body = await read_body(request)
        caller = number_param(body.required("from"))
        to = number_param(body.required("to"))
        if not E164.match(caller) and not SIP_URI.match(caller):
            raise validation(
                f"Property 'from' must be an E.164 number or a sip: URI, not {caller!r}"
            )
        number = engine.owned_number(to)
        if number is None:
            raise not_found("number", to)
        digits = body.text("dtmf") or ""
        if digits and not DIGITS.match(digits):
            raise validation("Property 'dtmf' must be DTMF digits (0-9, *, #, A-D)")
        hangup_after = body.number("hangupAfter", low=0, high=86_400)
        far = FarEnd(
            answer_after=None,
            digits=digits,
            hangup_after=float(hangup_after) if hangup_after is not None else None,
        )
        call = arrive(engine, from_=caller, number=number, far_end=far)
        return created(request, sandbox.user_path("calls", call["id"]), public(call))

    def live_call(request: Request) -> str:
        check_credentials(sandbox, request)
        call = engine.get_call(request.path_params["callId"])
        if call["state"] in FINAL_STATES:
            raise ApiFault(403, "call-invalid-state", f"The call {call['id']} has ended")
        return str(call["id"])

    def ringing_outbound(call_id: str) -> None:
        call = engine.get_call(call_id)
        if call["state"] != "started" or call["direction"] != "out":
            raise ApiFault(403, "call-invalid-state", f"The call {call_id} is not ringing")

    async def answer(request: Request) -> Response:
        call_id = live_call(request)
        ringing_outbound(call_id)
        engine.live(call_id).answer.set()
        return ok()

    async def reject(request: Request) -> Response:
        call_id = live_call(request)
        ringing_outbound(call_id)
        cause = (await read_body(request)).text("cause") or "CALL_REJECTED"
        if cause not in CAUSES:
            raise validation(f"Property 'cause' must be one of {', '.join(CAUSES)}")
        live = engine.live(call_id)
        live.refuse = cause
        live.answer.set()
        return ok()

    async def dtmf(request: Request) -> Response:
        call_id = live_call(request)
        digits = (await read_body(request)).required("digits")
        if not DIGITS.match(digits):
            raise validation("Property 'digits' must be DTMF digits (0-9, *, #, A-D)")
        engine.require_active(call_id)
        engine.spawn(call_id, press(engine, call_id, digits))
        return ok()

    async def speak(request: Request) -> Response:
        call_id = live_call(request)
        sentence = (await read_body(request)).required("sentence")
        engine.require_active(call_id)
        engine.heard(call_id, sentence)
        return ok()

    async def hangup(request: Request) -> Response:
        call_id = live_call(request)
        engine.hang_up(call_id)
        return ok()

    one = "/sandbox/calls/{callId}"
    return [
        Route("/sandbox/inject/call", inject, methods=["POST"]),
        Route(one + "/answer", answer, methods=["POST"]),
        Route(one + "/reject", reject, methods=["POST"]),
        Route(one + "/dtmf", dtmf, methods=["POST"]),
        Route(one + "/speak", speak, methods=["POST"]),
        Route(one + "/hangup", hangup, methods=["POST"]),
    ]

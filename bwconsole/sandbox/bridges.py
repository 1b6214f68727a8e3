"""Bridges (methods/bridges/*.md, SEMANTICS.md §11): up to two calls sharing an audio path.

Membership lives on the call records: a call is in a bridge while its `bridgeId`
names it, whether POST /bridges put it there or the call was created with
`bridgeId`. So the bridge never holds a second copy that could drift; its state
(`created` -> `active` -> `hold` <-> `active` -> `completed`) is worked out from its
calls whenever it is read and whenever one of its calls ends.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, not_found, validation
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.voice.audio import AudioRequest, StopAudio, parse_audio
from bwconsole.sandbox.voice.contract import FINAL_STATES
from bwconsole.sandbox.voice.engine import CallEngine
from bwconsole.sandbox.web import created, ok, paged, read_body

__all__ = ["MAX_CALLS", "Bridges", "routes"]

#: Calls a bridge can hold (403 `bridge-callIds-overflow` beyond).
MAX_CALLS = 2


def _invalid_state(bridge: Record) -> ApiFault:
    return ApiFault(
        400,
        "bridge-invalid-state",
        f"Unable to update bridge {bridge['id']}. Invalid bridge state {bridge['state']}",
    )


class Bridges:
    """The bridges of one sandbox (`sandbox.service(Bridges)`): validation, state and audio.

    Args:
        sandbox: the emulated account.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.engine = sandbox.service(CallEngine)
        self.records = sandbox.collection("bridges")
        self.calls = sandbox.collection("calls")
        self.engine.on_call_ended(self._call_ended)

    def get(self, bridge_id: str) -> Record:
        """The bridge brought up to date, or 404 `bridge-not-found`."""
        bridge = self.records.get(bridge_id)
        if bridge is None:
            raise not_found("bridge", bridge_id)
        self.refresh(bridge)
        return bridge

    def members(self, bridge_id: str) -> list[Record]:
        """The call records whose `bridgeId` is this bridge, in creation order."""
        return [call for call in self.calls if call.get("bridgeId") == bridge_id]

    def render(self, bridge: Record) -> Record:
        """The wire form, with the `callIds` the property table lists."""
        return {**public(bridge), "callIds": [c["id"] for c in self.members(bridge["id"])]}

    def create(self, bridge_audio: bool, call_ids: list[str] | None) -> Record:
        """A new bridge, holding `call_ids` if given (validated first, nothing half-done)."""
        bridge_id = self.sandbox.ids.new("bridge")
        if call_ids is not None:
            self._check_calls(bridge_id, call_ids)
        now = self.sandbox.clock.iso()
        bridge: Record = {
            "id": bridge_id,
            "state": "created",
            "bridgeAudio": bridge_audio,
            "calls": self.sandbox.url(self.sandbox.user_path("bridges", bridge_id, "calls")),
            "createdTime": now,
            "_changedTime": now,
        }
        self.records.put(bridge_id, bridge)
        if call_ids:
            self._move_calls(bridge, call_ids)
        self.refresh(bridge)
        return bridge

    def update(self, bridge: Record, bridge_audio: bool | None, call_ids: list[str] | None) -> None:
        """Replace the calls and/or switch the audio path (`bridgeAudio` false = hold)."""
        if bridge["state"] == "completed":
            raise _invalid_state(bridge)
        if call_ids is not None:
            self._check_calls(bridge["id"], call_ids)
        bridge["_changedTime"] = self.sandbox.clock.iso()
        if bridge_audio is not None:
            bridge["bridgeAudio"] = bridge_audio
        if call_ids is not None:
            had_calls = bool(self.members(bridge["id"]))
            self._move_calls(bridge, call_ids)
            if had_calls and not call_ids:
                self._complete(bridge, bridge["_changedTime"])
        self.records.save(bridge["id"])
        self.refresh(bridge)

    def play(self, bridge: Record, request: AudioRequest | StopAudio) -> None:
        """Play or speak on every active call of the bridge; each call gets its own events."""
        if bridge["state"] == "completed":
            raise _invalid_state(bridge)
        active = [c["id"] for c in self.members(bridge["id"]) if c["state"] == "active"]
        if isinstance(request, StopAudio):
            for call_id in active:
                self.engine.play(call_id, request)
            return
        if not active:
            raise ApiFault(
                400, "bridge-invalid-operation", f"No active calls in the bridge {bridge['id']}"
            )
        for call_id in active:
            self.engine.play(call_id, request)

    def refresh(self, bridge: Record) -> None:
        """Derive `state`, `activatedTime` and completion from the calls."""
        if bridge["state"] == "completed":
            return
        members = self.members(bridge["id"])
        for call in members:
            if (
                "bridge" not in call
            ):  # created with `bridgeId`: link back as getBridgesBridgeIdCalls.md shows
                call["bridge"] = self.sandbox.url(self.sandbox.user_path("bridges", bridge["id"]))
                self.calls.save(call["id"])
        active = [call for call in members if call["state"] == "active"]
        if bridge["bridgeAudio"] and len(active) == MAX_CALLS and "activatedTime" not in bridge:
            # Audio flowed once both calls were up and the bridge held them.
            times = [bridge["_changedTime"], *(c.get("activeTime") or "" for c in active)]
            bridge["activatedTime"] = max(times)
        if members and all(call["state"] in FINAL_STATES for call in members):
            ended = [c.get("endTime") or "" for c in members]
            self._complete(bridge, max(ended) or self.sandbox.clock.iso())
            return
        if not bridge["bridgeAudio"] and members:
            state = "hold"
        elif "activatedTime" in bridge:
            state = "active"
        else:
            state = "created"
        if bridge["state"] != state:
            bridge["state"] = state
            self.records.save(bridge["id"])

    def _check_calls(self, bridge_id: str, call_ids: list[str]) -> None:
        if len(call_ids) > MAX_CALLS:
            raise ApiFault(
                403,
                "bridge-callIds-overflow",
                f"Only two calls are allowed in a bridge {bridge_id}",
            )
        if len(set(call_ids)) != len(call_ids):
            raise validation("Property 'callIds' lists the same call twice")
        for call_id in call_ids:
            call = self.calls.get(call_id)
            if call is None:
                raise ApiFault(403, "call-id-not-found", f"Call Id not found. callId {call_id}")
            if call["state"] in FINAL_STATES:
                raise ApiFault(
                    403,
                    "call-invalid-state",
                    f"Unable to update call {call_id}. Invalid call state {call['state']}",
                )
            other = self.records.get(call.get("bridgeId") or "")
            if other is not None and other["id"] != bridge_id and other["state"] != "completed":
                raise ApiFault(
                    400,
                    "bridge-bridged-callId",
                    f"The callId {call_id} is already in another bridge",
                )

    def _move_calls(self, bridge: Record, call_ids: list[str]) -> None:
        """Make `call_ids` exactly the bridge's calls (records already validated)."""
        url = self.sandbox.url(self.sandbox.user_path("bridges", bridge["id"]))
        for leaving in self.members(bridge["id"]):
            if leaving["id"] not in call_ids:
                leaving.pop("bridgeId", None)
                leaving.pop("bridge", None)
                self.calls.save(leaving["id"])
        for call_id in call_ids:
            call = self.engine.get_call(call_id)
            call["bridgeId"] = bridge["id"]
            call["bridge"] = url
            self.calls.save(call_id)

    def _complete(self, bridge: Record, when: str) -> None:
        bridge["state"] = "completed"
        bridge["completedTime"] = when
        self.records.save(bridge["id"])

    def _call_ended(self, call: Record) -> None:
        bridge = self.records.get(call.get("bridgeId") or "")
        if bridge is not None:
            self.refresh(bridge)


def _call_ids(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise validation("Property 'callIds' must be a list of call ids")
    return value


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    """The bridge routes of ENDPOINTS.tsv."""
    bridges = sandbox.service(Bridges)

    async def list_bridges(request: Request) -> Response:
        items = []
        for bridge in bridges.records:
            bridges.refresh(bridge)
            items.append(bridges.render(bridge))
        return paged(request, items)

    async def create_bridge(request: Request) -> Response:
        body = await read_body(request)
        bridge_audio = body.flag("bridgeAudio", True)
        assert bridge_audio is not None
        bridge = bridges.create(bridge_audio, _call_ids(body.raw("callIds")))
        return created(request, sandbox.user_path("bridges", bridge["id"]))

    async def get_bridge(request: Request) -> Response:
        return ok(bridges.render(bridges.get(request.path_params["bridgeId"])))

    async def update_bridge(request: Request) -> Response:
        bridge = bridges.get(request.path_params["bridgeId"])
        body = await read_body(request)
        bridges.update(bridge, body.flag("bridgeAudio"), _call_ids(body.raw("callIds")))
        return ok()

    async def bridge_audio(request: Request) -> Response:
        bridge = bridges.get(request.path_params["bridgeId"])
        body = await read_body(request)
        bridges.play(
            bridge, parse_audio(body, allow_volume=False, allow_loop=False, allow_tag=False)
        )
        return ok()

    async def bridge_calls(request: Request) -> Response:
        bridge = bridges.get(request.path_params["bridgeId"])
        return ok([public(call) for call in bridges.members(bridge["id"])])

    base = "/v1/users/{userId}/bridges"
    one = base + "/{bridgeId}"
    return [
        Route(base, list_bridges, methods=["GET"]),
        Route(base, create_bridge, methods=["POST"]),
        Route(one, get_bridge, methods=["GET"]),
        Route(one, update_bridge, methods=["POST"]),
        Route(one + "/audio", bridge_audio, methods=["POST"]),
        Route(one + "/calls", bridge_calls, methods=["GET"]),
    ]

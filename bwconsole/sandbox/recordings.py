"""Recording and transcription routes (methods/recordings/*.md, methods/transcriptions/*.md,
and the per-call lists in methods/calls/)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, not_found
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.voice import recording
from bwconsole.sandbox.voice.engine import CallEngine
from bwconsole.sandbox.web import created, ok, paged, read_json

__all__ = ["routes"]


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    engine = sandbox.service(CallEngine)
    recordings = sandbox.collection("recordings")
    transcriptions = sandbox.collection("transcriptions")

    def one_recording(request: Request) -> Record:
        recording_id = request.path_params["recordingId"]
        found = recordings.get(recording_id)
        if found is None:
            raise not_found("recording", recording_id)
        return found

    async def list_recordings(request: Request) -> Response:
        items = [public(r) for r in recordings]
        items.reverse()  # newest first
        return paged(request, items)

    async def get_recording(request: Request) -> Response:
        return ok(public(one_recording(request)))

    async def create_transcription(request: Request) -> Response:
        found = one_recording(request)
        await read_json(request)
        if found["state"] != "complete":
            raise ApiFault(
                403,
                "invalid-recording-state",
                f"Cannot transcribe the recording {found['id']}. The state must be complete",
            )
        record = recording.transcribe(engine, found)
        path = sandbox.user_path("recordings", found["id"], "transcriptions", record["id"])
        return created(request, path)

    async def list_transcriptions(request: Request) -> Response:
        found = one_recording(request)
        return ok([public(t) for t in transcriptions if t["_recordingId"] == found["id"]])

    async def get_transcription(request: Request) -> Response:
        found = one_recording(request)
        transcription_id = request.path_params["transcriptionId"]
        record = transcriptions.get(transcription_id)
        if record is None or record["_recordingId"] != found["id"]:
            raise ApiFault(
                404,
                "transcription-not-found",
                f"The transcription {transcription_id} from recording {found['id']} could not"
                " be found",
            )
        return ok(public(record))

    async def call_recordings(request: Request) -> Response:
        call = engine.get_call(request.path_params["callId"])
        return ok([public(r) for r in recordings if r["_callId"] == call["id"]])

    async def call_transcriptions(request: Request) -> Response:
        call = engine.get_call(request.path_params["callId"])
        return ok([public(t) for t in transcriptions if t["_callId"] == call["id"]])

    base = "/v1/users/{userId}/recordings"
    one = base + "/{recordingId}"
    calls = "/v1/users/{userId}/calls/{callId}"
    table = [
        (base, list_recordings, "GET"),
        (one, get_recording, "GET"),
        (one + "/transcriptions", create_transcription, "POST"),
        (one + "/transcriptions", list_transcriptions, "GET"),
        (one + "/transcriptions/{transcriptionId}", get_transcription, "GET"),
        (calls + "/recordings", call_recordings, "GET"),
        (calls + "/transcriptions", call_transcriptions, "GET"),
    ]
    found: list[BaseRoute] = []
    for path, endpoint, method in table:
        for variant in (path, path + "/"):
            found.append(Route(variant, endpoint, methods=[method]))
    return found

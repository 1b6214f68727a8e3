"""Conference member routes: add, list, get, update and play audio to one member.

A member is an active call that was created with the conference's `conferenceId`
(postConferencesConferenceIdMembers.md); at most 20 are active at once. Leaving,
whether removed here or because the call hung up, is `Conferences.remove_member`,
which also completes the conference when nobody is left. This module builds on
the conferences' state (`conferences.Conferences`); that module knows nothing of it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.conferences import MAX_MEMBERS, Conferences, conference_error
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, validation
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.voice.audio import AudioRequest, StopAudio, parse_audio
from bwconsole.sandbox.web import Body, created, ok, read_body

__all__ = ["add_member", "play_member", "routes", "update_member"]

FLAGS = ("joinTone", "leavingTone", "mute", "hold")


def add_member(conferences: Conferences, conference: Record, body: Body) -> Record:
    """Join the active call `callId` to the conference; sends the join event.

    Raises:
        ApiFault: 403 `conference-error` (completed conference), `call-id-not-found`,
            `invalid-call-conference-id` (call not active, not created with this
            conference, or already in it), `conference-max-members` (20 active).
    """
    if conference["state"] == "completed":
        raise conference_error(conference)
    call_id = body.required("callId")
    flags = {key: bool(body.flag(key, False)) for key in FLAGS}
    call = conferences.calls.get(call_id)
    if call is None:
        raise ApiFault(403, "call-id-not-found", f"Call Id not found. callId {call_id}")
    if call.get("conferenceId") != conference["id"] or call["state"] != "active":
        raise ApiFault(
            403,
            "invalid-call-conference-id",
            f"Invalid conference Id in call. conferenceId "
            f"{call.get('conferenceId') or '(none: the call was not created for a conference)'}",
        )
    active = conferences.active_members(conference["id"])
    if any(member["_callId"] == call_id for member in active):
        raise ApiFault(
            403,
            "invalid-call-conference-id",
            f"The call {call_id} is already a member of conference {conference['id']}",
        )
    if len(active) >= MAX_MEMBERS:
        raise ApiFault(
            403,
            "conference-max-members",
            f"The conference {conference['id']} reached the max number of members",
            category="limit",
        )
    sandbox = conferences.sandbox
    member_id = sandbox.ids.new("member")
    member: Record = {
        "id": member_id,
        "state": "active",
        **flags,
        "addedTime": sandbox.clock.iso(),
        "call": sandbox.url(sandbox.user_path("calls", call_id)),
        "_conferenceId": conference["id"],
        "_callId": call_id,
    }
    conferences.members.put(member_id, member)
    conference["state"] = "active"
    conferences.recount(conference)
    conferences.emit(conference, conferences.member_event(conference, member))
    return member


def update_member(conferences: Conferences, conference: Record, member: Record, body: Body) -> None:
    """Remove (`state:"completed"`), mute, hold, or set the tones of an active member.

    A mute or hold change sends a `conference-member` event; tones alone do not
    (confMember.md lists join, leave, mute and hold).
    """
    if member["state"] != "active":
        raise ApiFault(
            403,
            "conference-error",
            f"Unable to update conference member {member['id']}. "
            f"Invalid member state {member['state']}",
        )
    state = body.text("state")
    if state is not None and state != "completed":
        raise validation(
            "The member resource property state must be one of the following values: completed"
        )
    flags = {key: body.flag(key) for key in FLAGS}
    changed = False
    for key, value in flags.items():
        if value is not None:
            changed |= key in ("mute", "hold") and member[key] != value
            member[key] = value
    conferences.members.save(member["id"])
    if state == "completed":
        conferences.remove_member(conference, member)
    elif changed:
        conferences.emit(conference, conferences.member_event(conference, member))


def play_member(
    conferences: Conferences, member: Record, request: AudioRequest | StopAudio
) -> None:
    """Audio to one member only: its call gets call `playback`/`speak` events (confAudio.md)."""
    if member["state"] != "active":
        raise ApiFault(
            503,
            "call-unavailable",
            f"The conference member {member['id']} doesn't have a available call "
            "retry your operation later",
        )
    conferences.engine.play(member["_callId"], request)


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    """`/conferences/{conferenceId}/members[/{memberId}[/audio]]`."""
    conferences = sandbox.service(Conferences)

    async def create(request: Request) -> Response:
        conference = conferences.get(request.path_params["conferenceId"])
        member = add_member(conferences, conference, await read_body(request))
        path = sandbox.user_path("conferences", conference["id"], "members", member["id"])
        return created(request, path)

    async def list_all(request: Request) -> Response:
        conference = conferences.get(request.path_params["conferenceId"])
        return ok([public(m) for m in conferences.listed_members(conference["id"])])

    async def get(request: Request) -> Response:
        conference = conferences.get(request.path_params["conferenceId"])
        return ok(public(conferences.get_member(conference, request.path_params["memberId"])))

    async def update(request: Request) -> Response:
        conference = conferences.get(request.path_params["conferenceId"])
        member = conferences.get_member(conference, request.path_params["memberId"])
        update_member(conferences, conference, member, await read_body(request))
        return ok()

    async def audio(request: Request) -> Response:
        conference = conferences.get(request.path_params["conferenceId"])
        member = conferences.get_member(conference, request.path_params["memberId"])
        body = await read_body(request)
        play_member(
            conferences,
            member,
            parse_audio(body, allow_volume=False, allow_loop=True, allow_tag=True),
        )
        return ok()

    base = "/v1/users/{userId}/conferences/{conferenceId}/members"
    one = base + "/{memberId}"
    return [
        Route(base, create, methods=["POST"]),
        Route(base, list_all, methods=["GET"]),
        Route(one, get, methods=["GET"]),
        Route(one, update, methods=["POST"]),
        Route(one + "/audio", audio, methods=["POST"]),
    ]

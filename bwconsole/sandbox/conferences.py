"""Conferences (methods/conferences/*.md, apiCallbacks/conf*.md, SEMANTICS.md §12).

A conference is `created` empty, turns `active` with its first member and is
`completed` by POST `state:"completed"` or automatically when its last active
member leaves (removed, or the member's call hung up). Its events —
`conference`, `conference-member`, `conference-playback`, `conference-speak` —
go, in order, to the conference's own `callbackUrl`. Members live in the
`members` collection; their routes are in `conference_members.py`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, not_found, validation
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.voice.audio import AudioRequest, StopAudio, audio_seconds, parse_audio
from bwconsole.sandbox.voice.contract import FINAL_STATES
from bwconsole.sandbox.voice.engine import CallEngine
from bwconsole.sandbox.web import (
    Body,
    callback_method,
    callback_timeout,
    check_url,
    created,
    ok,
    read_body,
    require_e164,
)

__all__ = [
    "MAX_MEMBERS",
    "Conferences",
    "callback_settings",
    "conference_error",
    "routes",
]

#: Active members a conference can hold (403 `conference-max-members` beyond).
MAX_MEMBERS = 20
PROFILES = ("interpret_digits", "passthru_digits")
DEFAULT_CALLBACK_TIMEOUT_MS = 10_000


def conference_error(conference: Record) -> ApiFault:
    """403 `conference-error`: a completed conference cannot be used any more."""
    return ApiFault(
        403,
        "conference-error",
        f"Unable to update conference {conference['id']}. "
        f"Invalid conference state {conference['state']}",
    )


def callback_settings(body: Body, current: Record) -> dict[str, Any]:
    """The callback fields of a create/update body, validated against what is already set.

    Raises:
        ApiFault: 400 for a URL that is not http(s), a method other than GET/POST,
            a timeout outside 1..10000 ms, or a fallback URL without a callback URL.
    """
    changes: dict[str, Any] = {}
    for key in ("callbackUrl", "fallbackUrl"):
        if (url := body.text(key)) is not None:
            changes[key] = check_url(url, key)
    if (method := callback_method(body)) is not None:
        changes["callbackHttpMethod"] = method
    if (timeout := callback_timeout(body, "callbackTimeout")) is not None:
        changes["callbackTimeout"] = timeout
    if "fallbackUrl" in changes and not (changes.get("callbackUrl") or current.get("callbackUrl")):
        raise validation("The conference must have a callbackUrl in order to have a fallbackUrl")
    return changes


@dataclass(frozen=True)
class _Playing:
    task: asyncio.Task[None]
    request: AudioRequest


class Conferences:
    """The conferences and members of one sandbox (`sandbox.service(Conferences)`): state,
    events and audio.

    Args:
        sandbox: the emulated account.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.engine = sandbox.service(CallEngine)
        self.records = sandbox.collection("conferences")
        self.members = sandbox.collection("members")
        self.calls = sandbox.collection("calls")
        self._playing: dict[str, _Playing] = {}
        self.engine.on_call_ended(self._call_ended)

    # -- conferences -------------------------------------------------------------------------

    def get(self, conference_id: str) -> Record:
        """The conference, or 404 `conference-not-found`."""
        conference = self.records.get(conference_id)
        if conference is None:
            raise not_found("conference", conference_id)
        return conference

    def uri(self, conference_id: str) -> str:
        """Absolute URL of the conference, as events carry it in `conferenceUri`."""
        return self.sandbox.url(self.sandbox.user_path("conferences", conference_id))

    def create(self, body: Body) -> Record:
        """A new, empty conference; the `conference` created event goes to its callback."""
        from_number = require_e164(body.text("from"), "from")
        profile = body.text("profile", default=PROFILES[0])
        if profile not in PROFILES:
            raise validation(
                "The conference resource property profile must be one of the following values: "
                + ", ".join(PROFILES)
            )
        settings = callback_settings(body, {})
        conference_id = self.sandbox.ids.new("conference")
        conference: Record = {
            "id": conference_id,
            "state": "created",
            "from": from_number,
            "createdTime": self.sandbox.clock.iso(),
            "activeMembers": 0,
            "hold": False,
            "mute": False,
            "profile": profile,
        }
        if "callbackUrl" in settings:
            conference["callbackHttpMethod"] = "POST"
            conference["callbackTimeout"] = DEFAULT_CALLBACK_TIMEOUT_MS
        conference.update(settings)
        if (tag := body.text("tag")) is not None:
            conference["tag"] = tag
        self.records.put(conference_id, conference)
        self.emit(conference, self._status_event(conference, "created"))
        return conference

    def update(self, conference: Record, body: Body) -> None:
        """Change flags and callback settings, or terminate with `state:"completed"`.

        Ending a conference that has already ended succeeds and changes nothing: SDKs call it
        in cleanup (node-bandwidth's `Conference.remove`) after the last member left.
        """
        state = body.text("state")
        if conference["state"] == "completed":
            if state == "completed":
                return
            raise conference_error(conference)
        if state is not None and state != "completed":
            raise validation(
                "The conference resource property state must be one of the following values: "
                "completed"
            )
        settings = callback_settings(body, conference)
        hold, mute = body.flag("hold"), body.flag("mute")
        conference.update(settings)
        if "callbackUrl" in settings:
            conference.setdefault("callbackHttpMethod", "POST")
            conference.setdefault("callbackTimeout", DEFAULT_CALLBACK_TIMEOUT_MS)
        if hold is not None:
            conference["hold"] = hold
        if mute is not None:
            conference["mute"] = mute
        if (tag := body.text("tag")) is not None:
            conference["tag"] = tag
        self.records.save(conference["id"])
        if state == "completed":
            for member in self.active_members(conference["id"]):
                self.remove_member(conference, member, auto_complete=False)
            self.complete(conference)

    def complete(self, conference: Record) -> None:
        """Terminal: stop its audio and send the `conference` completed event."""
        if conference["state"] == "completed":
            return
        conference["state"] = "completed"
        conference["completedTime"] = self.sandbox.clock.iso()
        self.records.save(conference["id"])
        self._stop_audio(conference)
        self.emit(conference, self._status_event(conference, "completed"))

    def play(self, conference: Record, request: AudioRequest | StopAudio) -> None:
        """Audio to the whole conference: `conference-playback`/`-speak` events to its callback.

        What plays is replaced by new audio and ended by `StopAudio`.
        """
        if conference["state"] == "completed":
            raise conference_error(conference)
        self._stop_audio(conference)
        if isinstance(request, StopAudio):
            return
        task = self.sandbox.spawn(self._playback(conference, request))
        self._playing[conference["id"]] = _Playing(task, request)

    async def _playback(self, conference: Record, request: AudioRequest) -> None:
        self.emit(conference, self._audio_event(conference, request, "started"))
        while True:
            for member in self.active_members(conference["id"]):
                # Members on hold (their own or the conference's) hear nothing.
                if not (member["hold"] or conference["hold"]):
                    self.engine.heard(member["_callId"], request.heard)
            await self.sandbox.clock.sleep(audio_seconds(request))
            if not request.loop:
                break
        self._playing.pop(conference["id"], None)
        self.emit(conference, self._audio_event(conference, request, "done"))

    def _stop_audio(self, conference: Record) -> None:
        """Cut what plays short; its `done` event goes out now, ahead of anything later."""
        playing = self._playing.pop(conference["id"], None)
        if playing is not None and not playing.task.done():
            playing.task.cancel()
            self.emit(conference, self._audio_event(conference, playing.request, "done"))

    # -- members -----------------------------------------------------------------------------

    def active_members(self, conference_id: str) -> list[Record]:
        """The members still in the conference, in the order they joined."""
        return [
            m
            for m in self.members
            if m["_conferenceId"] == conference_id and m["state"] == "active"
        ]

    def listed_members(self, conference_id: str) -> list[Record]:
        """Every member the conference ever had (removed ones stay listed as completed)."""
        return [m for m in self.members if m["_conferenceId"] == conference_id]

    def get_member(self, conference: Record, member_id: str) -> Record:
        """The member, or 404 `conference-member-not-found`."""
        member = self.members.get(member_id)
        if member is None or member["_conferenceId"] != conference["id"]:
            raise not_found("conference-member", member_id)
        return member

    def remove_member(
        self, conference: Record, member: Record, *, auto_complete: bool = True
    ) -> None:
        """The member leaves; the conference completes when nobody is left."""
        member["state"] = "completed"
        member["removedTime"] = self.sandbox.clock.iso()
        self.members.save(member["id"])
        self.recount(conference)
        self.emit(conference, self.member_event(conference, member))
        if auto_complete and conference["activeMembers"] == 0:
            self.complete(conference)

    # -- events ------------------------------------------------------------------------------

    def recount(self, conference: Record) -> None:
        """Bring `activeMembers` up to date after a member joined or left."""
        conference["activeMembers"] = len(self.active_members(conference["id"]))
        self.records.save(conference["id"])

    def _status_event(self, conference: Record, status: str) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "eventType": "conference",
            "conferenceId": conference["id"],
            "conferenceUri": self.uri(conference["id"]),
            "status": status,
            "createdTime": conference["createdTime"],
        }
        if "completedTime" in conference:
            payload["completedTime"] = conference["completedTime"]
        if "tag" in conference:
            payload["tag"] = conference["tag"]
        return payload

    def _audio_event(
        self, conference: Record, request: AudioRequest, status: str
    ) -> dict[str, Any]:
        event_type = "conference-speak" if request.event_type == "speak" else "conference-playback"
        payload: dict[str, Any] = {
            "eventType": event_type,
            "conferenceId": conference["id"],
            "conferenceUri": self.uri(conference["id"]),
            "status": status,
            "time": self.sandbox.clock.iso(),
        }
        tag = request.tag if request.tag is not None else conference.get("tag")
        if tag is not None:
            payload["tag"] = tag
        return payload

    def member_event(self, conference: Record, member: Record) -> dict[str, Any]:
        """The `conference-member` event (confMember.md) for the member as it is now."""
        payload: dict[str, Any] = {
            "eventType": "conference-member",
            "activeMembers": conference["activeMembers"],
            "conferenceId": conference["id"],
            "callId": member["_callId"],
            "memberId": member["id"],
            "memberUri": self.uri(conference["id"]) + f"/members/{member['id']}",
            "state": member["state"],
            "hold": member["hold"],
            "mute": member["mute"],
            "time": self.sandbox.clock.iso(),
        }
        if "tag" in conference:
            payload["tag"] = conference["tag"]
        return payload

    def emit(self, conference: Record, payload: dict[str, Any]) -> None:
        """Queue an event to the conference's callback, after its earlier events."""
        self.engine.emit(
            conference["id"],
            conference.get("callbackUrl"),
            payload,
            method=conference.get("callbackHttpMethod", "POST"),
            timeout_ms=conference.get("callbackTimeout", DEFAULT_CALLBACK_TIMEOUT_MS),
            fallback_url=conference.get("fallbackUrl"),
        )

    def _call_ended(self, call: Record) -> None:
        for member in list(self.members):
            if member["_callId"] == call["id"] and member["state"] == "active":
                conference = self.records.get(member["_conferenceId"])
                if conference is not None:
                    self.remove_member(conference, member)


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    """The conference routes of ENDPOINTS.tsv (members: `conference_members.routes`)."""
    conferences = sandbox.service(Conferences)

    async def create_conference(request: Request) -> Response:
        conference = conferences.create(await read_body(request))
        return created(request, sandbox.user_path("conferences", conference["id"]))

    async def get_conference(request: Request) -> Response:
        return ok(public(conferences.get(request.path_params["conferenceId"])))

    async def update_conference(request: Request) -> Response:
        conference = conferences.get(request.path_params["conferenceId"])
        conferences.update(conference, await read_body(request))
        return ok()

    async def conference_audio(request: Request) -> Response:
        conference = conferences.get(request.path_params["conferenceId"])
        body = await read_body(request)
        conferences.play(
            conference, parse_audio(body, allow_volume=False, allow_loop=True, allow_tag=True)
        )
        return ok()

    base = "/v1/users/{userId}/conferences"
    one = base + "/{conferenceId}"
    return [
        Route(base, create_conference, methods=["POST"]),
        Route(one, get_conference, methods=["GET"]),
        Route(one, update_conference, methods=["POST"]),
        Route(one + "/audio", conference_audio, methods=["POST"]),
    ]


async def startup(sandbox: Sandbox) -> None:
    """A conference cannot outlive its members' calls: members whose call ended while the
    sandbox was down (or in a state file from before this check) leave, and a conference
    left empty completes, with the events a live end would have sent."""
    conferences = sandbox.service(Conferences)
    for member in list(conferences.members):
        call = conferences.calls.get(member["_callId"])
        if member["state"] == "active" and (call is None or call["state"] in FINAL_STATES):
            conference = conferences.records.get(member["_conferenceId"])
            if conference is not None:
                conferences.remove_member(conference, member)
    for conference in list(conferences.records):
        ident = conference["id"]
        had_members = bool(conferences.listed_members(ident))
        if conference["state"] != "completed" and had_members:
            if not conferences.active_members(ident):
                conferences.complete(conference)

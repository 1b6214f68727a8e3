"""A conference's row and its members in the Conferences pane, and how events move them.

A row is the conference's fields as the API names them (`state`, `activeMembers`,
`createdTime` ...) plus `flags` (muted, held) and `audio` (what plays to everyone);
a member is a dict of its own (`state`, `call`, `mute`, `hold`, `addedTime` ...).
A field an event or a reading does not give (None) leaves the known one as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bwconsole.events import (
    ConferenceEvent,
    ConferenceMemberEvent,
    ConferencePlaybackEvent,
    ConferenceSpeakEvent,
    Event,
)

if TYPE_CHECKING:
    from bwconsole.api.models import Conference, ConferenceMember
    from bwconsole.tui.model import Row

__all__ = [
    "after_event",
    "conference_row",
    "flag_words",
    "member_after_event",
    "member_row",
    "merged",
    "merged_member",
]


def _last_segment(url: str | None) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1] if url else ""


def flag_words(row: Row) -> str:
    """A conference's or a member's flags in words: `muted, held`."""
    return ", ".join(label for key, label in (("mute", "muted"), ("hold", "held")) if row.get(key))


def conference_row(conference: Conference) -> dict[str, Any]:
    """The fields of a conference as the API reports it."""
    return {
        "id": conference.id,
        "state": conference.state,
        "from": conference.from_,
        "activeMembers": conference.active_members,
        "mute": conference.mute,
        "hold": conference.hold,
        "createdTime": conference.created_time,
        "completedTime": conference.completed_time,
    }


def member_row(member: ConferenceMember) -> dict[str, Any]:
    """The fields of a conference member as the API reports it."""
    return {
        "id": member.id,
        "call": _last_segment(member.call),
        "state": member.state,
        "mute": member.mute,
        "hold": member.hold,
        "addedTime": member.added_time,
        "removedTime": member.removed_time,
    }


def merged(row: Row | None, conference_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """A conference's row with the fields that are known (None leaves one as it was)."""
    new = dict(row or {"id": conference_id})
    new.update({key: value for key, value in changes.items() if value is not None})
    new["flags"] = flag_words(new)
    return new


def merged_member(member: Row | None, changes: Mapping[str, Any]) -> dict[str, Any]:
    """A member with the fields that are known (None leaves one as it was)."""
    new = dict(member or {})
    new.update({key: value for key, value in changes.items() if value is not None})
    return new


def after_event(row: Row | None, event: Event) -> dict[str, Any] | None:
    """The row of the event's conference once the event is applied to it (`row`, None for a
    conference not seen yet), or None when the event is not about a conference."""
    conference_id = event.conference_id
    if not conference_id:
        return None
    changes: dict[str, object]
    match event:
        case ConferenceEvent():
            changes = {
                "state": event.status,
                "createdTime": event.created_time,
                "completedTime": event.completed_time,
                "audio": "" if event.status == "completed" else None,
            }
        case ConferenceMemberEvent():
            changes = {"activeMembers": event.active_members}
            if event.state == "active" and (row or {}).get("state") != "completed":
                changes["state"] = "active"
        case ConferencePlaybackEvent():
            kind = "speaking" if isinstance(event, ConferenceSpeakEvent) else "playing"
            changes = {"audio": kind if event.status == "started" else ""}
        case _:
            return None
    return merged(row, conference_id, changes)


def member_after_event(member: Row | None, event: ConferenceMemberEvent) -> dict[str, Any]:
    """A member once its event is applied (`member`, None for one not seen yet): joined
    (`addedTime`), left (`removedTime`), muted or held."""
    changes: dict[str, Any] = {
        "id": event.member_id,
        "call": event.call_id,
        "state": event.state,
        "mute": event.mute,
        "hold": event.hold,
        "addedTime" if event.state == "active" else "removedTime": event.time,
    }
    return merged_member(member, changes)

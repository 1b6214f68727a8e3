"""Messages and the conversation rows of the Messages pane, and how message events move them.

A message is a plain dict: its wire fields (`direction`, `from`, `to`, `text`,
`media`, `state`, `delivery_state`, `delivery_description`, `time` in epoch seconds)
plus what the pane adds (`order`, which breaks ties within a second). A
conversation row shows the last message exchanged with one party, in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bwconsole.events import Event, MmsEvent, SmsEvent
from bwconsole.tui.formatting import epoch
from bwconsole.tui.outcomes import message_outcome

if TYPE_CHECKING:
    from bwconsole.api.models import Message

__all__ = [
    "after_event",
    "conversation_row",
    "message_from_api",
    "outcome",
    "party",
    "state",
    "when",
]

StoredMessage = Mapping[str, Any]
"""A message as the pane keeps it."""


def message_from_api(message: Message) -> dict[str, Any]:
    """A message as the API reports it."""
    media = message.media
    return {
        "id": message.id or message.message_id or "",
        "direction": message.direction or "",
        "from": message.from_ or "",
        "to": message.to or "",
        "text": message.text or "",
        "media": [media] if isinstance(media, str) else list(media or ()),
        "state": message.state or "",
        "delivery_state": message.delivery_state or "",
        "delivery_description": message.delivery_description or "",
        "time": epoch(message.time),
    }


def _fields(event: SmsEvent) -> dict[str, Any]:
    """The fields an event says something about (None ones are left as they were)."""
    fields: dict[str, Any] = {
        "direction": event.direction,
        "from": event.from_,
        "to": event.to,
        "text": event.text,
        "state": event.state,
        "delivery_state": event.delivery_state,
        "delivery_description": event.delivery_description,
        "time": epoch(event.time),
    }
    if isinstance(event, MmsEvent) and event.media:
        fields["media"] = list(event.media)
    return {name: value for name, value in fields.items() if value is not None}


def after_event(message: StoredMessage | None, event: Event) -> dict[str, Any] | None:
    """The message once the event is applied to it (`message`, None for one not seen yet),
    or None when the event is not about a message, or is the status of a message never
    seen that says nothing of who it is between (nothing to show)."""
    match event:
        case SmsEvent(message_id=str(message_id)) if message_id:
            fields = _fields(event)
            if message is None and not {"from", "to"} <= fields.keys():
                return None
            return {**(message or {}), "id": message_id, **fields}
        case _:
            return None


def party(message: StoredMessage) -> tuple[str, str]:
    """(the other party, the account's number) of a message."""
    if message.get("direction") == "in":
        return message.get("from", ""), message.get("to", "")
    return message.get("to", ""), message.get("from", "")


def when(message: StoredMessage) -> tuple[float, int]:
    """Sort key of a message in its thread: time, then the order it became known."""
    return (message.get("time") or 0.0, message["order"])


def state(message: StoredMessage) -> str:
    """The message's delivery state, else its state."""
    return str(message.get("delivery_state") or message.get("state") or "")


def outcome(message: StoredMessage) -> tuple[str, bool]:
    """The message's state in words (`not delivered: invalid destination`), failed?"""
    return message_outcome(
        state(message), message.get("delivery_description"), message.get("direction")
    )


def conversation_row(last: StoredMessage, *, count: int, unread: int) -> dict[str, Any]:
    """The row of a conversation: its last message, how many there are, how many unread."""
    words, failed = outcome(last)
    return {
        "time": last.get("time"),
        "unread": unread,
        "party": party(last)[0],
        "number": party(last)[1],
        "count": count,
        "state": words,
        "flagged": failed,
        "text": str(last.get("text") or "") or ("[media]" if last.get("media") else ""),
    }

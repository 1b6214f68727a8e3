"""Events log pane: every relay event, newest first, with its raw JSON.

Each row is one `bwconsole.live.LiveEvent`: its `body` (raw text as received),
else its `payload` (the decoded form of a GET callback), its parsed `event` and
its `parse_error`. An event the parser could not read, or of a type it does not
know (`bwconsole.events.UnknownEvent`), is kept and flagged rather than dropped:
the log is where a person looks when something is odd.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.events import UnknownEvent
from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column, Row
from bwconsole.tui.outcomes import event_meaning
from bwconsole.tui.screens.event_view import EventViewScreen, wrapped_json
from bwconsole.tui.widgets.pane import Pane
from bwconsole.tui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from bwconsole.live import Forwarded, LiveEvent

__all__ = ["EventsLogPane", "event_row"]

#: Payload fields naming the resource an event is about, most specific first.
RESOURCE_FIELDS = (
    "memberId",
    "callId",
    "conferenceId",
    "messageId",
    "recordingId",
    "transcriptionId",
)
STATE_FIELDS = ("callState", "state", "status", "deliveryState", "messageState")


def _payload(live: LiveEvent) -> tuple[dict[str, Any] | None, str]:
    """Return (decoded payload or None, raw text) of a live event."""
    raw = live.body
    if raw.strip():
        try:
            decoded = json.loads(raw)
        except ValueError:
            return None, raw
        return (decoded if isinstance(decoded, dict) else None), raw
    # A GET callback has no body: its parameters arrive decoded.
    fields = live.payload or (live.event.raw if live.event is not None else None)
    if fields:
        return dict(fields), json.dumps(dict(fields))
    return None, raw


def _event_type(live: LiveEvent, payload: Mapping[str, Any] | None) -> str | None:
    event_type = live.event.event_type if live.event is not None else None
    if event_type is None and payload is not None:
        event_type = payload.get("eventType")
    return str(event_type) if event_type else None


def _problem(live: LiveEvent, payload: Mapping[str, Any] | None, event_type: str | None) -> str:
    """Say in words what is wrong with an event, or "" when nothing is."""
    if live.parse_error:
        return f"malformed: {live.parse_error}"
    if payload is None:
        return "malformed: body is not a JSON object"
    if not event_type:
        return "malformed: no eventType"
    if isinstance(live.event, UnknownEvent):
        return f"unknown event type {event_type!r}"
    return ""


def search_text(fields: Mapping[str, Any], prefix: str = "") -> str:
    """The payload as `name:value` pairs (nested names dotted), for the `/` filter:
    `/cause:USER_BUSY` finds the busy hangups, `/delivered` any event saying it."""
    pairs = []
    for name, value in fields.items():
        if isinstance(value, Mapping):
            pairs.append(search_text(value, f"{prefix}{name}."))
        else:
            pairs.append(f"{prefix}{name}:{value}")
    return "\x00".join(pairs)


def event_row(live: LiveEvent) -> tuple[str, dict[str, Any]]:
    """Turn a live event into (row key, row) for the log; never raises on odd input."""
    payload, raw = _payload(live)
    event_type = _event_type(live, payload)
    fields = payload or {}
    resource = next((fields[name] for name in RESOURCE_FIELDS if fields.get(name)), "")
    state = next((fields[name] for name in STATE_FIELDS if fields.get(name)), "")
    problem = _problem(live, payload, event_type)
    # The Note says what the event means (a hangup's cause, a delivery state, digits
    # gathered); a problem with the event itself, or a failure it reports, is flagged.
    meaning, failed = event_meaning(event_type or "", fields) if not problem else ("", False)
    row = {
        "seq": live.seq,
        "received_at": live.received_at,
        "type": event_type or "?",
        "resource": resource,
        "state": state,
        "note": problem or meaning,
        "flagged": bool(problem) or failed,
        "raw": raw,
        "search": search_text(fields) if fields else raw,
    }
    return str(live.seq), row


class EventsLogPane(Pane):
    """Every relay event, newest first; the detail shows the raw JSON.

    | Key | Action |
    |---|---|
    | p | pause / resume following new events |
    | v / enter | the whole event, full screen (wrapped, scrollable, y copies) |
    | / | filter: visible text, or payload fields as `name:value` (`/cause:USER_BUSY`) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "p",
            "toggle_pause",
            "Pause/resume",
            tooltip="Pause or resume following new events",
            id="events-pause",
        ),
        Binding(
            "v",
            "view_event",
            "View",
            tooltip="The whole event, full screen (enter too)",
            id="events-view",
        ),
    ]

    PANE_ID = "events"
    TITLE = "Events"
    PANE_KEY = "7"
    NEWEST_FIRST = True
    FOLLOW = True
    MAX_ROWS = 100_000
    SEARCH_FIELD = "search"
    COLUMNS = (
        Column("seq", "Seq", 6),
        Column("received_at", "Time", 8, clock_time),
        Column("type", "Type", 14),
        Column("state", "State", 9),
        Column("note", "Note", 18),
        Column("resource", "Resource", 26),
    )

    @property
    def paused(self) -> bool:
        """True while new events do not move the cursor (the user is reading)."""
        return not self.table.follow

    def add_event(self, live: LiveEvent) -> None:
        """Log one relay event (a replayed seq replaces the earlier row)."""
        key, row = event_row(live)
        self.model.upsert(key, row)

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.view_event(event.key)

    def view_event(self, key: str | None) -> None:
        """Open the full-screen view of one event."""
        row = self.model.get(key) if key is not None else None
        if row is None:
            self.app.notify("No event selected.", severity="warning")
            return
        title = f"Event #{row['seq']} {row['type']}  {clock_time(row['received_at'])}"
        problem = (
            row["note"] if row["flagged"] else ""
        )  # the Note column may say how it was forwarded
        self.app.push_screen(EventViewScreen(title, problem, row["raw"]))

    def mark_forwarded(self, report: Forwarded) -> None:
        """Show how a `bwconsole listen` delivered an event (a `bwconsole.live.Forwarded`).

        The Note column shows it unless the event has a problem to tell; the detail
        always does. A report for an event not (or no longer) in the log is dropped.
        """
        key = str(report.seq)
        row = self.model.get(key)
        if row is None:
            return
        latency = report.latency_ms
        took = f" {latency:.0f} ms" if latency is not None else ""
        forwarded = f"fwd {report.status}{took}"
        updated = {**row, "forwarded": f"{forwarded} by {report.by}"}
        if not row["flagged"]:
            updated["note"] = forwarded
        self.model.upsert(key, updated)

    def row_id(self, key: str, row: Row) -> str:
        return str(row["resource"] or key)

    def describe(self, key: str, row: Row) -> RenderableType:
        heading = Text()
        heading.append(f"#{row['seq']} {row['type']}", style="bold")
        heading.append(f"  {clock_time(row['received_at'])}\n")
        if row["flagged"]:
            heading.append(f"{row['note']}\n", style="bold red")
        if row.get("forwarded"):
            heading.append(f"{row['forwarded']}\n")
        return Group(heading, wrapped_json(row["raw"]))

    def _update_title(self) -> None:
        self.border_title = f"{self.TITLE} (paused)" if self.paused else self.TITLE

    def action_view_event(self) -> None:
        """Show the highlighted event full screen."""
        self.view_event(self.table.cursor_key)

    def action_toggle_pause(self) -> None:
        """Stop or restart following the newest event."""
        self.table.follow = not self.table.follow
        if self.table.follow:
            self.table.move_cursor(0)
        self._update_title()

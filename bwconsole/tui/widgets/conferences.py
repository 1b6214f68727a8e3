"""Conferences pane: the console's own index of conferences (v1 cannot list them).

One row a conference; its members are a list in the detail panel with their own
cursor (`[` and `]`), so conference keys act on the row and member keys on the
member marked `▶`. Every conference created here or named by an event is
remembered (`ConferenceIndex`) and refreshed from the API when the pane loads;
afterwards `conference` and `conference-member` events keep rows and members
current.

The keys are bound here; what they do lives in `tui/actions/conferences.ConferenceActions`
(and `tui/actions/recruiting.Recruiter` for bringing people in).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.api import ApiError
from bwconsole.events import (
    AnswerEvent,
    ConferenceEvent,
    ConferenceMemberEvent,
    ConferencePlaybackEvent,
    Event,
    HangupEvent,
)
from bwconsole.tui.actions.conferences import ConferenceActions
from bwconsole.tui.actions.recruiting import Recruiter
from bwconsole.tui.conference_index import ConferenceIndex, index_path
from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column, Row
from bwconsole.tui.rows.conferences import (
    after_event,
    conference_row,
    flag_words,
    member_after_event,
    member_row,
    merged,
    merged_member,
)
from bwconsole.tui.widgets.pane import Pane
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import Client
    from bwconsole.live import LiveEvent

__all__ = ["ConferencesPane"]


#: (key, action, label, tooltip, id suffix, shown in the footer)
_KEYS = (
    ("c", "create", "New", "Create a conference from an owned number", "create", True),
    ("d", "dial", "Dial in", "Call a number into the conference", "dial", True),
    ("a", "add_call", "Add call", "Add an existing call by id", "add-call", True),
    ("right_square_bracket", "member(1)", "Next", "Mark the next member", "next", True),
    ("left_square_bracket", "member(-1)", "Prev", "Mark the previous member", "prev", True),
    ("m", "mute_member", "Mute", "Mute or unmute the marked member", "mute-member", True),
    ("M", "mute_all", "Mute all", "Mute or unmute the whole conference", "mute-all", False),
    ("h", "hold_member", "Hold", "Hold or unhold the marked member", "hold-member", True),
    ("H", "hold_all", "Hold all", "Hold or unhold the whole conference", "hold-all", False),
    ("r", "remove_member", "Remove", "Remove the marked member", "remove-member", True),
    ("t", "speak(False)", "Speak", "Speak a sentence to every member", "speak-all", True),
    ("T", "speak(True)", "Speak to one", "Speak to the marked member", "speak-member", False),
    ("u", "play(False)", "Play", "Play an audio URL to every member", "play-all", False),
    ("U", "play(True)", "Play to one", "Play an audio URL to the marked member", "play-one", False),
    ("e", "end", "End", "End the conference for everyone", "end", True),
)


class ConferencesPane(Pane):
    """Conferences keyed by conference id, newest first.

    | Key | Action |
    |---|---|
    | c | create a conference |
    | d / a | dial a new member in / add an existing call |
    | [ / ] | previous / next member |
    | m / M | mute or unmute the member / the conference |
    | h / H | hold or unhold the member / the conference |
    | r | remove the member |
    | t / T | speak to everyone / to the member |
    | u / U | play an audio URL to everyone / to the member |
    | e | end the conference (asks first) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, label, tooltip=tip, id=f"conferences-{ident}", show=show)
        for key, action, label, tip, ident, show in _KEYS
    ]

    PANE_ID = "conferences"
    TITLE = "Conferences"
    PANE_KEY = "3"
    NEWEST_FIRST = True
    COLUMNS = (
        Column("state", "State", 10),
        Column("from", "From", 16),
        Column("activeMembers", "Members", 7),
        Column("flags", "Flags", 11),
        Column("audio", "Audio", 9),
        Column("createdTime", "Created", 8, clock_time),
        Column("completedTime", "Ended", 8, clock_time),
        Column("id", "Id", 26),
    )

    def __init__(self) -> None:
        super().__init__()
        self.members: dict[str, dict[str, dict[str, Any]]] = {}
        """Conference id -> member id -> member (id, call, state, mute, hold, times)."""
        self._member_cursor: dict[str, int] = {}
        self._index: ConferenceIndex | None = None
        self._recruiter: Recruiter | None = None
        self.actions = ConferenceActions(self)
        """What the keys do to conferences and members."""

    # --- the index and the API ----------------------------------------------------------------

    @property
    def index(self) -> ConferenceIndex | None:
        """The account's conference index (opened once connected)."""
        backend = self.console.backend
        if self._index is None and backend is not None:
            self._index = ConferenceIndex(index_path(backend), backend.profile.user_id)
        return self._index

    @property
    def recruiter(self) -> Recruiter:
        """Dials members in and adds existing calls."""
        if self._recruiter is None:
            self._recruiter = Recruiter(self.console, self._merge_member)
        return self._recruiter

    def on_unmount(self) -> None:
        if self._index is not None:
            self._index.close()

    async def load(self, client: Client) -> None:
        index = self.index
        if index is None:
            return
        for conference_id in index.ids():
            await self.refresh_conference(conference_id)

    async def refresh_conference(self, conference_id: str) -> None:
        """Read a conference and its members from the API; forget one the API does not know."""
        backend = self.console.backend
        sandbox = backend.sandbox if backend is not None else None
        if sandbox is not None and conference_id not in sandbox.collection("conferences"):
            # A sandbox started afresh: its earlier conferences are gone (no need to ask).
            if self.index is not None:
                self.index.forget(conference_id)
            return
        try:
            conference = await self.client.conferences.get(conference_id)
            members = [m async for m in self.client.conferences.list_members(conference_id)]
        except ApiError as exc:
            if exc.status == 404 and self.index is not None:
                self.index.forget(conference_id)
            return
        self.merge(conference_id, conference_row(conference))
        for member in members:
            self._merge_member(conference_id, member_row(member))

    # --- rows and members -------------------------------------------------------------------------

    def merge(self, conference_id: str, changes: dict[str, Any]) -> None:
        """Update a conference's row with the fields that are known (None leaves one as it
        was), remembering a conference seen for the first time."""
        self._put(conference_id, merged(self.model.get(conference_id), conference_id, changes))

    def _put(self, conference_id: str, row: dict[str, Any]) -> None:
        """Store a conference's row as `rows.conferences` built it."""
        if conference_id not in self.model and self.index is not None:
            self.index.remember(conference_id)
        self.upsert(conference_id, row)
        self._redraw(conference_id)

    def _merge_member(self, conference_id: str, member: dict[str, Any]) -> None:
        members = self.members.setdefault(conference_id, {})
        members[member["id"]] = merged_member(members.get(member["id"]), member)
        self._redraw(conference_id)

    def _redraw(self, conference_id: str) -> None:
        if conference_id == self.table.cursor_key:
            self._show_detail(conference_id)

    def show_created(self, conference_id: str) -> None:
        """Put the cursor on a conference just created here (now, or when its row arrives)."""
        self.follow(conference_id)
        self.table.move_cursor(self.model.index_of(conference_id) or 0)

    def run_guarded(self, work: Awaitable[None], *, group: str) -> None:
        """Run work in a guarded worker of this pane (`bwconsole.tui.workers`)."""
        run_guarded(self, work, group=group)

    def track(self, conference_id: str) -> None:
        """Remember a conference this console did not list yet (named by an event, or used
        by another pane) and read it from the API."""
        if conference_id not in self.model:
            self.merge(conference_id, {})
            run_guarded(self, self.refresh_conference(conference_id), group="conferences-refresh")

    def apply_event(self, live: LiveEvent) -> None:
        """A conference or member event moves its row and member (`rows.conferences`), the
        conference remembered and read once; the answer or hangup of a call being dialled
        in admits it or says why it did not join."""
        match live.event:
            case (
                ConferenceMemberEvent(
                    conference_id=str(conference_id), member_id=str(member_id)
                ) as event
            ) if conference_id and member_id:
                self.track(conference_id)
                members = self.members.setdefault(conference_id, {})
                members[member_id] = member_after_event(members.get(member_id), event)
                self._apply(conference_id, event)
            case ConferenceEvent(conference_id=str(conference_id)) as event if conference_id:
                self.track(conference_id)
                self._apply(conference_id, event)
            case ConferencePlaybackEvent(conference_id=str(conference_id)) as event if (
                conference_id
            ):
                self._apply(conference_id, event)
            case AnswerEvent(call_id=str(call_id)) if call_id in self.recruiter.pending:
                run_guarded(self, self.recruiter.answered(call_id), group="conferences-admit")
            case HangupEvent(call_id=str(call_id)) as event if call_id in self.recruiter.pending:
                self.recruiter.not_answered(call_id, event.cause)

    def _apply(self, conference_id: str, event: Event) -> None:
        row = after_event(self.model.get(conference_id), event)
        if row is not None:
            self._put(conference_id, row)

    # --- display -----------------------------------------------------------------------------------

    def _member_ids(self, conference_id: str) -> list[str]:
        return list(self.members.get(conference_id, {}))

    def describe(self, key: str, row: Row) -> RenderableType:
        text = Text()
        for label, value in (
            ("Conference", key),
            ("State", row.get("state")),
            ("From", row.get("from")),
            ("Created", clock_time(row.get("createdTime"))),
            ("Ended", clock_time(row.get("completedTime"))),
            ("Flags", row.get("flags") or "none"),
            ("Audio", row.get("audio") or "none"),
        ):
            text.append(f"{label}: ", style="bold")
            text.append(f"{'' if value is None else value}\n")
        ids = self._member_ids(key)
        text.append(f"\nMembers ({row.get('activeMembers') or 0} active)\n", style="bold")
        if not ids:
            text.append("none yet: d dials someone in, a adds a call\n", style="dim")
        marked = self._marked(key)
        for member_id in ids:
            member = self.members[key][member_id]
            active = member.get("state") == "active"
            text.append("▶ " if member_id == marked else "  ", style="bold")
            flags = flag_words(member)
            state = " ".join(filter(None, (member.get("state"), flags)))
            # Two lines a member: who (the far party's number), then the ids.
            call_id = str(member.get("call") or "").rsplit("/", 1)[-1]
            text.append(
                f"{self.party(call_id) or 'unknown party'}  {state}\n"
                f"    {member_id} · call {call_id or '?'}\n",
                style="" if active else "dim",
            )
        if ids:
            text.append("[ ] mark a member · m h r T U act on it", style="dim")
        return text

    def party(self, call_id: str) -> str:
        """The number (or SIP URI) at the other end of a member's call, from the Calls pane."""
        calls = self.console.pane("calls")
        row = calls.model.get(call_id) if call_id else None
        if row is None:
            return ""
        return str(row.get("from") if row.get("direction") == "in" else row.get("to") or "")

    def _marked(self, conference_id: str) -> str | None:
        ids = self._member_ids(conference_id)
        if not ids:
            return None
        position = self._member_cursor.get(conference_id, 0)
        return ids[max(0, min(position, len(ids) - 1))]

    # --- selection ---------------------------------------------------------------------------------

    def selected(self) -> tuple[str, Row] | None:
        """The highlighted conference (id, row); None (the user told why) when there is none."""
        key = self.table.cursor_key
        row = self.model.get(key) if key is not None else None
        if key is None or row is None:
            self.app.notify("No conference selected: press c to create one.", severity="warning")
            return None
        return key, row

    def selected_member(self) -> tuple[str, str, dict[str, Any]] | None:
        """The highlighted conference's marked member (conference id, member id, member);
        None (the user told why) when there is no conference or it has no members."""
        selected = self.selected()
        if selected is None:
            return None
        conference_id = selected[0]
        member_id = self._marked(conference_id)
        if member_id is None:
            self.app.notify(f"Conference {conference_id} has no members.", severity="warning")
            return None
        return conference_id, member_id, self.members[conference_id][member_id]

    def action_member(self, step: int) -> None:
        """Move the member mark up or down the highlighted conference's members."""
        selected = self.selected()
        if selected is None:
            return
        count = len(self._member_ids(selected[0]))
        if count:
            current = self._member_cursor.get(selected[0], 0)
            self._member_cursor[selected[0]] = max(0, min(current + step, count - 1))
            self._show_detail(selected[0])

    # --- actions: on the highlighted conference (tui/actions/conferences.py) ---------------------

    def action_create(self) -> None:
        """Ask for an owned number and create a conference from it."""
        self.actions.create()

    def action_dial(self) -> None:
        """Call a number into the highlighted conference; it joins when they answer."""
        self.actions.dial()

    def action_add_call(self) -> None:
        """Add an existing call, by id, to the highlighted conference."""
        self.actions.add_call()

    def action_mute_all(self) -> None:
        """Mute or unmute the whole highlighted conference."""
        self.actions.toggle_conference("mute", "muted", "unmuted")

    def action_hold_all(self) -> None:
        """Hold or unhold the whole highlighted conference."""
        self.actions.toggle_conference("hold", "held", "taken off hold")

    def action_speak(self, to_member: bool) -> None:
        """Speak a sentence to every member, or to the marked one."""
        self.actions.speak(to_member)

    def action_play(self, to_member: bool) -> None:
        """Play an audio file URL to every member, or to the marked one."""
        self.actions.play(to_member)

    def action_end(self) -> None:
        """End the highlighted conference for everyone (asks first)."""
        self.actions.end()

    # --- actions: on the marked member ----------------------------------------------------------

    def action_mute_member(self) -> None:
        """Mute or unmute the marked member."""
        self.actions.toggle_member("mute", "muted", "unmuted")

    def action_hold_member(self) -> None:
        """Hold or unhold the marked member."""
        self.actions.toggle_member("hold", "held", "taken off hold")

    def action_remove_member(self) -> None:
        """Remove the marked member from its conference (the call itself stays up)."""
        self.actions.remove_member()

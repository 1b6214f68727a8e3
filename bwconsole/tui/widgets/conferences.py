"""Conferences pane: the console's own index of conferences (v1 cannot list them).

One row a conference; its members are a list in the detail panel with their own
cursor (`[` and `]`), so conference keys act on the row and member keys on the
member marked `▶`. Every conference created here or named by an event is
remembered (`ConferenceIndex`) and refreshed from the API when the pane loads;
afterwards `conference` and `conference-member` events keep rows and members
current.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.api import ApiError
from bwconsole.events import (
    AnswerEvent,
    ConferenceEvent,
    ConferenceMemberEvent,
    ConferencePlaybackEvent,
    ConferenceSpeakEvent,
    HangupEvent,
)
from bwconsole.tui.conference_index import ConferenceIndex, index_path
from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column, Row
from bwconsole.tui.screens import conference_forms as forms
from bwconsole.tui.screens.conference_dial import Recruiter
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.widgets.pane import Pane

if TYPE_CHECKING:
    from bwconsole.api import Client
    from bwconsole.api.models import Conference, ConferenceMember
    from bwconsole.live import LiveEvent
    from bwconsole.tui.app import BwConsoleApp

__all__ = ["ConferencesPane"]


def _last_segment(url: str | None) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1] if url else ""


def _flags(row: Row) -> str:
    return ", ".join(label for key, label in (("mute", "muted"), ("hold", "held")) if row.get(key))


#: (key, action, label, tooltip, id suffix, shown in the footer)
_KEYS = (
    ("c", "create", "New", "Create a conference from an owned number", "create", True),
    ("d", "dial", "Dial in", "Call a number into the conference", "dial", True),
    ("a", "add_call", "Add call", "Add an existing call by id", "add-call", True),
    ("right_square_bracket", "member(1)", "Next member", "Mark the next member", "next", False),
    ("left_square_bracket", "member(-1)", "Prev member", "Mark the previous member", "prev", False),
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

    @property
    def console(self) -> BwConsoleApp:
        """The app, typed: the console's own methods (`call_api`, `backend`)."""
        return cast("BwConsoleApp", self.app)

    # --- the index and the API ----------------------------------------------------------------

    @property
    def index(self) -> ConferenceIndex | None:
        """The account's conference index (opened once connected)."""
        backend = getattr(self.app, "backend", None)
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
        self._merge(conference_id, self._conference_row(conference))
        for member in members:
            self._merge_member(conference_id, self._member_row(member))

    @staticmethod
    def _conference_row(conference: Conference) -> dict[str, Any]:
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

    @staticmethod
    def _member_row(member: ConferenceMember) -> dict[str, Any]:
        return {
            "id": member.id,
            "call": _last_segment(member.call),
            "state": member.state,
            "mute": member.mute,
            "hold": member.hold,
            "addedTime": member.added_time,
            "removedTime": member.removed_time,
        }

    # --- rows and members -------------------------------------------------------------------------

    def _merge(self, conference_id: str, changes: dict[str, Any]) -> None:
        if conference_id not in self.model and self.index is not None:
            self.index.remember(conference_id)
        row = dict(self.model.get(conference_id) or {"id": conference_id})
        row.update({key: value for key, value in changes.items() if value is not None})
        row["flags"] = _flags(row)
        self.upsert(conference_id, row)
        self._redraw(conference_id)

    def _merge_member(self, conference_id: str, member: dict[str, Any]) -> None:
        members = self.members.setdefault(conference_id, {})
        current = members.setdefault(member["id"], {})
        current.update({key: value for key, value in member.items() if value is not None})
        self._redraw(conference_id)

    def _redraw(self, conference_id: str) -> None:
        if conference_id == self.table.cursor_key:
            self._show_detail(conference_id)

    def track(self, conference_id: str) -> None:
        """Remember a conference this console did not list yet (named by an event, or used
        by another pane) and read it from the API."""
        if conference_id not in self.model:
            self._merge(conference_id, {})
            self.run_worker(self.refresh_conference(conference_id), group="conferences-refresh")

    def apply_event(self, live: LiveEvent) -> None:
        event = live.event
        if isinstance(event, ConferenceEvent) and event.conference_id:
            self.track(event.conference_id)
            self._merge(
                event.conference_id,
                {
                    "state": event.status,
                    "createdTime": event.created_time,
                    "completedTime": event.completed_time,
                    "audio": "" if event.status == "completed" else None,
                },
            )
        elif isinstance(event, ConferenceMemberEvent) and event.conference_id and event.member_id:
            self.track(event.conference_id)
            member: dict[str, Any] = {
                "id": event.member_id,
                "call": event.call_id,
                "state": event.state,
                "mute": event.mute,
                "hold": event.hold,
            }
            key = "addedTime" if event.state == "active" else "removedTime"
            member[key] = event.time
            self._merge_member(event.conference_id, member)
            changes: dict[str, Any] = {"activeMembers": event.active_members}
            if (
                event.state == "active"
                and (self.model.get(event.conference_id) or {}).get("state") != "completed"
            ):
                changes["state"] = "active"
            self._merge(event.conference_id, changes)
        elif isinstance(event, ConferencePlaybackEvent) and event.conference_id:
            kind = "speaking" if isinstance(event, ConferenceSpeakEvent) else "playing"
            self._merge(event.conference_id, {"audio": kind if event.status == "started" else ""})
        elif isinstance(event, AnswerEvent) and event.call_id in self.recruiter.pending:
            self.run_worker(self.recruiter.answered(event.call_id), group="conferences-admit")
        elif isinstance(event, HangupEvent) and event.call_id in self.recruiter.pending:
            self.recruiter.not_answered(event.call_id, event.cause)

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
            flags = _flags(member)
            state = " ".join(filter(None, (member.get("state"), flags)))
            # Two lines a member: ids are long and the detail panel is narrow.
            text.append(
                f"{member_id}  {state}\n    call {member.get('call') or '?'}\n",
                style="" if active else "dim",
            )
        if ids:
            text.append("[ ] mark a member · m h r T U act on it", style="dim")
        return text

    def _marked(self, conference_id: str) -> str | None:
        ids = self._member_ids(conference_id)
        if not ids:
            return None
        position = self._member_cursor.get(conference_id, 0)
        return ids[max(0, min(position, len(ids) - 1))]

    # --- selection ---------------------------------------------------------------------------------

    def _conference(self) -> tuple[str, Row] | None:
        key = self.table.cursor_key
        row = self.model.get(key) if key is not None else None
        if key is None or row is None:
            self.app.notify("No conference selected: press c to create one.", severity="warning")
            return None
        return key, row

    def _member(self) -> tuple[str, str, dict[str, Any]] | None:
        selected = self._conference()
        if selected is None:
            return None
        conference_id = selected[0]
        member_id = self._marked(conference_id)
        if member_id is None:
            self.app.notify(f"Conference {conference_id} has no members.", severity="warning")
            return None
        return conference_id, member_id, self.members[conference_id][member_id]

    def _act(self, request: Callable[[], Awaitable[Any]], done: str) -> None:
        """Run one API request in the background; say `done` when it worked."""

        async def run() -> None:
            if await self.console.call_api(_succeeded(request())) is not None:
                self.app.notify(done, timeout=3, markup=False)

        self.run_worker(run(), group="conferences-action")

    def _relay_url(self) -> str | None:
        from bwconsole.callback_setup import CallbackSetupError, relay_callback_url

        backend = self.console.backend
        if backend is None:
            return None
        try:
            return relay_callback_url(backend.profile)
        except CallbackSetupError:
            return None

    # --- actions: conferences ------------------------------------------------------------------

    def action_member(self, step: int) -> None:
        """Move the member mark up or down the highlighted conference's members."""
        selected = self._conference()
        if selected is None:
            return
        count = len(self._member_ids(selected[0]))
        if count:
            current = self._member_cursor.get(selected[0], 0)
            self._member_cursor[selected[0]] = max(0, min(current + step, count - 1))
            self._show_detail(selected[0])

    def action_create(self) -> None:
        """Ask for an owned number and create a conference from it."""
        self.run_worker(self._create(), group="conferences-create")

    async def _create(self) -> None:
        number = await self.console.call_api(self._first_number())
        values = await self.app.push_screen_wait(forms.create_form(number or ""))
        if values is None:
            return
        conference_id = await self.console.call_api(
            self.client.conferences.create(from_=values["from"], callback_url=self._relay_url())
        )
        if conference_id is None:
            return
        self._merge(conference_id, {"state": "created", "from": values["from"]})
        self.table.move_cursor(self.model.index_of(conference_id) or 0)
        self.app.notify(
            f"Conference {conference_id} created: press d to dial someone in.", markup=False
        )
        await self.refresh_conference(conference_id)

    async def _first_number(self) -> str:
        """An owned number to offer (only the first page is read, however many there are)."""
        async for number in self.client.phone_numbers.list():
            if number.number:
                return number.number
        return ""

    def action_dial(self) -> None:
        """Call a number into the highlighted conference; it joins when they answer."""
        selected = self._conference()
        if selected is not None:
            conference_id, row = selected
            dial = self.recruiter.dial(conference_id, str(row.get("from") or ""), self._relay_url())
            self.run_worker(dial, group="conferences-dial")

    def action_add_call(self) -> None:
        """Add an existing call, by id, to the highlighted conference."""
        selected = self._conference()
        if selected is not None:
            self.run_worker(self.recruiter.add_call(selected[0]), group="conferences-add")

    def action_mute_all(self) -> None:
        """Mute or unmute the whole highlighted conference."""
        self._toggle_conference("mute", "muted", "unmuted")

    def action_hold_all(self) -> None:
        """Hold or unhold the whole highlighted conference."""
        self._toggle_conference("hold", "held", "taken off hold")

    def _toggle_conference(self, flag: str, on: str, off: str) -> None:
        selected = self._conference()
        if selected is None:
            return
        conference_id, row = selected
        value = not row.get(flag)

        async def change() -> None:
            mute, hold = _flag(flag, value)
            await self.client.conferences.update(conference_id, mute=mute, hold=hold)
            self._merge(conference_id, {flag: value})  # no event reports this change

        self._act(change, f"Conference {conference_id} {on if value else off}.")

    def action_speak(self, to_member: bool) -> None:
        """Speak a sentence to every member, or to the marked one."""
        self._audio(to_member, forms.speak_form, "sentence", "Speaking")

    def action_play(self, to_member: bool) -> None:
        """Play an audio file URL to every member, or to the marked one."""
        self._audio(to_member, forms.play_form, "url", "Playing")

    def _audio(self, to_member: bool, form: Callable[[str], Any], field: str, doing: str) -> None:
        target = self._member() if to_member else self._conference()
        if target is None:
            return
        conference_id: str = target[0]
        member_id: str | None = str(target[1]) if to_member else None
        label = f"member {member_id}" if member_id else f"everyone in {conference_id}"

        async def ask() -> None:
            values = await self.app.push_screen_wait(form(label))
            if values is None:
                return
            sentence, url = values.get("sentence"), values.get("url")
            conferences = self.client.conferences
            if member_id is not None:
                request = conferences.play_audio_to_member(
                    conference_id, member_id, sentence=sentence, file_url=url
                )
            else:
                request = conferences.play_audio(conference_id, sentence=sentence, file_url=url)
            if await self.console.call_api(_succeeded(request)) is not None:
                self.app.notify(f"{doing} to {label}.", timeout=3, markup=False)

        self.run_worker(ask(), group="conferences-audio")

    def action_end(self) -> None:
        """End the highlighted conference for everyone (asks first)."""
        selected = self._conference()
        if selected is not None:
            self.run_worker(self._end(selected[0]), group="conferences-end")

    async def _end(self, conference_id: str) -> None:
        question = f"End conference {conference_id}? Every member is removed from it."
        if not await self.app.push_screen_wait(ConfirmScreen(question)):
            return
        if await self.console.call_api(
            _succeeded(self.client.conferences.update(conference_id, state="completed"))
        ):
            self.app.notify(f"Conference {conference_id} ended.", timeout=3, markup=False)

    # --- actions: the marked member -------------------------------------------------------------

    def action_mute_member(self) -> None:
        """Mute or unmute the marked member."""
        self._toggle_member("mute", "muted", "unmuted")

    def action_hold_member(self) -> None:
        """Hold or unhold the marked member."""
        self._toggle_member("hold", "held", "taken off hold")

    def _toggle_member(self, flag: str, on: str, off: str) -> None:
        selected = self._member()
        if selected is None:
            return
        conference_id, member_id, member = selected
        value = not member.get(flag)
        mute, hold = _flag(flag, value)
        self._act(
            lambda: self.client.conferences.update_member(
                conference_id, member_id, mute=mute, hold=hold
            ),
            f"Member {member_id} {on if value else off}.",
        )

    def action_remove_member(self) -> None:
        """Remove the marked member from its conference (the call itself stays up)."""
        selected = self._member()
        if selected is None:
            return
        conference_id, member_id, _ = selected
        self._act(
            lambda: self.client.conferences.update_member(
                conference_id, member_id, state="completed"
            ),
            f"Member {member_id} removed from conference {conference_id}.",
        )


async def _succeeded(request: Awaitable[Any]) -> bool:
    """Await a request that returns nothing; True once it worked (None means it failed)."""
    await request
    return True


def _flag(flag: str, value: bool) -> tuple[bool | None, bool | None]:
    """(mute, hold) for the update calls: the one toggled gets `value`, the other stays."""
    return (value, None) if flag == "mute" else (None, value)

"""What the user does to conferences from the Conferences pane: create, dial in, add a
call, mute/hold (everyone or one member), remove a member, speak/play and end.

`ConferencesPane` keeps the rows, the members and the key bindings; each of its
`action_*` methods hands over to the pane's `ConferenceActions`, which takes the
highlighted conference (or its marked member) from the `ConferenceRows` the pane
is, asks for what it needs (a form, a yes) and makes the request through the
`Console` (a failure is told in words), and says what it did. The events that
follow keep the rows current.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from bwconsole.tui.actions import conference_forms as forms
from bwconsole.tui.rows.calls import FINAL_STATES

if TYPE_CHECKING:
    from bwconsole.api import Client
    from bwconsole.tui.actions.recruiting import Recruiter
    from bwconsole.tui.console import Console
    from bwconsole.tui.forms import Form
    from bwconsole.tui.model import Row

__all__ = ["ConferenceActions", "ConferenceRows"]


class ConferenceRows(Protocol):
    """What the conference actions read and update: the Conferences pane's rows and members."""

    @property
    def console(self) -> Console:
        """The console the pane runs in."""
        ...

    @property
    def recruiter(self) -> Recruiter:
        """Dials members in and adds existing calls."""
        ...

    members: dict[str, dict[str, dict[str, Any]]]
    """Conference id -> member id -> member."""

    def selected(self) -> tuple[str, Row] | None:
        """The highlighted conference (the user told why when there is none)."""
        ...

    def selected_member(self) -> tuple[str, str, dict[str, Any]] | None:
        """The highlighted conference's marked member (conference id, member id, member)."""
        ...

    def merge(self, conference_id: str, changes: dict[str, Any]) -> None:
        """Update a conference's row with the fields that are known."""
        ...

    def show_created(self, conference_id: str) -> None:
        """Put the cursor on a conference just created here."""
        ...

    async def refresh_conference(self, conference_id: str) -> None:
        """Read a conference and its members from the API."""
        ...

    def party(self, call_id: str) -> str:
        """The number at the other end of a member's call."""
        ...

    def run_guarded(self, work: Awaitable[None], *, group: str) -> None:
        """Run work in the background, a failure told in words."""
        ...


class ConferenceActions:
    """The Conferences pane's actions, one set per pane.

    Args:
        pane: the pane whose selection the actions read and whose rows they update.
    """

    def __init__(self, pane: ConferenceRows) -> None:
        self.pane = pane

    @property
    def console(self) -> Console:
        """The console (asking, requests, notices, the account)."""
        return self.pane.console

    @property
    def client(self) -> Client:
        """The connected account's API client."""
        return self.console.client

    # --- running an action ----------------------------------------------------------------------

    def _act(self, request: Callable[[], Awaitable[Any]], done: str) -> None:
        """Run one API request in the background; say `done` when it worked."""

        async def run() -> None:
            if await self.console.call_api(_succeeded(request())) is not None:
                self.console.notify(done, timeout=3, markup=False)

        self.pane.run_guarded(run(), group="conferences-action")

    # --- conferences ----------------------------------------------------------------------------

    def create(self) -> None:
        """Ask for an owned number and create a conference from it."""
        self.pane.run_guarded(self._create(), group="conferences-create")

    async def _create(self) -> None:
        pane = self.pane
        number = await self.console.call_api(self._first_number())
        values = await self.console.fill(forms.create_form(number or ""))
        if values is None:
            return
        conference_id = await self.console.call_api(
            self.client.conferences.create(
                from_=values["from"], callback_url=self.console.relay_callback_url
            )
        )
        if conference_id is None:
            return
        pane.merge(conference_id, {"state": "created", "from": values["from"]})
        pane.show_created(conference_id)
        self.console.notify(
            f"Conference {conference_id} created: press d to dial someone in.", markup=False
        )
        await pane.refresh_conference(conference_id)

    async def _first_number(self) -> str:
        """An owned number to offer (only the first page is read, however many there are)."""
        async for number in self.client.phone_numbers.list():
            if number.number:
                return number.number
        return ""

    def dial(self) -> None:
        """Call a number into the highlighted conference; it joins when they answer."""
        selected = self.pane.selected()
        if selected is not None:
            conference_id, row = selected
            self.pane.run_guarded(
                self._dial(conference_id, str(row.get("from") or "")),
                group="conferences-dial",
            )

    async def _dial(self, conference_id: str, known_from: str) -> None:
        # A row made from the `created` event has no caller id until the pane's refresh
        # reads the conference back: read it now so the form offers the conference's number.
        default_from = known_from
        if not default_from:
            conference = await self.console.call_api(self.client.conferences.get(conference_id))
            default_from = (conference.from_ if conference is not None else "") or ""
        await self.pane.recruiter.dial(conference_id, default_from, self.console.relay_callback_url)

    def add_call(self) -> None:
        """Add an answered call dialled for the highlighted conference (picked from a list)."""
        selected = self.pane.selected()
        if selected is not None:
            conference_id = selected[0]
            members = {
                str(m.get("call") or "").rsplit("/", 1)[-1]
                for m in self.pane.members.get(conference_id, {}).values()
                if m.get("state") == "active"
            }
            adding = self.pane.recruiter.add_call(conference_id, members)
            self.pane.run_guarded(adding, group="conferences-add")

    def toggle_conference(self, flag: str, on: str, off: str) -> None:
        """Switch `flag` (mute or hold) of the whole highlighted conference; say `on`/`off`."""
        selected = self.pane.selected()
        if selected is None:
            return
        conference_id, row = selected
        value = not row.get(flag)

        async def change() -> None:
            mute, hold = _flag(flag, value)
            await self.client.conferences.update(conference_id, mute=mute, hold=hold)
            self.pane.merge(conference_id, {flag: value})  # no event reports this change

        self._act(change, f"Conference {conference_id} {on if value else off}.")

    def speak(self, to_member: bool) -> None:
        """Speak a sentence to every member, or to the marked one."""
        self._audio(to_member, forms.speak_form, "Speaking")

    def play(self, to_member: bool) -> None:
        """Play an audio file URL to every member, or to the marked one."""
        self._audio(to_member, forms.play_form, "Playing")

    def _audio(self, to_member: bool, form: Callable[[str], Form], doing: str) -> None:
        pane = self.pane
        target = pane.selected_member() if to_member else pane.selected()
        if target is None:
            return
        conference_id: str = target[0]
        member_id: str | None = str(target[1]) if to_member else None
        label = f"member {member_id}" if member_id else f"everyone in {conference_id}"

        async def ask() -> None:
            values = await self.console.fill(form(label))
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
                self.console.notify(f"{doing} to {label}.", timeout=3, markup=False)

        pane.run_guarded(ask(), group="conferences-audio")

    def end(self) -> None:
        """End the highlighted conference for everyone (asks first)."""
        selected = self.pane.selected()
        if selected is not None:
            self.pane.run_guarded(self._end(selected[0]), group="conferences-end")

    async def _end(self, conference_id: str) -> None:
        question = f"End conference {conference_id}? Every member is removed from it."
        if not await self.console.confirm(question):
            return
        members = self.pane.members.get(conference_id, {}).values()
        calls = [str(m["call"]) for m in members if m.get("state") == "active" and m.get("call")]
        if await self.console.call_api(
            _succeeded(self.client.conferences.update(conference_id, state="completed"))
        ):
            self.console.notify(f"Conference {conference_id} ended.", timeout=3, markup=False)
            await self._offer_hang_up(conference_id, calls)

    async def _offer_hang_up(self, conference_id: str, call_ids: list[str]) -> None:
        """Say that the calls of members who left are still up, and hang them up on a yes.

        The v1 docs only take the member out of the conference; the sandbox, like the API,
        leaves its call connected (docs/sandbox.md), so it would go on silently (and cost)."""
        calls = self.console.pane("calls")
        up = [
            call_id
            for call_id in call_ids
            if (calls.model.get(call_id) or {}).get("state") not in FINAL_STATES
        ]
        if not up:
            return
        for call_id in up:
            self.console.note_call(
                call_id, f"left conference {conference_id}; the call is still up"
            )
        parties = ", ".join(self.pane.party(call_id) or call_id for call_id in up)
        question = (
            f"The call{'s' if len(up) > 1 else ''} of {parties} ({', '.join(up)}) "
            f"{'are' if len(up) > 1 else 'is'} still up: leaving a conference does not "
            "end a call. Hang up?"
        )
        if not await self.console.confirm(question, title="Hang up"):
            return
        for call_id in up:
            if await self.console.call_api(_succeeded(self.client.calls.hang_up(call_id))):
                self.console.note_call(call_id, "hang-up requested")

    # --- the marked member ----------------------------------------------------------------------

    def toggle_member(self, flag: str, on: str, off: str) -> None:
        """Switch `flag` (mute or hold) of the marked member; say `on`/`off`."""
        selected = self.pane.selected_member()
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

    def remove_member(self) -> None:
        """Remove the marked member from its conference, after a yes (as hang-up and end ask)."""
        selected = self.pane.selected_member()
        if selected is None:
            return
        conference_id, member_id, member = selected
        call_id = str(member.get("call") or "")
        self.pane.run_guarded(
            self._remove(conference_id, member_id, call_id), group="conferences-remove"
        )

    async def _remove(self, conference_id: str, member_id: str, call_id: str) -> None:
        question = f"Remove member {member_id} from conference {conference_id}?"
        if not await self.console.confirm(question):
            return
        remove = self.client.conferences.update_member(conference_id, member_id, state="completed")
        if await self.console.call_api(_succeeded(remove)) is None:
            return
        self.console.notify(
            f"Member {member_id} removed from conference {conference_id}.",
            timeout=3,
            markup=False,
        )
        await self._offer_hang_up(conference_id, [call_id] if call_id else [])


async def _succeeded(request: Awaitable[Any]) -> bool:
    """Await a request that returns nothing; True once it worked (None means it failed)."""
    await request
    return True


def _flag(flag: str, value: bool) -> tuple[bool | None, bool | None]:
    """(mute, hold) for the update calls: the one toggled gets `value`, the other stays."""
    return (value, None) if flag == "mute" else (None, value)

"""What the user does to calls from the Calls pane: dial, answer, reject, hang up, transfer,
bridge, speak/play/stop, keypad tones, gather, recording and conference.

`CallsPane` keeps the rows and the key bindings; each of its `action_*` methods hands
the highlighted call to the pane's `CallActions`, which asks for what it needs (a form,
a yes) and makes the request through the `Console` (a failure is told in words), and
notes what it did on the call's row through the `CallRows` the pane is. The events
that follow move the row along.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from bwconsole.tui.actions.call_forms import (
    dial_form,
    gather_form,
    play_form,
    speak_form,
    transfer_form,
)
from bwconsole.tui.rows.calls import FINAL_STATES

if TYPE_CHECKING:
    from bwconsole.api import Client
    from bwconsole.tui.console import Console
    from bwconsole.tui.model import TableModel

__all__ = ["CallActions", "CallRows"]

SOURCE_LIMIT = 200
"""How many numbers (and endpoints per domain) the dial form offers to call from."""
CONFERENCE_NEEDS_ID = (
    "This call was not dialled for a conference, and in v1 only such a call can join one. "
    "Dial the party again with d, filling in Conference id (or use d in the Conferences "
    "pane), then press c on the new call once it is answered."
)

CallWork = Callable[[str], Coroutine[Any, Any, None]]
"""An action on one call, by id."""


class CallRows(Protocol):
    """What the call actions read and note on: the Calls pane's rows (call id -> row)."""

    @property
    def console(self) -> Console:
        """The console the pane runs in."""
        ...

    @property
    def model(self) -> TableModel:
        """The calls' rows."""
        ...

    @property
    def highlighted(self) -> str | None:
        """The id of the call under the cursor."""
        ...

    started_here: set[str]
    """Calls placed in this session (their failures are told)."""

    def update_call(self, call_id: str, **fields: Any) -> dict[str, Any]:
        """Merge fields into a call's row (creating it)."""
        ...

    def note(self, call_id: str, text: str) -> None:
        """Add a line to what happened on a call."""
        ...

    def state_or(self, call_id: str, default: str) -> str:
        """A call's state, or `default` while it has none."""
        ...

    def highlight(self, call_id: str) -> None:
        """Move the cursor to a call."""
        ...

    def fetch(self, call_id: str) -> None:
        """Read a call from the API, once, and add it."""
        ...

    def run_guarded(self, work: Awaitable[None], *, group: str) -> None:
        """Run work in the background, a failure told in words."""
        ...


class CallActions:
    """The Calls pane's actions: one per pane, holding the call marked for bridging.

    Args:
        pane: the rows the actions read and note on.
    """

    def __init__(self, pane: CallRows) -> None:
        self.pane = pane
        self.marked: str | None = None
        """The call marked with b, waiting for a second call to bridge it with."""

    @property
    def console(self) -> Console:
        """The console (asking, requests, notices, the account)."""
        return self.pane.console

    @property
    def client(self) -> Client:
        """The connected account's API client."""
        return self.console.client

    # --- running an action ----------------------------------------------------------------------

    def on_selected(self, work: CallWork, *, live: bool = True) -> None:
        """Run `work` on the highlighted call; say why not when there is none (or it ended)."""
        if (call_id := self.selected(live=live)) is not None:
            self.start(work(call_id))

    def selected(self, *, live: bool = True) -> str | None:
        """The highlighted call's id; None (the user told why) when there is none or it ended."""
        pane = self.pane
        key = pane.highlighted
        row = pane.model.get(key) if key is not None else None
        if key is None or row is None:
            self.console.notify("No call selected: dial one with d.", severity="warning")
            return None
        if live and row.get("state") in FINAL_STATES:
            ended = row.get("cause") or row.get("state")
            self.console.notify(f"That call has ended ({ended}).", severity="warning")
            return None
        return key

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        """Run an action in the background, once the account is connected."""
        if self.console.backend is None:
            work.close()
            self.console.notify(
                "Not connected to the account yet; try again in a moment.", severity="warning"
            )
            return
        self.pane.run_guarded(work, group="call-action")

    def _request(self, request: Awaitable[object]) -> Awaitable[bool | None]:
        """Run a request through the console: True when it succeeded, None when the user
        was already told why it failed."""

        async def done() -> bool:
            await request
            return True

        return self.console.call_api(done())

    # --- placing and answering --------------------------------------------------------------------

    def dial(self, *, caller: str | None = None, to: str = "") -> None:
        """Open the dial form, optionally pre-filled, and place the call."""
        if caller and "@" in caller and not caller.startswith("sip:"):
            caller = f"sip:{caller}"  # endpoints list their sipUri without the scheme
        self.start(self.place(caller, to))

    async def answer(self, call_id: str) -> None:
        """Answer a ringing inbound call."""
        row = self.pane.model.get(call_id) or {}
        if row.get("state") == "active":
            self.console.notify("That call is already answered.", severity="warning")
            return
        if await self._request(self.client.calls.answer(call_id)):
            self.pane.note(call_id, "answer requested")

    async def reject(self, call_id: str) -> None:
        """Refuse a ringing inbound call."""
        if await self._request(self.client.calls.reject(call_id)):
            self.pane.note(call_id, "reject requested")

    async def _sources(self) -> list[tuple[str, str]]:
        """What a call can come from: the account's numbers, then its SIP endpoints."""
        api = self.console.call_api
        numbers = await api(self.client.phone_numbers.list(size=SOURCE_LIMIT).collect(SOURCE_LIMIT))
        sources = [
            (f"{number.number}  {number.name or ''}".rstrip(), number.number)
            for number in numbers or ()
            if number.number
        ]
        for domain in await api(self.client.domains.list().collect()) or ():
            endpoints = await api(self.client.endpoints.list(domain.id or "").collect(SOURCE_LIMIT))
            for endpoint in endpoints or ():
                if endpoint.sip_uri:
                    uri = endpoint.sip_uri
                    uri = uri if uri.startswith("sip:") else f"sip:{uri}"
                    sources.append((f"{uri}  ({endpoint.name or 'endpoint'})", uri))
        return sources

    async def place(self, caller: str | None, to: str) -> None:
        """Ask where from and to (the dial form), then place the call and give it its row."""
        sources = await self._sources()
        if not sources:
            self.console.notify(
                "Nothing to call from: the account has no numbers or SIP endpoints.",
                severity="warning",
            )
            return
        values = await self.console.fill(dial_form(sources, caller=caller, to=to))
        if values is None:
            return
        conference = values["conference"] or None
        call_id = await self.console.call_api(
            self.client.calls.create(
                from_=values["from"],
                to=values["to"],
                call_timeout=int(values["timeout"]) if values["timeout"] else None,
                callback_url=self.console.relay_callback_url,
                conference_id=conference,
            )
        )
        if call_id is None:
            return
        self.track_dialed(call_id, values["from"], values["to"], conference)
        self.pane.highlight(call_id)

    def track_dialed(
        self, call_id: str, caller: str, to: str, conference: str | None = None
    ) -> None:
        """Give a call this console just created its row before its first event arrives
        (dialed here or from another pane: an endpoint's "Call from")."""
        pane = self.pane
        pane.update_call(
            call_id,
            state=pane.state_or(call_id, "started"),
            direction="out",
            startTime=time.time(),
            conferenceId=conference,
            **{"from": caller, "to": to},
        )
        pane.note(call_id, f"dialed {to} from {caller}")
        pane.started_here.add(call_id)  # its failure is told (busy, no answer, unallocated…)
        pane.fetch(call_id)

    # --- acting on a call -------------------------------------------------------------------------

    async def hang_up(self, call_id: str) -> None:
        """End a call, after a yes."""
        row = self.pane.model.get(call_id) or {}
        question = f"Hang up the call {row.get('from')} -> {row.get('to')}?"
        if not await self.console.confirm(question, title="Hang up"):
            return
        if await self._request(self.client.calls.hang_up(call_id)):
            self.pane.note(call_id, "hang-up requested")

    async def transfer(self, call_id: str) -> None:
        """Blind-transfer a call (caller id and whisper optional); the new leg gets a row."""
        pane = self.pane
        values = await self.console.fill(transfer_form())
        if values is None:
            return
        whisper = {"sentence": values["whisper"]} if values["whisper"] else None

        async def transfer() -> str:
            leg = await self.client.calls.transfer(
                call_id,
                transfer_to=values["to"],
                transfer_caller_id=values["caller_id"] or None,
                whisper_audio=whisper,
                callback_url=self.console.relay_callback_url,
            )
            return leg or ""

        leg = await self.console.call_api(transfer())
        if leg is None:
            return
        pane.note(call_id, f"transferring to {values['to']}" + (f" (new leg {leg})" if leg else ""))
        if leg:
            pane.update_call(
                leg,
                state=pane.state_or(leg, "started"),
                direction="out",
                startTime=time.time(),
                to=values["to"],
            )
            pane.note(leg, f"transfer leg of {call_id}")
            pane.fetch(leg)

    def bridge(self) -> None:
        """Mark the highlighted call; on a second call, bridge the two (b again unmarks)."""
        call_id = self.selected()
        if call_id is None:
            return
        pane = self.pane
        marked = self.marked if self.marked in pane.model else None
        if marked == call_id:
            self.marked = None
            pane.update_call(call_id, mark="")
            self.console.notify("Bridge mark removed.", timeout=3)
        elif marked is None:
            self.marked = call_id
            pane.update_call(call_id, mark="*")
            self.console.notify("Marked. Highlight another call and press b to bridge the two.")
        else:
            self.start(self.bridge_calls(marked, call_id))

    async def bridge_calls(self, first: str, second: str) -> None:
        """Bridge two calls (audio both ways) and note it on both rows."""
        bridge_id = await self.console.call_api(
            self.client.bridges.create(call_ids=[first, second], bridge_audio=True)
        )
        if bridge_id is None:
            return
        self.marked = None
        for call_id, other in ((first, second), (second, first)):
            self.pane.update_call(call_id, mark="", bridgeId=bridge_id)
            self.pane.note(call_id, f"bridged with {other} ({bridge_id})")

    async def speak(self, call_id: str) -> None:
        """Speak a sentence into a call."""
        values = await self.console.fill(speak_form())
        if values is None:
            return
        if await self._request(self.client.calls.play_audio(call_id, sentence=values["sentence"])):
            self.pane.update_call(call_id, speak_on=True)
            self.pane.note(call_id, f"speak: {values['sentence']}")

    async def play(self, call_id: str) -> None:
        """Play an audio URL or one of the account's media files into a call."""
        files = await self.console.call_api(self.client.media.list().collect()) or []
        media = [(f.media_name or "?", f.content) for f in files if f.content]
        values = await self.console.fill(play_form(media))
        if values is None:
            return
        url = values["url"] or values["media"]
        if await self._request(self.client.calls.play_audio(call_id, file_url=url)):
            self.pane.update_call(call_id, playback_on=True)
            self.pane.note(call_id, f"play: {url}")

    async def stop_audio(self, call_id: str) -> None:
        """Stop what is playing on a call; with nothing playing, say so and send nothing."""
        row = self.pane.model.get(call_id) or {}
        if not (row.get("speak_on") or row.get("playback_on")):
            self.console.notify("Nothing is playing on this call.", severity="warning")
            return
        if await self._request(self.client.calls.stop_audio(call_id)):
            self.pane.note(call_id, "playback stop requested")

    async def send_tones(self, call_id: str, tones: str) -> bool:
        """Send keypad tones into a call (the pane's keypad screen calls this); True
        when they went."""
        if self.console.backend is None:
            return False
        if await self._request(self.client.calls.send_dtmf(call_id, tones)):
            self.pane.note(call_id, f"sent dtmf {tones}")
            return True
        return False

    async def gather(self, call_id: str) -> None:
        """Start collecting digits on a call (the gather event shows them)."""
        values = await self.console.fill(gather_form())
        if values is None:
            return
        max_digits = int(values["max_digits"]) if values["max_digits"] else None
        gather_id = await self.console.call_api(
            self.client.calls.create_gather(
                call_id,
                max_digits=max_digits,
                terminating_digits=values["terminating"],
                inter_digit_timeout=int(values["inter_digit"]) if values["inter_digit"] else None,
            )
        )
        if gather_id is not None:
            self.pane.update_call(call_id, digits="")
            limit = f"up to {max_digits} digits" if max_digits else "digits"
            self.pane.note(call_id, f"gathering {limit}, ending with {values['terminating']}")

    async def toggle_recording(self, call_id: str) -> None:
        """Switch a call's recording on when it is off, off when it is on."""
        want = not (self.pane.model.get(call_id) or {}).get("recordingEnabled")
        if await self._request(self.client.calls.update(call_id, recording_enabled=want)):
            self.pane.update_call(call_id, recordingEnabled=want)
            self.pane.note(call_id, "recording switched on" if want else "recording switched off")

    async def conference(self, call_id: str) -> None:
        """Join a call to the conference it was dialled for.

        In v1 a member must be a call created with the conference's id, so a call
        dialled without one cannot join any conference: that is said at once, and no
        conference is created for nothing.
        """
        pane = self.pane
        row = pane.model.get(call_id) or {}
        conference_id = row.get("conferenceId")
        if not conference_id:
            self.console.notify(
                CONFERENCE_NEEDS_ID, title="Conference", severity="warning", timeout=12
            )
            return
        member = await self.console.call_api(
            self.client.conferences.add_member(conference_id, call_id=call_id)
        )
        if member is None:
            return  # the API's refusal was shown in words
        pane.update_call(call_id, conferenceId=conference_id)
        pane.note(call_id, f"joined conference {conference_id} as member {member}")

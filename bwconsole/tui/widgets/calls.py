"""Calls pane: live and recent calls, kept current from call events, and every call action.

Recent calls are listed once (newest first, page by page); from then on the
relay's events move each row along (ringing -> active with a running timer ->
completed or rejected with its cause) and note what happened on the call in
its detail. A call first seen in an event (an inbound call, a transfer leg, a
call placed elsewhere) is fetched once and added. An inbound call raises a
notification wherever the user is.

| Key | Action |
|---|---|
| d | dial (from an owned number or SIP endpoint) |
| a / r | answer / reject the ringing call |
| h | hang up (after a yes) |
| t | blind transfer (caller id, whisper) |
| b | mark a call; b on another bridges the two |
| k / l / x | speak a sentence / play a URL or media file / stop |
| n | DTMF keypad |
| g | gather digits (shown when the gather event arrives) |
| R | recording on/off |
| c | add to a conference |

One module on purpose: the rows, the events that move them and the actions
that start them share the row format and its merge rule.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Coroutine, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column, Row
from bwconsole.tui.screens.call_dialogs import (
    conference_form,
    dial_form,
    gather_form,
    play_form,
    speak_form,
    transfer_form,
)
from bwconsole.tui.screens.call_incoming import IncomingCallScreen, IncomingChoice
from bwconsole.tui.screens.call_keypad import KeypadScreen
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.widgets.pane import Pane

if TYPE_CHECKING:
    from bwconsole.api import Call, Client
    from bwconsole.live import LiveEvent
    from bwconsole.tui.app import BwConsoleApp

__all__ = ["CallsPane", "call_row"]

RECENT_LIMIT = 1000
"""How many past calls the first load lists (newest first); later ones arrive as events."""
MAX_NOTES = 30
"""What happened on a call, kept for its detail (the oldest notes drop off)."""
FINAL_STATES = frozenset({"completed", "rejected", "error"})
REJECT_CAUSES = frozenset({"USER_BUSY", "CALL_REJECTED"})
FETCH_CONCURRENCY = 4
"""Calls first seen in events fetched at the same time (the rest wait their turn)."""
SOURCE_LIMIT = 200
"""How many numbers (and endpoints per domain) the dial form offers to call from."""
CONFERENCE_REFUSED = (
    "The API refused to add this call to the conference. In v1 a conference member must be a "
    "call created with that conference's id: dial the party again with d and fill in "
    "Conference id, then press c on the new call once it is answered."
)


def _epoch(value: Any) -> float | None:
    """A moment as epoch seconds (API text, datetime or a number); None when absent or odd."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return value.timestamp()
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _duration(seconds: Any) -> str:
    if seconds is None or seconds == "":
        return ""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def call_row(call: Call) -> dict[str, Any]:
    """The row of a call as the API reports it."""
    active_at = _epoch(call.active_time)
    end_at = _epoch(call.end_time)
    duration = end_at - active_at if active_at is not None and end_at is not None else None
    return {
        "id": call.id,
        "state": call.state or "",
        "direction": call.direction or "",
        "from": call.from_ or "",
        "to": call.to or "",
        "startTime": _epoch(call.start_time),
        "activeAt": active_at,
        "endAt": end_at,
        "duration": max(0.0, duration) if duration is not None else None,
        "bridgeId": call.bridge_id,
        "conferenceId": call.conference_id,
        "recordingEnabled": bool(call.recording_enabled),
    }


def _rank(state: Any) -> int:
    if state in FINAL_STATES:
        return 2
    return 1 if state in ("active", "transferring") else 0


def _merge(old: Row | None, new: Mapping[str, Any]) -> dict[str, Any]:
    """Combine what is known of a call: fresh fields win, but a call never moves back
    (ended -> active, active -> ringing): a listing or a fetch can be older than an
    event already applied."""
    merged = dict(old or {})
    for key, value in new.items():
        if value is not None or key not in merged:
            merged[key] = value
    if old is not None and "state" in new and _rank(new["state"]) < _rank(old.get("state")):
        for key in ("state", "cause", "activeAt", "endAt", "duration"):
            merged[key] = old.get(key)
    merged.setdefault("notes", ())
    merged.setdefault("mark", "")
    return merged


class CallsPane(Pane):
    """Calls keyed by call id, newest first (by start time until re-sorted)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dial", "Dial", tooltip="Place a call", id="call-dial"),
        Binding("a", "answer", "Answer", tooltip="Answer the ringing call", id="call-answer"),
        Binding("r", "reject", "Reject", tooltip="Reject the ringing call", id="call-reject"),
        Binding("h", "hang_up", "Hang up", tooltip="End the call", id="call-hang-up"),
        Binding(
            "t", "transfer", "Transfer", tooltip="Blind transfer to a number", id="call-transfer"
        ),
        Binding(
            "b",
            "bridge",
            "Bridge",
            tooltip="Mark a call, then bridge it with another",
            id="call-bridge",
        ),
        Binding("k", "speak", "Speak", tooltip="Speak a sentence into the call", id="call-speak"),
        Binding("l", "play", "Play", tooltip="Play an audio URL or media file", id="call-play"),
        Binding(
            "x",
            "stop_audio",
            "Stop",
            tooltip="Stop what is playing",
            show=False,
            id="call-stop-audio",
        ),
        Binding("n", "keypad", "Keypad", tooltip="Send DTMF from a keypad", id="call-keypad"),
        Binding(
            "g", "gather", "Gather", tooltip="Collect digits from the caller", id="call-gather"
        ),
        Binding(
            "R",
            "toggle_recording",
            "Record",
            tooltip="Switch recording on or off",
            show=False,
            id="call-record",
        ),
        Binding(
            "c",
            "conference",
            "Conference",
            tooltip="Add the call to a conference",
            show=False,
            id="call-conference",
        ),
    ]

    PANE_ID = "calls"
    TITLE = "Calls"
    PANE_KEY = "2"
    NEWEST_FIRST = True
    COLUMNS = (
        Column("mark", "", 1),
        Column("state", "State", 12),
        Column("direction", "Dir", 3),
        Column("from", "From", 16),
        Column("to", "To", 16),
        Column("startTime", "Started", 8, clock_time),
        Column("duration", "Dur", 6, _duration),
        Column("cause", "Cause", 18),
        Column("id", "Id", 26),
    )

    def __init__(self) -> None:
        super().__init__()
        self.model.sort_by("startTime", reverse=True)
        self._fetching: set[str] = set()
        # A replay after a reconnect can name thousands of unseen calls: fetch a few at a time.
        self._fetch_slots = asyncio.Semaphore(FETCH_CONCURRENCY)
        self._answered_at: dict[str, float] = {}
        """Active calls -> wall-clock moment their timer counts from."""
        self._marked: str | None = None
        self.incoming: dict[str, IncomingCallScreen] = {}
        """Incoming-call notifications on screen, by call id."""

    @property
    def console(self) -> BwConsoleApp:
        """The console app (its API helpers and account)."""
        return cast("BwConsoleApp", self.app)

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(1.0, self._tick)

    # --- rows ---------------------------------------------------------------------------------

    def describe(self, key: str, row: Row) -> RenderableType:
        text = Text()
        text.append(f"{row.get('from') or '?'} -> {row.get('to') or '?'}\n", style="bold")
        fields = (
            ("State", row.get("state")),
            ("Direction", row.get("direction")),
            ("Started", clock_time(row.get("startTime"))),
            ("Answered", clock_time(row.get("activeAt"))),
            ("Ended", clock_time(row.get("endAt"))),
            ("Duration", _duration(row.get("duration"))),
            ("Cause", row.get("cause")),
            ("Recording", "on" if row.get("recordingEnabled") else ""),
            ("Bridge", row.get("bridgeId")),
            ("Conference", row.get("conferenceId")),
            ("Gathered", row.get("digits")),
            ("Heard (DTMF)", row.get("heard")),
            ("Marked", "for bridging (b on another call)" if row.get("mark") else ""),
            ("Id", key),
        )
        for label, value in fields:
            if value:
                text.append(f"{label}: ", style="bold")
                text.append(f"{value}\n")
        notes = row.get("notes") or ()
        if notes:
            text.append("\nWhat happened\n", style="bold")
            for note in notes:
                text.append(f"{note}\n")
        return text

    def update_call(self, call_id: str, **fields: Any) -> dict[str, Any]:
        """Merge fields into a call's row (creating it) and redraw it; returns the row."""
        row = _merge(self.model.get(call_id), {"id": call_id, **fields})
        if row.get("state") == "active" and row.get("endAt") is None:
            self._answered_at.setdefault(call_id, _timer_origin(row.get("activeAt")))
            row["duration"] = time.time() - self._answered_at[call_id]
        else:
            self._answered_at.pop(call_id, None)
        self.model.upsert(call_id, row)
        if call_id == self.table.cursor_key:
            self._show_detail(call_id)
        return row

    def note(self, call_id: str, text: str) -> None:
        """Add a line to what happened on a call (shown in its detail), stamped with the
        moment the console learnt it."""
        row = self.model.get(call_id) or {}
        stamp = clock_time(time.time())
        notes = (*tuple(row.get("notes") or ()), f"{stamp} {text}")[-MAX_NOTES:]
        self.update_call(call_id, notes=notes)

    def add_call(self, call: Call) -> None:
        """Add or refresh a call from the API."""
        if call.id:
            self.update_call(call.id, **call_row(call))

    def fetch(self, call_id: str) -> None:
        """Fetch a call first seen in an event, once, and add it."""
        if call_id in self._fetching:
            return
        self._fetching.add(call_id)
        self.run_worker(self._guarded(self._fetch(call_id)), group="calls-fetch")

    async def _fetch(self, call_id: str) -> None:
        if self.console.backend is None:
            return  # offline (tests feeding events): the row stays as the events built it
        async with self._fetch_slots:
            call = await self.console.call_api(self.client.calls.get(call_id))
        if call is not None:
            self.add_call(call)

    async def load(self, client: Client) -> None:
        """List recent calls, newest first, adding each page as it arrives."""
        async for call in client.calls.list(size=100):
            self.add_call(call)
            if self.model.total >= RECENT_LIMIT:
                break

    def _tick(self) -> None:
        now = time.time()
        for call_id, origin in list(self._answered_at.items()):
            row = self.model.get(call_id)
            if row is None or row.get("state") != "active":
                self._answered_at.pop(call_id, None)
                continue
            self.model.upsert(call_id, {**row, "duration": now - origin})
            if call_id == self.table.cursor_key and self.display:
                self._show_detail(call_id)

    # --- events --------------------------------------------------------------------------------

    def apply_event(self, live: LiveEvent) -> None:
        """Move the call's row along from one event; a new call is fetched once."""
        event = getattr(live, "event", None)
        call_id = getattr(event, "call_id", None)
        if not isinstance(call_id, str) or not call_id:
            return
        kind = str(getattr(event, "event_type", ""))
        handler = _HANDLERS.get(kind)
        if handler is None:
            return
        if call_id not in self.model and kind not in ("incomingcall",):
            self.fetch(call_id)
        handler(self, call_id, event)
        parties = {
            key: value
            for key, value in (
                ("from", getattr(event, "from_", None)),
                ("to", getattr(event, "to", None)),
            )
            if isinstance(value, str) and value
        }
        if parties and call_id in self.model:
            self.update_call(call_id, **parties)

    def _on_incoming(self, call_id: str, event: Any) -> None:
        when = getattr(event, "time", None)
        caller, callee = getattr(event, "from_", "") or "", getattr(event, "to", "") or ""
        self.update_call(
            call_id,
            state=self._state_or(call_id, "started"),
            direction="in",
            **{"from": caller, "to": callee},
            startTime=_epoch(when) or time.time(),
        )
        self.note(call_id, f"incoming call from {caller}")
        self.fetch(call_id)
        if call_id not in self.incoming:
            screen = IncomingCallScreen(call_id, caller, callee)
            self.incoming[call_id] = screen
            self.app.push_screen(screen, lambda choice: self._incoming_chosen(call_id, choice))

    def _incoming_chosen(self, call_id: str, choice: IncomingChoice | None) -> None:
        self.incoming.pop(call_id, None)
        if choice == "answer":
            # The user will want to act on the call next: bring it forward.
            self.console.action_show_pane(self.PANE_ID)
            self._select(call_id)
            self._act(self.answer(call_id))
        elif choice == "reject":
            self._act(self.reject(call_id))

    def _on_answer(self, call_id: str, event: Any) -> None:
        when = getattr(event, "time", None)
        self.update_call(call_id, state="active", activeAt=_epoch(when))
        self.note(call_id, "answered")
        self._tell_incoming(
            call_id,
            "Answered without you: the number's application answers automatically "
            "(autoAnswer). Escape dismisses; the Calls pane has the call.",
        )

    def _on_hangup(self, call_id: str, event: Any) -> None:
        when = getattr(event, "time", None)
        cause = getattr(event, "cause", None) or ""
        state = "rejected" if cause in REJECT_CAUSES else "completed"
        self._end(call_id, state, cause, when)
        self.note(call_id, f"hung up: {cause or 'no cause given'}")

    def _on_timeout(self, call_id: str, event: Any) -> None:
        when = getattr(event, "time", None)
        self._end(call_id, "completed", "NO_ANSWER", when)
        self.note(call_id, "nobody answered (timeout)")

    def _end(self, call_id: str, state: str, cause: str, when: Any) -> None:
        row = self.model.get(call_id) or {}
        end_at = _epoch(when)
        active_at = row.get("activeAt")
        duration = end_at - active_at if end_at is not None and active_at is not None else None
        self.update_call(
            call_id,
            state=state,
            cause=cause,
            endAt=end_at,
            duration=max(0.0, duration) if duration is not None else None,
            mark="",
        )
        self._tell_incoming(call_id, f"The call ended ({cause or state}).", final=True)

    def _tell_incoming(self, call_id: str, text: str, *, final: bool = False) -> None:
        screen = self.incoming.get(call_id)
        if screen is None:
            return
        screen.show_state(text)
        if final and self.app.screen is screen:
            screen.dismiss(None)

    def _on_audio(self, call_id: str, event: Any) -> None:
        kind = getattr(event, "event_type", "audio")
        status = getattr(event, "status", None) or getattr(event, "state", None) or ""
        self.note(call_id, f"{kind} {status}".strip())

    def _on_dtmf(self, call_id: str, event: Any) -> None:
        digit = getattr(event, "dtmf_digit", None) or "?"
        row = self.model.get(call_id) or {}
        self.update_call(call_id, heard=f"{row.get('heard') or ''}{digit}")
        self.note(call_id, f"dtmf {digit}")

    def _on_gather(self, call_id: str, event: Any) -> None:
        digits = getattr(event, "digits", None) or ""
        reason = getattr(event, "reason", None) or getattr(event, "state", None) or ""
        self.update_call(call_id, digits=digits or "(none)")
        self.note(call_id, f"gathered {digits or 'no digits'} ({reason})")
        self.app.notify(f"Gathered {digits or 'no digits'} ({reason})", title="Gather", timeout=6)

    def _on_recording(self, call_id: str, event: Any) -> None:
        state = getattr(event, "state", None) or getattr(event, "status", None) or ""
        recording_id = getattr(event, "recording_id", None) or ""
        self.note(call_id, f"recording {recording_id} {state}".strip())

    def _on_member(self, call_id: str, event: Any) -> None:
        conference_id = getattr(event, "conference_id", None)
        state = getattr(event, "state", None) or ""
        self.update_call(call_id, conferenceId=conference_id)
        self.note(call_id, f"conference {conference_id}: member {state}")

    def _on_transfer_complete(self, call_id: str, event: Any) -> None:
        self.note(call_id, "transfer complete")

    def _state_or(self, call_id: str, default: str) -> str:
        row = self.model.get(call_id)
        return str(row.get("state")) if row is not None and row.get("state") else default

    def _request(self, request: Awaitable[object]) -> Awaitable[bool | None]:
        """Run a request through the console: True when it succeeded, None when the user
        was already told why it failed."""

        async def done() -> bool:
            await request
            return True

        return self.console.call_api(done())

    # --- actions -------------------------------------------------------------------------------

    def dial(self, *, caller: str | None = None, to: str = "") -> None:
        """Open the dial form, optionally pre-filled (e.g. the Endpoints pane dials from an
        endpoint's SIP URI), and place the call."""
        if caller and "@" in caller and not caller.startswith("sip:"):
            caller = f"sip:{caller}"  # endpoints list their sipUri without the scheme
        self._act(self._dial(caller, to))

    async def answer(self, call_id: str) -> None:
        """Answer a ringing inbound call."""
        row = self.model.get(call_id) or {}
        if row.get("state") == "active":
            self.app.notify("That call is already answered.", severity="warning")
            return
        if await self._request(self.client.calls.answer(call_id)):
            self.note(call_id, "answer requested")

    async def reject(self, call_id: str) -> None:
        """Refuse a ringing inbound call."""
        if await self._request(self.client.calls.reject(call_id)):
            self.note(call_id, "reject requested")

    def _selected(self, *, live: bool = True) -> str | None:
        """The highlighted call's id; None (the user told why) when there is none or it ended."""
        key = self.table.cursor_key
        row = self.model.get(key) if key is not None else None
        if key is None or row is None:
            self.app.notify("No call selected: dial one with d.", severity="warning")
            return None
        if live and row.get("state") in FINAL_STATES:
            ended = row.get("cause") or row.get("state")
            self.app.notify(f"That call has ended ({ended}).", severity="warning")
            return None
        return key

    def _act(self, work: Coroutine[Any, Any, None]) -> None:
        """Run an action in the background, once the account is connected."""
        if self.console.backend is None:
            work.close()
            self.app.notify(
                "Not connected to the account yet; try again in a moment.", severity="warning"
            )
            return
        self.run_worker(self._guarded(work), group="call-action")

    async def _guarded(self, work: Awaitable[None]) -> None:
        # API failures were already told by call_api; anything else is a bug that must not
        # close the console, so it is told in words too.
        try:
            await work
        except Exception as exc:
            self.console.show_error(f"Calls: {type(exc).__name__}: {exc}")

    def _select(self, call_id: str) -> None:
        self.table.flush()
        index = self.model.index_of(call_id)
        if index is not None:
            self.table.move_cursor(index)

    def _callback_url(self) -> str | None:
        """Where the call's events go: this console's relay channel."""
        from bwconsole.callback_setup import CallbackSetupError, relay_callback_url

        backend = self.console.backend
        if backend is None:
            return None
        try:
            return relay_callback_url(backend.profile)
        except CallbackSetupError:
            return None

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

    async def _dial(self, caller: str | None, to: str) -> None:
        sources = await self._sources()
        if not sources:
            self.app.notify(
                "Nothing to call from: the account has no numbers or SIP endpoints.",
                severity="warning",
            )
            return
        values = await self.app.push_screen_wait(dial_form(sources, caller=caller, to=to))
        if values is None:
            return
        conference = values["conference"] or None
        call_id = await self.console.call_api(
            self.client.calls.create(
                from_=values["from"],
                to=values["to"],
                call_timeout=int(values["timeout"]) if values["timeout"] else None,
                callback_url=self._callback_url(),
                conference_id=conference,
            )
        )
        if call_id is None:
            return
        self.update_call(
            call_id,
            state=self._state_or(call_id, "started"),
            direction="out",
            startTime=time.time(),
            conferenceId=conference,
            **{"from": values["from"], "to": values["to"]},
        )
        self.note(call_id, f"dialed {values['to']} from {values['from']}")
        self._select(call_id)
        self.fetch(call_id)

    async def _hang_up(self, call_id: str) -> None:
        row = self.model.get(call_id) or {}
        question = f"Hang up the call {row.get('from')} -> {row.get('to')}?"
        if not await self.app.push_screen_wait(ConfirmScreen(question, title="Hang up")):
            return
        if await self._request(self.client.calls.hang_up(call_id)):
            self.note(call_id, "hang-up requested")

    async def _transfer(self, call_id: str) -> None:
        values = await self.app.push_screen_wait(transfer_form())
        if values is None:
            return
        whisper = {"sentence": values["whisper"]} if values["whisper"] else None

        async def transfer() -> str:
            leg = await self.client.calls.transfer(
                call_id,
                transfer_to=values["to"],
                transfer_caller_id=values["caller_id"] or None,
                whisper_audio=whisper,
                callback_url=self._callback_url(),
            )
            return leg or ""

        leg = await self.console.call_api(transfer())
        if leg is None:
            return
        self.note(call_id, f"transferring to {values['to']}" + (f" (new leg {leg})" if leg else ""))
        if leg:
            self.update_call(
                leg,
                state=self._state_or(leg, "started"),
                direction="out",
                startTime=time.time(),
                to=values["to"],
            )
            self.note(leg, f"transfer leg of {call_id}")
            self.fetch(leg)

    async def _bridge(self, first: str, second: str) -> None:
        bridge_id = await self.console.call_api(
            self.client.bridges.create(call_ids=[first, second], bridge_audio=True)
        )
        if bridge_id is None:
            return
        self._marked = None
        for call_id, other in ((first, second), (second, first)):
            self.update_call(call_id, mark="", bridgeId=bridge_id)
            self.note(call_id, f"bridged with {other} ({bridge_id})")

    async def _speak(self, call_id: str) -> None:
        values = await self.app.push_screen_wait(speak_form())
        if values is None:
            return
        if await self._request(self.client.calls.play_audio(call_id, sentence=values["sentence"])):
            self.note(call_id, f"speak: {values['sentence']}")

    async def _play(self, call_id: str) -> None:
        files = await self.console.call_api(self.client.media.list().collect()) or []
        media = [(f.media_name or "?", f.content) for f in files if f.content]
        values = await self.app.push_screen_wait(play_form(media))
        if values is None:
            return
        url = values["url"] or values["media"]
        if await self._request(self.client.calls.play_audio(call_id, file_url=url)):
            self.note(call_id, f"play: {url}")

    async def _stop_audio(self, call_id: str) -> None:
        if await self._request(self.client.calls.stop_audio(call_id)):
            self.note(call_id, "playback stop requested")

    async def _send_tones(self, call_id: str, tones: str) -> bool:
        if self.console.backend is None:
            return False
        if await self._request(self.client.calls.send_dtmf(call_id, tones)):
            self.note(call_id, f"sent dtmf {tones}")
            return True
        return False

    async def _gather(self, call_id: str) -> None:
        values = await self.app.push_screen_wait(gather_form())
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
            self.update_call(call_id, digits="")
            limit = f"up to {max_digits} digits" if max_digits else "digits"
            self.note(call_id, f"gathering {limit}, ending with {values['terminating']}")

    async def _toggle_recording(self, call_id: str) -> None:
        want = not (self.model.get(call_id) or {}).get("recordingEnabled")
        if await self._request(self.client.calls.update(call_id, recording_enabled=want)):
            self.update_call(call_id, recordingEnabled=want)
            self.note(call_id, "recording switched on" if want else "recording switched off")

    async def _conference(self, call_id: str) -> None:
        row = self.model.get(call_id) or {}
        values = await self.app.push_screen_wait(conference_form(row.get("conferenceId") or ""))
        if values is None:
            return
        conference_id: str | None = values["conference"]
        if not conference_id:
            owned = row.get("from") if row.get("direction") == "out" else row.get("to")
            conference_id = await self.console.call_api(
                self.client.conferences.create(
                    from_=str(owned or ""), callback_url=self._callback_url()
                )
            )
            if conference_id is None:
                return
            self.note(call_id, f"created conference {conference_id}")
        member = await self.console.call_api(
            self.client.conferences.add_member(conference_id, call_id=call_id)
        )
        if member is None:
            self.app.notify(CONFERENCE_REFUSED, title="Conference", severity="warning", timeout=15)
            return
        self.update_call(call_id, conferenceId=conference_id)
        self.note(call_id, f"joined conference {conference_id} as member {member}")

    def action_dial(self) -> None:
        """Place a call."""
        self.dial()

    def action_answer(self) -> None:
        """Answer the highlighted ringing call."""
        if (call_id := self._selected()) is not None:
            self._act(self.answer(call_id))

    def action_reject(self) -> None:
        """Reject the highlighted ringing call."""
        if (call_id := self._selected()) is not None:
            self._act(self.reject(call_id))

    def action_hang_up(self) -> None:
        """Hang up the highlighted call (after a yes)."""
        if (call_id := self._selected()) is not None:
            self._act(self._hang_up(call_id))

    def action_transfer(self) -> None:
        """Blind-transfer the highlighted call."""
        if (call_id := self._selected()) is not None:
            self._act(self._transfer(call_id))

    def action_bridge(self) -> None:
        """Mark the highlighted call; on a second call, bridge the two."""
        call_id = self._selected()
        if call_id is None:
            return
        marked = self._marked if self._marked in self.model else None
        if marked == call_id:
            self._marked = None
            self.update_call(call_id, mark="")
            self.app.notify("Bridge mark removed.", timeout=3)
        elif marked is None:
            self._marked = call_id
            self.update_call(call_id, mark="*")
            self.app.notify("Marked. Highlight another call and press b to bridge the two.")
        else:
            self._act(self._bridge(marked, call_id))

    def action_speak(self) -> None:
        """Speak a sentence into the highlighted call."""
        if (call_id := self._selected()) is not None:
            self._act(self._speak(call_id))

    def action_play(self) -> None:
        """Play an audio URL or media file into the highlighted call."""
        if (call_id := self._selected()) is not None:
            self._act(self._play(call_id))

    def action_stop_audio(self) -> None:
        """Stop what is playing on the highlighted call."""
        if (call_id := self._selected()) is not None:
            self._act(self._stop_audio(call_id))

    def action_keypad(self) -> None:
        """Open the DTMF keypad on the highlighted call."""
        call_id = self._selected()
        if call_id is None:
            return
        row = self.model.get(call_id) or {}
        label = f"{row.get('from')} -> {row.get('to')}"
        self.app.push_screen(KeypadScreen(label, lambda tones: self._send_tones(call_id, tones)))

    def action_gather(self) -> None:
        """Start collecting digits on the highlighted call."""
        if (call_id := self._selected()) is not None:
            self._act(self._gather(call_id))

    def action_toggle_recording(self) -> None:
        """Switch recording of the highlighted call on or off."""
        if (call_id := self._selected()) is not None:
            self._act(self._toggle_recording(call_id))

    def action_conference(self) -> None:
        """Add the highlighted call to a conference (or a new one)."""
        if (call_id := self._selected()) is not None:
            self._act(self._conference(call_id))


def _timer_origin(active_at: Any) -> float:
    """The wall-clock moment a running call's timer counts from: its answer time, unless that
    lies ahead (sandbox time can run faster than the wall clock)."""
    now = time.time()
    moment = _epoch(active_at)
    return moment if moment is not None and moment <= now else now


_HANDLERS = {
    "incomingcall": CallsPane._on_incoming,
    "answer": CallsPane._on_answer,
    "hangup": CallsPane._on_hangup,
    "timeout": CallsPane._on_timeout,
    "speak": CallsPane._on_audio,
    "playback": CallsPane._on_audio,
    "dtmf": CallsPane._on_dtmf,
    "gather": CallsPane._on_gather,
    "recording": CallsPane._on_recording,
    "conference-member": CallsPane._on_member,
    "transferComplete": CallsPane._on_transfer_complete,
}

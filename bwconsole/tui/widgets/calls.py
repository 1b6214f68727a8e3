"""Calls pane: live and recent calls, kept current from call events.

Recent calls are listed once (newest first, page by page); from then on the
relay's events move each row along (ringing -> active with a running timer ->
completed or rejected with its cause) and note what happened on the call in
its detail. A call first seen in an event (an inbound call, a transfer leg, a
call placed elsewhere) is fetched once and added. An inbound call raises a
notification wherever the user is.

The keys are bound here; what they do lives in `tui/actions/calls.CallActions`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.events import AnswerEvent, GatherEvent, HangupEvent, IncomingCallEvent, TimeoutEvent
from bwconsole.tui.actions.calls import CallActions
from bwconsole.tui.formatting import clock_time, epoch
from bwconsole.tui.model import Column, Row
from bwconsole.tui.outcomes import call_outcome
from bwconsole.tui.rows.calls import after_event, call_row, merge_call, noted, state_or
from bwconsole.tui.screens.call_incoming import IncomingCallScreen, IncomingChoice
from bwconsole.tui.screens.call_keypad import KeypadScreen
from bwconsole.tui.widgets.pane import Pane
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import Call, Client
    from bwconsole.live import LiveEvent

__all__ = ["CallsPane"]

RECENT_LIMIT = 1000
"""How many past calls the first load lists (newest first); later ones arrive as events."""
FETCH_CONCURRENCY = 4
"""Calls first seen in events fetched at the same time (the rest wait their turn)."""


def _duration(seconds: Any) -> str:
    if seconds is None or seconds == "":
        return ""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


#: (key, action, label, tooltip, id suffix); the footer fits what it can and `?` has the rest
_KEYS = (
    ("d", "dial", "Dial", "Place a call", "dial"),
    ("a", "answer", "Answer", "Answer the ringing call", "answer"),
    ("r", "reject", "Reject", "Reject the ringing call", "reject"),
    ("h", "hang_up", "Hang up", "End the call", "hang-up"),
    ("t", "transfer", "Transfer", "Blind transfer to a number", "transfer"),
    ("b", "bridge", "Bridge", "Mark a call, then bridge it with another", "bridge"),
    ("k", "speak", "Speak", "Speak a sentence into the call", "speak"),
    ("l", "play", "Play", "Play an audio URL or media file", "play"),
    ("x", "stop_audio", "Stop", "Stop what is playing", "stop-audio"),
    ("n", "keypad", "Keypad", "Send DTMF from a keypad", "keypad"),
    ("g", "gather", "Gather", "Collect digits from the caller", "gather"),
    ("R", "toggle_recording", "Record", "Switch recording on or off", "record"),
    ("c", "conference", "Conference", "Add the call to a conference", "conference"),
)


class CallsPane(Pane):
    """Calls keyed by call id, newest first (by start time until re-sorted).

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
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, action, label, tooltip=tip, id=f"call-{ident}")
        for key, action, label, tip, ident in _KEYS
    ]

    PANE_ID = "calls"
    TITLE = "Calls"
    PANE_KEY = "2"
    NEWEST_FIRST = True
    COLUMNS = (
        Column("mark", "", 1),
        Column("outcome", "State", 14),
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
        self.started_here: set[str] = set()
        """Calls the user placed in this session: their failures raise a notice."""
        self.incoming: dict[str, IncomingCallScreen] = {}
        """Incoming-call notifications on screen, by call id."""
        self.actions = CallActions(self)
        """What the keys do to calls."""

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(1.0, self._tick)

    # --- rows ---------------------------------------------------------------------------------

    def describe(self, key: str, row: Row) -> RenderableType:
        text = Text()
        text.append(f"{row.get('from') or '?'} -> {row.get('to') or '?'}\n", style="bold")
        fields = (
            ("State", row.get("outcome") or row.get("state")),
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

    def upsert(self, key: str, row: dict[str, Any]) -> None:
        """A row as given, with its state in words (`outcome`) and failures flagged."""
        outcome, failed = call_outcome(row.get("state"), row.get("cause"))
        super().upsert(key, {**row, "outcome": outcome, "flagged": failed})

    def update_call(self, call_id: str, **fields: Any) -> dict[str, Any]:
        """Merge fields into a call's row (creating it) and redraw it; returns the row."""
        return self._put(call_id, merge_call(self.model.get(call_id), {"id": call_id, **fields}))

    def note(self, call_id: str, text: str) -> None:
        """Add a line to what happened on a call (shown in its detail), stamped with the
        moment the console learnt it."""
        self._put(call_id, noted(self.model.get(call_id), call_id, text, at=time.time()))

    def _put(self, call_id: str, row: dict[str, Any]) -> dict[str, Any]:
        """Store a call's row as `rows.calls` built it: an answered call's timer runs."""
        if row.get("state") == "active" and row.get("endAt") is None:
            self._answered_at.setdefault(call_id, _timer_origin(row.get("activeAt")))
            row["duration"] = time.time() - self._answered_at[call_id]
        else:
            self._answered_at.pop(call_id, None)
        self.model.upsert(call_id, row)
        if call_id == self.table.cursor_key:
            self._show_detail(call_id)
        return row

    def add_call(self, call: Call) -> None:
        """Add or refresh a call from the API."""
        if call.id:
            self.update_call(call.id, **call_row(call))

    def fetch(self, call_id: str) -> None:
        """Fetch a call first seen in an event, once, and add it."""
        if call_id in self._fetching:
            return
        self._fetching.add(call_id)
        self.run_guarded(self._fetch(call_id), group="calls-fetch")

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
        """Move the call's row along from one event (`rows.calls`); a new call is fetched
        once. An event of an earlier run (`live.history`) is noted at its receive time, and
        nothing rings, pops up or is fetched for it."""
        event = live.event
        call_id = event.call_id if event is not None else None
        if event is None or not call_id:
            return
        at = (epoch(live.received_at) or time.time()) if live.history else time.time()
        known = call_id in self.model
        row = after_event(self.model.get(call_id), event, at=at)
        if row is None:
            return
        if not known and not live.history and not isinstance(event, IncomingCallEvent):
            self.fetch(call_id)
        self._put(call_id, row)
        match event:
            case IncomingCallEvent() if not live.history:
                self._ring(call_id, row)
            case AnswerEvent():
                self._tell_incoming(
                    call_id,
                    "Answered without you: the number's application answers automatically "
                    "(autoAnswer). Escape dismisses; the Calls pane has the call.",
                )
            case HangupEvent() | TimeoutEvent():
                self._ended(call_id, row)
            case GatherEvent() if not live.history:
                gathered = f"{event.digits or 'no digits'} ({event.reason or event.state or ''})"
                self.app.notify(f"Gathered {gathered}", title="Gather", timeout=6)

    def _ring(self, call_id: str, row: Row) -> None:
        """A new inbound call: fetch it, ring, and offer to answer or reject it."""
        self.fetch(call_id)
        if call_id not in self.incoming:
            screen = IncomingCallScreen(call_id, row["from"], row["to"])
            self.incoming[call_id] = screen
            self.app.bell()  # the user may be looking elsewhere than the terminal
            self.app.push_screen(screen, lambda choice: self._incoming_chosen(call_id, choice))

    def _incoming_chosen(self, call_id: str, choice: IncomingChoice | None) -> None:
        self.incoming.pop(call_id, None)
        if choice == "answer":
            # The user will want to act on the call next: bring it forward.
            self.console.action_show_pane(self.PANE_ID)
            self.highlight(call_id)
            self.actions.start(self.actions.answer(call_id))
        elif choice == "reject":
            self.actions.start(self.actions.reject(call_id))

    def _ended(self, call_id: str, row: Row) -> None:
        """A call ended: its incoming-call notice closes, and a call placed here that
        failed says so."""
        self._tell_incoming(
            call_id, f"The call ended ({row['cause'] or row['state']}).", final=True
        )
        if row["flagged"] and call_id in self.started_here:
            self.started_here.discard(call_id)
            self.console.show_error(
                f"Call to {row.get('to') or '?'}: {row['outcome']}", title="Call"
            )

    def _tell_incoming(self, call_id: str, text: str, *, final: bool = False) -> None:
        screen = self.incoming.get(call_id)
        if screen is None:
            return
        screen.show_state(text)
        if final and self.app.screen is screen:
            screen.dismiss(None)

    @property
    def highlighted(self) -> str | None:
        """The id of the call under the cursor."""
        return self.table.cursor_key

    def state_or(self, call_id: str, default: str) -> str:
        """A call's state, or `default` while it has none (a new row)."""
        return state_or(self.model.get(call_id), default)

    def highlight(self, call_id: str) -> None:
        """Move the cursor to a call (one just placed or answered)."""
        self.table.flush()
        index = self.model.index_of(call_id)
        if index is not None:
            self.table.move_cursor(index)

    def run_guarded(self, work: Awaitable[None], *, group: str) -> None:
        """Run work in a guarded worker of this pane (`bwconsole.tui.workers`)."""
        run_guarded(self, work, group=group)

    def dial(self, *, caller: str | None = None, to: str = "") -> None:
        """Open the dial form, optionally pre-filled (e.g. from an endpoint's SIP URI)."""
        self.actions.dial(caller=caller, to=to)

    # --- actions: each on the highlighted call (tui/actions/calls.py) -----------------------------

    def action_dial(self) -> None:
        """Place a call."""
        self.actions.dial()

    def action_answer(self) -> None:
        """Answer the highlighted ringing call."""
        self.actions.on_selected(self.actions.answer)

    def action_reject(self) -> None:
        """Reject the highlighted ringing call."""
        self.actions.on_selected(self.actions.reject)

    def action_hang_up(self) -> None:
        """Hang up the highlighted call (after a yes)."""
        self.actions.on_selected(self.actions.hang_up)

    def action_transfer(self) -> None:
        """Blind-transfer the highlighted call."""
        self.actions.on_selected(self.actions.transfer)

    def action_bridge(self) -> None:
        """Mark the highlighted call; on a second call, bridge the two."""
        self.actions.bridge()

    def action_speak(self) -> None:
        """Speak a sentence into the highlighted call."""
        self.actions.on_selected(self.actions.speak)

    def action_play(self) -> None:
        """Play an audio URL or media file into the highlighted call."""
        self.actions.on_selected(self.actions.play)

    def action_stop_audio(self) -> None:
        """Stop what is playing on the highlighted call."""
        self.actions.on_selected(self.actions.stop_audio)

    def action_keypad(self) -> None:
        """Open the DTMF keypad on the highlighted call."""
        call_id = self.actions.selected()
        if call_id is None:
            return
        row = self.model.get(call_id) or {}
        label = f"{row.get('from')} -> {row.get('to')}"
        self.app.push_screen(
            KeypadScreen(label, lambda tones: self.actions.send_tones(call_id, tones))
        )

    def action_gather(self) -> None:
        """Start collecting digits on the highlighted call."""
        self.actions.on_selected(self.actions.gather)

    def action_toggle_recording(self) -> None:
        """Switch recording of the highlighted call on or off."""
        self.actions.on_selected(self.actions.toggle_recording)

    def action_conference(self) -> None:
        """Add the highlighted call to a conference (or a new one)."""
        self.actions.on_selected(self.actions.conference)


def _timer_origin(active_at: Any) -> float:
    """The wall-clock moment a running call's timer counts from: its answer time, unless that
    lies ahead (sandbox time can run faster than the wall clock)."""
    now = time.time()
    moment = epoch(active_at)
    return moment if moment is not None and moment <= now else now

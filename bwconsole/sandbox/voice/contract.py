"""What the voice helpers may know of the call engine: its constants, records and protocol.

`engine.py` runs the call state machine and drives the helpers (`bxml_runner`,
`dialing`, `farend`, `gather`, `playback`, `recording`); they call back into it
only through `Engine`, the protocol below, so none of them imports `engine.py`
and the engine may import all of them. The values that travel between the two
(`Live`, `FarEnd`, `RecordOptions`) live here for the same reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bwconsole.sandbox.callbacks import Outcome
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.store import Collection, Record
from bwconsole.sandbox.voice.audio import AudioRequest, StopAudio

__all__ = [
    "CALLER_PATIENCE",
    "CRASH_CAUSE",
    "DEFAULT_ANSWER_AFTER",
    "FINAL_STATES",
    "RATE_PER_MINUTE",
    "REJECTING_CAUSES",
    "RESTART_CAUSE",
    "DigitListener",
    "Engine",
    "FarEnd",
    "Live",
    "RecordOptions",
]

FINAL_STATES = frozenset({"completed", "rejected"})
#: Causes that leave the call `rejected` rather than `completed`.
REJECTING_CAUSES = frozenset({"USER_BUSY", "CALL_REJECTED"})
RATE_PER_MINUTE = "0.01000"
#: Cause of calls cut by a sandbox restart ("any other value = internal error").
RESTART_CAUSE = "SANDBOX_RESTARTED"
#: Cause of a call ended because the sandbox's own work on it failed (logged, in /errors).
CRASH_CAUSE = "NORMAL_TEMPORARY_FAILURE"
#: An unanswered inbound caller gives up after this many API seconds.
CALLER_PATIENCE = 60.0
#: API seconds until a far end with no special behaviour answers.
DEFAULT_ANSWER_AFTER = 2.0


@dataclass(frozen=True)
class FarEnd:
    """How the other party of a call behaves (`farend.far_end_for` picks it by number).

    Attributes:
        answer_after: API seconds until it answers; None never answers (the call times out).
        refuse_cause: if set, the call fails with this hangup cause instead of ringing.
        digits: DTMF digits it presses once the call is up (see `farend`'s docstring).
        hangup_after: API seconds after answering when it hangs up; None stays on.
        manual: it rings until told what to do through the `/sandbox/calls/...` control
            routes (a sandbox endpoint's SIP client, or a person at the console).
    """

    answer_after: float | None = DEFAULT_ANSWER_AFTER
    refuse_cause: str | None = None
    digits: str = ""
    hangup_after: float | None = None
    manual: bool = False


@dataclass(frozen=True)
class RecordOptions:
    """Where a recording's events go; BXML `<Record>` sets them, REST leaves them None."""

    request_url: str | None = None
    request_timeout_ms: int = 10_000
    transcribe: bool = False
    transcribe_url: str | None = None
    max_duration: float = 3600.0


class DigitListener(Protocol):
    """What listens to a call's DTMF: a running gather, or a BXML `<Record>` waiting for
    its terminating digit. One at a time per call (`Live.gather`)."""

    def feed(self, digit: str) -> None:
        """A digit was heard on the call."""

    def hung_up(self) -> None:
        """The call ended while listening."""


@dataclass
class Live:
    """What only matters while a call is up."""

    far_end: FarEnd = field(default_factory=FarEnd)
    answer: asyncio.Event = field(default_factory=asyncio.Event)
    refuse: str | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    listening: asyncio.Event = field(default_factory=asyncio.Event)
    """Set once the first gather on the call listens (its prompts over)."""
    listened_at: datetime | None = None
    """The API time `listening` was set: the far end presses relative to it."""
    peer: str | None = None
    bxml: bool = False
    playback: asyncio.Task[None] | None = None
    gather: DigitListener | None = None
    recording: tuple[str, RecordOptions] | None = None
    """The running recording's id and where its events go."""
    heard: list[tuple[datetime, str]] = field(default_factory=list)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    redirects: int = 0


class Engine(Protocol):
    """The call engine as the voice helpers use it (`engine.CallEngine` implements it)."""

    sandbox: Sandbox
    calls: Collection
    tree_legs: dict[str, int]
    """Transfer legs placed per call tree (`dialing.place_leg`)."""

    # -- records and events ---------------------------------------------------------------

    def get_call(self, call_id: str) -> Record:
        """The call record; 404 `call-not-found` if there is none."""

    def require_active(self, call_id: str) -> Record:
        """The call, or 403 `call-invalid-state` unless it is `active`."""

    def live(self, call_id: str) -> Live:
        """The call's live state; for a call that has ended, a detached one with `ended` set."""

    def log(self, call_id: str, name: str, data: str | None = None) -> None:
        """Add an entry to the call's `/events` list."""

    def payload(self, call: Record, event_type: str, **extra: Any) -> dict[str, Any]:
        """The common fields of a call event, then `extra`."""

    def target(self, call: Record) -> tuple[str | None, str, int, str | None]:
        """(url, method, timeout ms, fallback) for the call's events."""

    def emit(
        self,
        key: str,
        url: str | None,
        payload: dict[str, Any],
        *,
        method: str = "POST",
        timeout_ms: int = 10_000,
        fallback_url: str | None = None,
    ) -> asyncio.Future[Outcome] | None:
        """Deliver an event after earlier ones with the same key; no URL, no event."""

    def emit_call_event(
        self, call: Record, payload: dict[str, Any]
    ) -> asyncio.Future[Outcome] | None:
        """Send to the call's callbackUrl, or (inbound) its application's incomingCallUrl."""

    def rest_event(self, call: Record, payload: dict[str, Any]) -> None:
        """A REST-mode event (speak, playback, dtmf, gather): BXML calls do not get them."""

    def spawn(self, call_id: str, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Background work that belongs to a call, cancelled when the call ends."""

    # -- who is at the other end ------------------------------------------------------------

    def application(self, app_id: str | None) -> Record | None:
        """The application record, if there is one with that id."""

    def owned_number(self, number: str) -> Record | None:
        """The account's number record for `number`, unless it was released."""

    def endpoint(self, uri: str) -> Record | None:
        """The sandbox endpoint registered at a SIP URI."""

    # -- life of a call ---------------------------------------------------------------------

    def create(self, fields: Record, far_end: FarEnd) -> Record:
        """Store a new call in state `started` with its `create` event."""

    def ring(self, call_id: str) -> None:
        """Start an outbound call's ringing."""

    def answered(self, call_id: str) -> None:
        """The call is up: `active`, `answer` event, recording, far-end script, BXML."""

    def time_out(self, call_id: str) -> None:
        """Nobody answered within `callTimeout`."""

    def finish(self, call_id: str, cause: str, state: str | None = None) -> None:
        """End the call with `cause` and send the hangup event."""

    def hang_up(self, call_id: str, cause: str = "NORMAL_CLEARING") -> None:
        """End a call (no-op if it already ended); sends the hangup event."""

    # -- audio and DTMF ---------------------------------------------------------------------

    def play(self, call_id: str, request: AudioRequest | StopAudio) -> asyncio.Task[None] | None:
        """Play or speak on the call, replacing what plays; `StopAudio` just stops."""

    def heard(self, call_id: str, text: str) -> None:
        """Note what was spoken or played on a call, for its transcriptions."""

    def receive_digit(self, call_id: str, digit: str) -> None:
        """A DTMF digit heard on the call."""

    async def dtmf_out(self, call_id: str, dtmf: str) -> None:
        """Send digits now, honouring pauses."""

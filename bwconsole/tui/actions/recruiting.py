"""Bringing people into a conference: dial someone in, or add a call that already exists.

v1 only admits an *active* call that was created with the conference's
`conferenceId`, so dialling in is two steps: create the call, then add it as a
member once it is answered. The answer normally arrives as a relay event
(`answered`); without a relay the call is read back until it is up or over.
Each step is told to the user in words, through the `Console`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bwconsole.api import ApiError
from bwconsole.tui.actions import conference_forms as forms

if TYPE_CHECKING:
    from bwconsole.api import Client
    from bwconsole.tui.console import Console

__all__ = ["DIAL_WAIT_SECONDS", "POLL_SECONDS", "MemberJoined", "Recruiter"]

#: How long a dialled member may ring before the console stops reading the call back (seconds).
DIAL_WAIT_SECONDS = 120.0
#: Without a relay no answer event comes: the call is read back this often instead.
POLL_SECONDS = 1.0

MemberJoined = Callable[[str, dict[str, Any]], None]
"""`joined(conference_id, member)`: a member the console just added (before its event)."""


class Recruiter:
    """Dials members in and adds existing calls, for the Conferences pane.

    Args:
        console: The console (forms, pick-lists, notifications, `call_api`).
        joined: Told about every member added here.
    """

    def __init__(self, console: Console, joined: MemberJoined) -> None:
        self.console = console
        self.joined = joined
        self.pending: dict[str, tuple[str, str]] = {}
        """Dialled calls waiting to be answered: call id -> (conference id, number)."""

    @property
    def client(self) -> Client:
        return self.console.client

    async def dial(self, conference_id: str, default_from: str, relay_url: str | None) -> None:
        """Ask whom to call, call them with the conference's id, and add them once answered.

        Args:
            conference_id: The conference they join.
            default_from: The number offered as caller id (the conference's).
            relay_url: Where the call's events go; None means no answer event will come.
        """
        values = await self.console.fill(forms.dial_form(conference_id, default_from))
        if values is None:
            return
        to = values["to"]
        call_id = await self.console.call_api(
            self.client.calls.create(
                from_=values["from"], to=to, conference_id=conference_id, callback_url=relay_url
            )
        )
        if call_id is None:
            return
        self.pending[call_id] = (conference_id, to)
        self.console.notify(
            f"Calling {to}: they join conference {conference_id} when they answer.",
            timeout=5,
            markup=False,
        )
        if relay_url is None or self.console.backend is None or self.console.backend.live is None:
            await self.poll(call_id)

    async def poll(self, call_id: str) -> None:
        """No relay, no answer event: read the call back until it is answered or ends."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DIAL_WAIT_SECONDS
        while call_id in self.pending and loop.time() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            call = await self.console.call_api(self.client.calls.get(call_id))
            if call is None or call.state in ("completed", "rejected"):
                self.not_answered(call_id, None if call is None else f"the call is {call.state}")
            elif call.state == "active":
                await self.answered(call_id)

    async def answered(self, call_id: str) -> None:
        """A dialled call was answered: make it a member (other calls are ignored)."""
        pending = self.pending.pop(call_id, None)
        if pending is None:
            return
        conference_id, to = pending
        member_id = await self.console.call_api(
            self.client.conferences.add_member(conference_id, call_id=call_id)
        )
        if member_id is None:
            return
        self.joined(conference_id, {"id": member_id, "call": call_id, "state": "active"})
        self.console.notify(f"{to} answered and joined conference {conference_id}.", markup=False)

    def not_answered(self, call_id: str, cause: str | None) -> None:
        """A dialled call ended before it was answered: say so (other calls are ignored)."""
        pending = self.pending.pop(call_id, None)
        if pending is not None:
            why = f" ({cause})" if cause else ""
            self.console.notify(
                f"{pending[1]} did not answer{why}: nobody joined conference {pending[0]}.",
                severity="warning",
                markup=False,
            )

    def _candidates(self, conference_id: str, members: set[str]) -> list[tuple[str, str]]:
        """(call id, who and state) of the Calls pane's answered calls made for it."""
        calls = self.console.pane("calls").model
        found = []
        for call_id in calls:
            row = calls.get(call_id) or {}
            if row.get("conferenceId") != conference_id or call_id in members:
                continue
            if row.get("state") == "active":
                party = row.get("from") if row.get("direction") == "in" else row.get("to")
                found.append((call_id, f"{party or '?'}  {row.get('direction') or ''} active"))
        return found

    async def add_call(self, conference_id: str, members: set[str] | None = None) -> None:
        """Offer the answered calls dialled for this conference (the only ones v1 admits)
        that are not members yet, and add the one picked; a refusal is explained in words."""
        candidates = self._candidates(conference_id, members or set())
        if not candidates:
            self.console.notify(
                f"No answered call was dialled for {conference_id} and left out of it: "
                "d dials someone in (v1 admits only calls created with the conference's id).",
                title="Add call",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        call_id = await self.console.choose(f"Add a call to {conference_id}", candidates)
        if not call_id:
            return
        try:
            member_id = await self.client.conferences.add_member(conference_id, call_id=call_id)
        except ApiError as exc:
            self.console.notify(
                f"Call {call_id} was not added: {exc.message or exc.code}. The API only admits "
                "an active call that was created with this conference's id (conferenceId).",
                title="Add call refused",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        self.joined(conference_id, {"id": member_id, "call": call_id, "state": "active"})
        self.console.notify(f"Call {call_id} joined conference {conference_id}.", markup=False)

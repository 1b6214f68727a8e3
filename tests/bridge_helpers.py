"""Helpers for the bridge and conference tests: real calls that answer, and waiting for events."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from conftest import CallbackReceiver

#: Far ends (voice/farend.py) that answer at once and stay on the line until hung up.
STAYS_ON = "+1555000{:04d}"
#: A far end that never answers.
NEVER_ANSWERS = "+15552000000"


async def active_call(
    http: httpx.AsyncClient,
    user: str,
    from_number: str,
    index: int,
    callback_url: str,
    **extra: Any,
) -> str:
    """Dial a far end that answers at once; return the call id once the call is `active`."""
    body = {"from": from_number, "to": STAYS_ON.format(index), "callbackUrl": callback_url, **extra}
    response = await http.post(f"{user}/calls", json=body)
    assert response.status_code == 201, response.text
    call_id = response.headers["location"].rsplit("/", 1)[-1]
    deadline = time.monotonic() + 5
    while (await http.get(f"{user}/calls/{call_id}")).json()["state"] != "active":
        assert time.monotonic() < deadline, f"call {call_id} never became active"
        await asyncio.sleep(0.02)
    return call_id


async def hang_up(http: httpx.AsyncClient, user: str, call_id: str) -> None:
    """Hang up from our side, as `POST /calls/{id} {"state":"completed"}` does."""
    response = await http.post(f"{user}/calls/{call_id}", json={"state": "completed"})
    assert response.status_code == 200, response.text


async def events_at(receiver: CallbackReceiver, path: str, count: int) -> list[dict[str, Any]]:
    """Wait (bounded) until `count` callbacks reached `path`; return those."""
    await receiver.wait_for(lambda _: len(receiver.events(path)) >= count)
    return receiver.events(path)

"""Messages pane: conversations by the other party, kept current from message events.

One row per conversation (the number the account talks with): its last
message, how many there are and whether some arrived unread. The detail panel
shows the thread. Messages are loaded once (`messages.list`, newest first,
paged by the client), then `sms`/`mms` events add new ones and move delivery
states along; an inbound message raises a notification whichever pane is shown.

Keys: `c` composes a new SMS/MMS (an attached file makes it MMS: uploaded to
media with a progress bar, then sent with its URL), `r` replies in the
highlighted conversation.
"""

from __future__ import annotations

import asyncio
import heapq
import time
import uuid
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from bwconsole.events import SmsEvent
from bwconsole.tui.console import NotConnected
from bwconsole.tui.formatting import clock_time
from bwconsole.tui.model import Column, Row
from bwconsole.tui.rows.messages import (
    after_event,
    conversation_row,
    message_from_api,
    outcome,
    party,
    state,
    when,
)
from bwconsole.tui.screens.message_compose import Draft, MessageComposeScreen
from bwconsole.tui.screens.message_upload import UploadScreen
from bwconsole.tui.widgets.pane import DETAIL_INTERVAL, Pane
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.api import Client
    from bwconsole.live import LiveEvent
    from bwconsole.tui.widgets.virtual_table import VirtualTable

__all__ = ["MessagesPane"]

PAGE_SIZE = 1000
"""Messages asked for per page while loading."""
THREAD_SHOWN = 50
"""Most recent messages of a conversation shown in the detail panel."""
MMS_CHECKS, MMS_CHECK_SECONDS = 6, 2.0
"""How often, and how far apart, a sent MMS is read back for its delivery state."""


class MessagesPane(Pane):
    """Conversations keyed by the other party's number, newest first.

    | Key | Action |
    |---|---|
    | c | compose a new SMS or MMS |
    | r | reply in the highlighted conversation |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "compose",
            "New message",
            tooltip="Send an SMS, or an MMS with a file attached",
            id="messages-compose",
        ),
        Binding(
            "r",
            "reply",
            "Reply",
            tooltip="Reply in the highlighted conversation",
            id="messages-reply",
        ),
    ]

    PANE_ID = "messages"
    TITLE = "Messages"
    PANE_KEY = "4"
    NEWEST_FIRST = True
    COLUMNS = (
        Column("time", "Time", 8, clock_time),
        Column("unread", "New", 3, lambda n: f"●{n}" if n else ""),
        Column("party", "With", 16),
        Column("number", "Our number", 16),
        Column("count", "Msgs", 5),
        Column("state", "State", 16),
        Column("text", "Last message", 50),
    )

    def __init__(self) -> None:
        super().__init__()
        # Newest conversation on top, however the messages arrive (pages, events, sends).
        self.model.sort_by("time", reverse=True)
        self.messages: dict[str, dict[str, Any]] = {}
        """Every message seen, by id."""
        self._threads: dict[str, set[str]] = {}
        self._unread: dict[str, int] = {}
        self._last: dict[str, str] = {}  # party -> id of its newest message
        self._detail_due = False
        self._sent_here: set[str] = set()
        """Messages the user sent in this session: a failed delivery of one is told."""
        self._numbers: list[str] = []
        self._order = count()  # breaks ties between messages of the same second

    # --- feeding ----------------------------------------------------------------------------------

    def add_message(self, message_id: str, fields: dict[str, Any]) -> bool:
        """Add a message or update one already known; its conversation row follows.

        Returns:
            True when the message was not known before.
        """
        known = self.messages.get(message_id)
        new = known is None
        if known is None:
            known = {
                "id": message_id,
                "media": [],
                "text": "",
                "time": time.time(),
                "order": next(self._order),
            }
            self.messages[message_id] = known
        known.update(fields)
        words, failed = outcome(known)
        if failed and message_id in self._sent_here:
            self._sent_here.discard(message_id)  # told once
            self.console.show_error(
                f"Message to {known.get('to') or '?'}: {words}", title="Message"
            )
        other, _ = party(known)
        if other:
            self._threads.setdefault(other, set()).add(message_id)
            last_id = self._last.get(other)
            if last_id is None or when(known) >= when(self.messages[last_id]):
                self._last[other] = message_id
            self._refresh_row(other)
        return new

    def thread(self, party: str, last: int | None = None) -> list[dict[str, Any]]:
        """The messages exchanged with `party`, oldest first (only the `last` newest if given)."""
        messages = (self.messages[i] for i in self._threads.get(party, ()))
        if last is None:
            return sorted(messages, key=when)
        return heapq.nlargest(last, messages, key=when)[::-1]

    async def load(self, client: Client) -> None:
        """Read the message history (newest first, page by page) into conversations."""
        page: list[dict[str, Any]] = []
        async for message in client.messages.list(size=PAGE_SIZE):
            fields = message_from_api(message)
            if fields["time"] is None:
                del fields["time"]  # keep the moment it became known rather than none
            if fields["id"]:
                page.append(fields)
            if len(page) == PAGE_SIZE:
                self._add_page(page)
                page = []
        self._add_page(page)

    def apply_event(self, live: LiveEvent) -> None:
        """A message event: a new message joins its conversation, a status moves its state
        (`rows.messages`); an inbound message is counted unread and told."""
        match live.event:
            case SmsEvent(message_id=str(message_id)) as event if message_id:
                fields = after_event(self.messages.get(message_id), event)
                if fields is None:
                    return
                new = self.add_message(message_id, fields)
                message = self.messages[message_id]
                if new and message.get("direction") == "in" and not live.history:
                    other, _ = party(message)
                    if not (self.display and self.table.cursor_key == other):  # else read now
                        self._unread[other] = self._unread.get(other, 0) + 1
                        self._refresh_row(other)
                    self._notify_inbound(message)

    # --- what the base asks ---------------------------------------------------------------------

    def describe(self, key: str, row: Row) -> RenderableType:
        text = Text()
        text.append(f"Conversation with {key}\n", style="bold")
        text.append(f"on {row['number']} · {row['count']} messages\n\n", style="dim")
        earlier = len(self._threads.get(key, ())) - THREAD_SHOWN
        if earlier > 0:
            text.append(f"… {earlier} earlier\n", style="dim")
        for message in self.thread(key, THREAD_SHOWN):
            inbound = message.get("direction") == "in"
            text.append(f"{clock_time(message.get('time'))} ", style="dim")
            text.append("← " if inbound else "→ ", style="bold")
            text.append(str(message.get("text") or ""))
            for url in message.get("media") or ():
                text.append(f" [media {url.rsplit('/', 1)[-1]}]", style="italic")
            if not inbound:
                why = message.get("delivery_description")
                shown = f"{state(message)}: {why}" if why else state(message)
                text.append(f"  ({shown})", style="dim")
            text.append("\n")
        return text

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        super().on_virtual_table_row_highlighted(event)
        if self.display and event.key is not None and self._unread.pop(event.key, 0):
            self._refresh_row(event.key)

    # --- helpers ------------------------------------------------------------------------------------

    def _add_page(self, page: list[dict[str, Any]]) -> None:
        # The API lists newest first; adding oldest first keeps same-second messages in order.
        for fields in reversed(page):
            self.add_message(fields["id"], fields)

    def _refresh_row(self, other: str) -> None:
        last_id = self._last.get(other)
        if last_id is None:
            return
        count, unread = len(self._threads[other]), self._unread.get(other, 0)
        self.upsert(other, conversation_row(self.messages[last_id], count=count, unread=unread))
        if self.display and self.table.cursor_key == other and not self._detail_due:
            # The open thread shows the new message or state; at most once per interval,
            # so a page of a thousand messages does not redraw it a thousand times.
            self._detail_due = True
            self.set_timer(DETAIL_INTERVAL, self._redraw_detail)

    def _redraw_detail(self) -> None:
        self._detail_due = False
        self._show_detail(self.table.cursor_key)

    def _notify_inbound(self, message: dict[str, Any]) -> None:
        text = str(message.get("text") or "") or "[media]"
        self.app.notify(
            text if len(text) <= 200 else text[:200] + "…",
            title=f"Message from {message.get('from')}",
            timeout=8,
            markup=False,
        )

    async def _owned_numbers(self) -> list[str]:
        if not self._numbers:
            numbers = await self.console.call_api(self._list_numbers())
            self._numbers = numbers or []
        return self._numbers

    async def _list_numbers(self) -> list[str]:
        return [n.number async for n in self.client.phone_numbers.list() if n.number]

    def _media_url(self, name: str) -> str:
        backend = self.console.backend
        if backend is None:
            raise NotConnected("not connected to an account yet")
        profile = backend.profile
        base = profile.api_url.rstrip("/")
        return f"{base}/users/{quote(profile.user_id, safe='')}/media/{quote(name, safe='')}"

    async def _write_message(self, *, to: str | None, number: str | None) -> None:
        numbers = await self._owned_numbers()
        if not numbers:
            self.app.notify("The account owns no number to send from.", severity="warning")
            return
        screen = MessageComposeScreen(numbers, to=to, number=number)
        draft = await self.app.push_screen_wait(screen)
        if draft is not None:
            await self.send(draft)

    async def send(self, draft: Draft) -> str | None:
        """Send a composed message (uploading its attachment first); returns the message id."""
        media: list[str] = []
        if draft.attachment is not None:
            url = await self._upload(draft.attachment)
            if url is None:
                return None
            media.append(url)
        message_id: str | None = await self.console.call_api(
            self.client.messages.send(
                from_=draft.number,
                to=draft.to,
                text=draft.text,
                media=media or None,
                # A receipt moves the row to delivered (or failed); MMS cannot ask for one.
                receipt_requested=None if media else "all",
            )
        )
        if message_id is None:
            return None
        self._sent_here.add(message_id)  # a failed delivery of it is told
        if message_id not in self.messages:
            self.add_message(
                message_id,
                {
                    "direction": "out",
                    "from": draft.number,
                    "to": draft.to,
                    "text": draft.text,
                    "media": media,
                    "state": "queued",
                },
            )
        self.follow(draft.to)  # the conversation, with the message just sent
        self.app.notify(f"Message to {draft.to} queued", timeout=3)
        if media:
            run_guarded(self, self._read_back(message_id), group="messages-mms")
        return message_id

    async def _read_back(self, message_id: str) -> None:
        """Learn an MMS's delivery from its resource: unable to ask for a receipt, it gets
        an event only when it fails (apiCallbacks/mms.md), so "delivered" is read back."""
        for _ in range(MMS_CHECKS):
            await asyncio.sleep(MMS_CHECK_SECONDS)
            message = await self.client.messages.get(message_id)
            self.add_message(message_id, message_from_api(message))
            if message.delivery_state not in (None, "", "waiting"):
                return

    async def _upload(self, path: Path) -> str | None:
        name = f"mms-{uuid.uuid4().hex[:12]}-{path.name}"
        screen = UploadScreen(f"Uploading {path.name}")
        await self.app.push_screen(screen)
        try:
            done = await self.console.call_api(self._put_media(name, path, screen))
        finally:
            screen.finish()
        return None if done is None else self._media_url(name)

    async def _put_media(self, name: str, path: Path, screen: UploadScreen) -> bool:
        await self.client.media.upload(name, path, on_progress=screen.advance)
        return True

    # --- actions --------------------------------------------------------------------------------------

    def action_compose(self) -> None:
        """Ask for a new message (from, to, text, optional file) and send it."""
        run_guarded(self, self._write_message(to=None, number=None), group="messages-compose")

    def action_reply(self) -> None:
        """Answer the highlighted conversation from the number it used."""
        key = self.table.cursor_key
        row = self.model.get(key) if key is not None else None
        if key is None or row is None:
            self.app.notify("No conversation to reply to.", severity="warning")
            return
        run_guarded(
            self, self._write_message(to=key, number=row["number"]), group="messages-compose"
        )

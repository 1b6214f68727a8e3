"""Events pane: the filter reads payload fields, Enter shows an event whole."""

from __future__ import annotations

from textual.containers import VerticalScroll

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.screens.event_view import EventViewScreen
from tests.live_events import relay_event

LONG_TAG = (
    "order-" + "x" * 70 + " " + "the rest of a long tag that no panel is wide enough for " * 40
)


EVENTS = (
    {"eventType": "hangup", "callId": "c-busy", "cause": "USER_BUSY", "callState": "completed"},
    {"eventType": "sms", "messageId": "m-1", "deliveryState": "delivered", "state": "sent"},
    {"eventType": "answer", "callId": "c-up", "callState": "active", "tag": LONG_TAG},
)


def console() -> BwConsoleApp:
    app = BwConsoleApp(initial_pane="events")
    for seq, payload in enumerate(EVENTS, start=1):
        app.add_event(relay_event(seq, payload=payload))
    return app


async def test_filter_matches_payload_fields_and_plain_text() -> None:
    app = console()
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.pane("events")
        await pilot.press("slash", *"cause:USER_BUSY")
        assert list(pane.model) == ["1"]  # the cause is in no column
        await pilot.press("escape", "slash", *"delivered")
        assert list(pane.model) == ["2"]
        await pilot.press("escape")
        assert len(pane.model) == 3


async def test_enter_opens_the_whole_event_wrapped_scrollable_and_copyable() -> None:
    app = console()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.pane("events").table.cursor_key == "3"  # the newest
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EventViewScreen)
        assert LONG_TAG in screen.text and '"callState": "active"' in screen.text
        body = screen.query_one(VerticalScroll)
        assert body.max_scroll_x == 0, "long values wrap instead of running off the edge"
        assert body.max_scroll_y > 0, "and the view scrolls"
        await pilot.press("y")
        assert app.clipboard == screen.text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, EventViewScreen)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, EventViewScreen)

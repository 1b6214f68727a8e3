"""Detail views follow their rows: a change to the highlighted row shows at once, and
the row the user just created is the one highlighted."""

from __future__ import annotations

from bwconsole.api.models import PhoneNumber
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.widgets.messages import MessagesPane
from bwconsole.tui.widgets.numbers import NumbersPane
from tests.console_helpers import until


def number(number_id: str, phone: str, name: str) -> PhoneNumber:
    return PhoneNumber(id=number_id, number=phone, name=name)


async def test_the_detail_shows_a_rename_without_moving_the_cursor() -> None:
    app = BwConsoleApp(initial_pane="numbers")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane("numbers")
        assert isinstance(pane, NumbersPane)
        pane.put(number("n-1", "+19195551234", "front desk"))
        pane.put(number("n-2", "+19195550000", "lab"))
        await until(pilot, lambda: "front desk" in str(pane.detail.content), "the first detail")
        cursor = pane.table.cursor_key
        pane.put(number("n-1", "+19195551234", "reception"))
        await until(pilot, lambda: "reception" in str(pane.detail.content), "the renamed detail")
        assert pane.table.cursor_key == cursor == "n-1"


async def test_the_conversation_just_written_to_is_highlighted_when_it_arrives() -> None:
    app = BwConsoleApp(initial_pane="messages")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane("messages")
        assert isinstance(pane, MessagesPane)
        for index, party in enumerate(("+19195550001", "+19195550002")):
            fields = {"direction": "in", "from": party, "to": "+19195551234", "text": "hi"}
            pane.add_message(f"m-{index}", fields)
        await pilot.pause(0.1)
        pane.follow("+19195550099")  # sent; its row comes with the message
        sent = {"direction": "out", "from": "+19195551234", "to": "+19195550099", "text": "yo"}
        pane.add_message("m-sent", sent)
        await until(pilot, lambda: pane.table.cursor_key == "+19195550099", "the new thread")
        await until(pilot, lambda: "yo" in str(pane.detail.content), "its detail")

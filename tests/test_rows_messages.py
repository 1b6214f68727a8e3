"""Messages and conversation rows follow message events (bwconsole.tui.rows.messages), on the
docs' own examples."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from bwconsole.events import Event, parse
from bwconsole.tui.rows.messages import after_event, conversation_row, party

FIXTURES = Path(__file__).parent / "fixtures" / "events"


def example(name: str, **changes: Any) -> Event:
    """A callback example of the v1 docs (tests/fixtures/events), parsed as the console does."""
    text = (FIXTURES / name).read_text()
    if changes:
        text = json.dumps({**json.loads(text), **changes})
    return parse(text, family="v1")


def apply(message: dict[str, Any] | None, event: Event) -> dict[str, Any]:
    result = after_event(message, event)
    assert result is not None
    return {"order": 0, **result}


def test_inbound_sms_is_a_received_message_of_its_conversation() -> None:
    message = apply(None, example("v1_sms_1.json"))
    assert (message["id"], message["direction"], message["text"]) == (
        "{messageId}",
        "in",
        "Example",
    )
    assert message["time"] == datetime.fromisoformat("2012-11-14T16:13:06.076+00:00").timestamp()
    assert party(message) == ("+13233326955", "+13865245000")
    row = conversation_row(message, count=1, unread=1)
    assert (row["party"], row["number"], row["state"], row["flagged"]) == (
        "+13233326955",
        "+13865245000",
        "received",
        False,
    )
    assert (row["text"], row["unread"], row["count"]) == ("Example", 1, 1)


def test_outbound_status_moves_a_known_message_along() -> None:
    queued = {"id": "{messageId}", "direction": "out", "to": "+13865245000", "state": "queued"}
    sent = apply(queued, example("v1_sms_2.json"))
    assert sent["state"] == "sent"
    assert party(sent) == ("+13865245000", "+13233326955")
    assert conversation_row(sent, count=1, unread=0)["state"] == "sent"


def test_failed_delivery_receipt_says_why_and_is_flagged() -> None:
    sent = apply(None, example("v1_sms_2.json"))
    receipt = parse(
        {
            "eventType": "sms",
            "messageId": "{messageId}",
            "deliveryState": "not-delivered",
            "deliveryCode": "503",
            "deliveryDescription": "Invalid destination.",
        }
    )
    failed = apply(sent, receipt)
    assert (failed["state"], failed["delivery_state"]) == ("sent", "not-delivered")
    assert failed["text"] == "Example"  # what the receipt does not say stays
    row = conversation_row(failed, count=1, unread=0)
    assert (row["state"], row["flagged"]) == ("not delivered: invalid destination", True)


def test_receipt_for_a_message_never_seen_shows_nothing() -> None:
    receipt = parse({"eventType": "sms", "messageId": "m-x", "deliveryState": "delivered"})
    assert after_event(None, receipt) is None


def test_inbound_mms_keeps_its_media() -> None:
    message = apply(None, example("v1_mms_1.json"))
    assert [url.rsplit("/", 1)[-1] for url in message["media"]] == [
        "A3087419-73C2-4A03-BB39-06BF3B1C240F-m-dr4mcch2wfb6frcls677glq.jpg",
        "123_1-m-dr4mcch2wfb6frcls677glq.smil",
    ]
    row = conversation_row(message, count=1, unread=0)
    assert (row["party"], row["text"]) == ("+15035555555", "Hello MMS!")
    no_text = apply(None, example("v1_mms_1.json", text=""))
    assert conversation_row(no_text, count=1, unread=0)["text"] == "[media]"


def test_get_callbacks_build_the_same_message() -> None:
    sms = apply(None, parse((FIXTURES / "v1_get-sms_1.txt").read_text()))
    assert (sms["from"], sms["to"], sms["text"]) == ("+19191231111", "+13204601164", "test")
    mms = apply(None, parse((FIXTURES / "v1_get-mms_1.txt").read_text()))
    assert mms["media"] == ["{full-url}/giphy-m-asdf.gif", "{full-url}/123_1-m-asdf.smil"]


def test_events_not_about_a_message_leave_it() -> None:
    assert after_event(None, example("v1_answer_1.json")) is None
    assert after_event(None, parse({"eventType": "future", "messageId": "m-1"})) is None

"""Callback events: every documented example parses, GET and JSON alike, and round-trips."""

from __future__ import annotations

import typing
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bwconsole import events
from bwconsole.events import (
    EVENT_TYPES,
    AnswerEvent,
    ConferenceEvent,
    Diversion,
    Event,
    EventParseError,
    GatherEvent,
    HangupEvent,
    IncomingCallEvent,
    MmsEvent,
    SmsEvent,
    TimeoutEvent,
    UnknownEvent,
    parse,
)

FIXTURES = Path(__file__).parent / "fixtures" / "events"
EXAMPLES = sorted(FIXTURES.iterdir())


def _load(name: str) -> Event:
    path = FIXTURES / name
    return parse(path.read_text(), family=name.split("_")[0])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_doc_example_parses_into_its_model_with_every_field(path: Path) -> None:
    event = parse(path.read_bytes(), family=path.name.split("_")[0])
    assert type(event) is EVENT_TYPES[event.event_type]
    # Every wire key of the example is a modelled field, not only kept in raw.
    assert set(event.raw) <= set(event.to_wire())
    assert parse(event.to_wire()) == event
    assert parse(event.to_query()) == event
    assert parse(urlencode(event.to_query())) == event


def test_doc_examples_cover_every_event_type_of_the_spec() -> None:
    documented = {
        *("answer", "playback", "timeout", "conference", "conference-playback", "dtmf"),
        *("conference-member", "conference-speak", "gather", "incomingcall", "hangup"),
        *("recording", "speak", "transcription", "sms", "mms", "redirect", "transferComplete"),
    }  # the eventType column of EVENTS.tsv (tests/fixtures/docs/)
    assert set(EVENT_TYPES) == documented
    assert {_load(path.name).event_type for path in EXAMPLES} == documented


def test_answer_and_incomingcall_json_examples_with_diversion() -> None:
    event = _load("v1_sipDiversionHeader_1.json")
    assert isinstance(event, IncomingCallEvent)
    assert event.application_id == "a-xyz"
    assert event.withhold_caller_number is False
    assert event.display_name == "+11111111111"
    assert event.diversion == Diversion(
        orig_to="+12222222222", reason="unavailable", screen="no", privacy="off", counter=1, limit=1
    )
    answer = _load("v1_answer_2.json")
    assert isinstance(answer, AnswerEvent)
    assert answer.tag == "example-tag"
    assert answer.from_ == "+15753222083"
    assert answer.time == datetime(2012, 11, 14, 16, 29, 35, 427000, tzinfo=UTC)


def test_bxml_answer_query_with_url_encoded_json_diversion() -> None:
    event = _load("bxml_answer_1.txt")
    assert isinstance(event, AnswerEvent)
    assert event.call_state == "active"
    assert event.withhold_caller_name is False
    assert event.tag == "{tag}"
    assert event.call_uri == "https://api.catapult.inetwork.com/v1/users/{user-id}/calls/{call-id}"
    # The example's JSON lacks its closing brace and sends the counter as a string.
    assert event.diversion == Diversion(
        privacy="off", screen="no", reason="unavailable", counter=1, orig_to="{number}"
    )
    assert event.time == datetime(2016, 2, 20, 16, 22, 30, tzinfo=UTC)


def test_bxml_gather_and_unencoded_plus_in_timeout_query() -> None:
    gather = _load("bxml_gather_1.txt")
    assert isinstance(gather, GatherEvent)
    assert (gather.terminating_digit, gather.reason, gather.gather_id) == (
        "#",
        "terminating-digit",
        "{gather-id}",
    )
    timeout = _load("bxml_callTimeout_1.txt")
    assert isinstance(timeout, TimeoutEvent)
    assert (timeout.to, timeout.from_) == ("+19192223333", "+19105553333")
    hangup = _load("bxml_hangup_1.txt")  # `key = value` with spaces, as the doc prints it
    assert isinstance(hangup, HangupEvent)
    assert (hangup.call_state, hangup.cause) == ("completed", "NORMAL_CLEARING")


def test_get_sms_and_mms_coerce_numbers_and_media_list() -> None:
    sms = _load("v1_get-sms_1.txt")
    assert isinstance(sms, SmsEvent)
    assert sms.segment_count == 1
    assert sms.message_id == "m-asdf"
    assert sms.from_ == "+19191231111"
    assert sms.message_uri == "https://api.catapult.inetwork.com/v1/users/u-123/messages/m-asdf"
    mms = _load("v1_get-mms_1.txt")
    assert isinstance(mms, MmsEvent)
    assert mms.media == ["{full-url}/giphy-m-asdf.gif", "{full-url}/123_1-m-asdf.smil"]
    repeated = parse("eventType=mms&media=https%3A%2F%2Fa%2F1.jpg&media=https%3A%2F%2Fa%2F2.smil")
    assert isinstance(repeated, MmsEvent)
    assert repeated.media == ["https://a/1.jpg", "https://a/2.smil"]


def test_json_mms_conference_member_and_transcription_fields() -> None:
    mms = _load("v1_mms_1.json")
    assert isinstance(mms, MmsEvent)
    assert mms.media is not None and mms.media[1].endswith("-m-dr4mcch2wfb6frcls677glq.smil")
    member = _load("v1_confMember_3.json")
    assert member.to_wire()["mute"] is True
    assert member.to_query()["hold"] == "false"
    transcription = _load("v1_transcription_1.json")
    assert transcription.to_wire()["textSize"] == 3627


def test_delivery_receipt_and_dotted_diversion_from_query_dict() -> None:
    receipt = parse(
        {"eventType": "sms", "deliveryState": "delivered", "deliveryCode": "0", "tag": "t"}
    )
    assert isinstance(receipt, SmsEvent)
    assert (receipt.delivery_code, receipt.tag) == (0, "t")
    answer = parse(
        {
            "eventType": "answer",
            "diversion.origTo": "+12222222222",
            "diversion.Limit": "3",
            "diversion.custom": "x",
        }
    )
    assert isinstance(answer, AnswerEvent)
    assert answer.diversion == Diversion(orig_to="+12222222222", limit=3, extra={"custom": "x"})


def test_starlette_query_params_parse_qs_dicts_and_empty_values() -> None:
    from urllib.parse import parse_qs

    from starlette.datastructures import QueryParams

    query = (
        "eventType=mms&media=https%3A%2F%2Fa%2F1.jpg&media=https%3A%2F%2Fa%2F2.smil&segmentCount=1"
    )
    from_starlette = parse(QueryParams(query))
    assert isinstance(from_starlette, MmsEvent)
    assert from_starlette.media == ["https://a/1.jpg", "https://a/2.smil"]
    assert parse(parse_qs(query)) == from_starlette
    empty = parse("eventType=sms&segmentCount=&time=&text=")
    assert isinstance(empty, SmsEvent)
    assert (empty.segment_count, empty.time, empty.text) == (None, None, "")
    assert empty.raw["segmentCount"] == ""


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2013-07-12T16:26:55.685-02:00", datetime(2013, 7, 12, 18, 26, 55, 685000, tzinfo=UTC)),
        ("2014-04-23T11:53:43-03", datetime(2014, 4, 23, 14, 53, 43, tzinfo=UTC)),
        ("2018-08-08T14:39:06Z", datetime(2018, 8, 8, 14, 39, 6, tzinfo=UTC)),
        (1384449125000, datetime(2013, 11, 14, 17, 12, 5, tzinfo=UTC)),
        ("1384449125000", datetime(2013, 11, 14, 17, 12, 5, tzinfo=UTC)),
    ],
)
def test_documented_time_formats(wire: Any, expected: datetime) -> None:
    event = parse({"eventType": "hangup", "time": wire})
    assert event.time == expected


def test_conference_time_is_completion_or_creation() -> None:
    event = _load("v1_conf_2.json")
    assert isinstance(event, ConferenceEvent)
    assert event.conference_id == "{conferenceId}"
    assert event.time == datetime(
        2013, 7, 12, 16, 45, 10, 103000, tzinfo=timezone(-timedelta(hours=2))
    )


def test_unknown_event_type_keeps_raw_payload() -> None:
    payload = {"eventType": "bridge-something", "callId": "c-1", "time": "2020-01-01T00:00:00Z"}
    event = parse(payload)
    assert isinstance(event, UnknownEvent)
    assert event.raw == payload
    assert (event.call_id, event.time) == ("c-1", datetime(2020, 1, 1, tzinfo=UTC))
    assert event.to_wire() == payload


def test_family_restricts_event_types_and_extra_fields_stay_in_raw() -> None:
    assert isinstance(parse({"eventType": "redirect"}, family="v1"), UnknownEvent)
    assert isinstance(parse({"eventType": "sms"}, family="bxml"), UnknownEvent)
    event = parse({"eventType": "dtmf", "dtmfDigit": "5", "newField": 1}, family="v1")
    assert event.raw["newField"] == 1
    assert "newField" not in event.to_wire()
    with pytest.raises(ValueError, match="family"):
        parse({"eventType": "dtmf"}, family="v2")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "empty"),
        ("{not json", "invalid JSON"),
        ("[1, 2]", "list, not an object"),
        ('"answer"', "str, not an object"),
        (b"\xff\xfe", "UTF-8"),
        ({"callId": "c-1"}, "no eventType"),
        ("callId=c-1&from=%2B1", "no eventType"),
        ({"eventType": 5}, "no eventType"),
        ({"eventType": "conference-member", "hold": "maybe"}, "conference-member hold"),
        ({"eventType": "sms", "segmentCount": "one"}, "sms segmentCount"),
        ({"eventType": "answer", "time": "yesterday"}, "answer time"),
        ({"eventType": "answer", "diversion": "nope"}, "diversion"),
        ({"eventType": "mms", "media": 5}, "mms media"),
    ],
)
def test_garbage_raises_event_parse_error(payload: Any, message: str) -> None:
    with pytest.raises(EventParseError, match=message):
        parse(payload)


def _sample(hint: Any, name: str) -> Any:
    kind = typing.get_args(hint)[0]
    if kind is bool:
        return True
    if kind is int:
        return 7
    if kind is datetime:
        return datetime(2020, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    if kind is Diversion:
        return Diversion(orig_to="+12222222222", reason="away", counter=2, extra={"x": "y"})
    if typing.get_origin(kind) is list:
        return ["https://m/1.jpg", "https://m/2.smil"]
    return "+15555550100" if name in ("from_", "to") else f"{name} value"


@pytest.mark.parametrize("cls", sorted(set(EVENT_TYPES.values()), key=lambda c: c.__name__))
def test_every_model_builds_by_keyword_and_round_trips(cls: type[Event]) -> None:
    hints = typing.get_type_hints(cls)
    kwargs = {
        f.name: _sample(hints[f.name], f.name)
        for f in fields(cls)
        if f.name not in ("raw", "event_type")
    }
    event = cls(**kwargs)
    assert parse(event.to_wire()) == event
    assert parse(urlencode(event.to_query())) == event
    assert "from_" not in event.to_wire()
    assert None not in cls().to_wire().values()


def test_public_surface_is_sorted_and_complete() -> None:
    assert events.__all__ == sorted(events.__all__, key=lambda n: (not n.isupper(), n))
    assert {c.__name__ for c in EVENT_TYPES.values()} <= set(events.__all__)

"""BXML: every docs example parses, every verb round-trips, bad documents name the element."""

from __future__ import annotations

from pathlib import Path

import pytest

from bwconsole import bxml
from bwconsole.bxml import (
    BxmlError,
    Gather,
    Hangup,
    Pause,
    PhoneNumber,
    PlayAudio,
    Record,
    Redirect,
    Response,
    SendDtmf,
    SpeakSentence,
    Transfer,
    parse,
    to_xml,
)

FIXTURES = Path(__file__).parent / "fixtures" / "bxml"
EXAMPLES = sorted(FIXTURES.glob("*.xml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_docs_example_parses_and_round_trips(path: Path) -> None:
    document = parse(path.read_bytes())
    assert document.children
    assert parse(to_xml(document)) == document


def test_docs_examples_parse_into_the_documented_values() -> None:
    gather = parse((FIXTURES / "verbs_gather_2.xml").read_text()).children[0]
    assert gather == Gather(
        request_url="https://gather.url/nextBXML",
        request_url_timeout=10000,
        terminating_digits="#",
        max_digits=1,
        tag='{"Hello":"World","Foo":"Bar"}',
        children=[
            SpeakSentence(
                "Thanks for calling Press 1 for more options",
                gender="female",
                locale="en_US",
                voice="susan",
            )
        ],
    )
    query = parse((FIXTURES / "verbs_gather_3.xml").read_text()).children[0]
    assert isinstance(query, Gather)
    assert query.request_url == "https://gather.url/nextBXML?Hello=World&Foo=Bar"
    speak = parse((FIXTURES / "verbs_speakSentence_1.xml").read_text()).children[0]
    assert speak == SpeakSentence(
        "Questo è un test", voice="paola", locale="it", gender="female", volume=4
    )
    # The docs write `<Record .../ >`, which is not XML; it is accepted as `/>`.
    record = parse((FIXTURES / "verbs_record_1.xml").read_text()).children[2]
    assert record == Record(
        request_url="https://record.url.server/recordVoicemail",
        transcribe=True,
        transcribe_callback_url="https://transcribe.url/result",
    )
    transfer = parse((FIXTURES / "verbs_transfer_4.xml").read_text()).children[0]
    assert transfer == Transfer(
        diversion_treatment="stack",
        diversion_reason="do-not-disturb",
        children=[PhoneNumber("+19195554444")],
    )
    assert parse((FIXTURES / "verbs_hangup_1.xml").read_text()) == Response(Hangup())


ROUND_TRIPS = [
    Gather(
        request_url="https://example.com/gather?a=1&b=2",
        request_url_timeout=30000,
        terminating_digits="*#",
        max_digits=128,
        inter_digit_timeout=5,
        bargeable=True,
        tag='{"json": "<&>"}',
        children=[SpeakSentence("One"), SpeakSentence("Two", volume=-4)],
    ),
    Gather(children=[PlayAudio("https://a/b.mp3", repeat_count=30, delay_before_repeat=60)]),
    Hangup(),
    PlayAudio("https://a/b.wav", volume=4, repeat_count=1),
    Pause(length=3600),
    Pause(),
    Record(
        request_url="https://example.com/rec",
        request_url_timeout=10000,
        file_format="wav",
        transcribe=True,
        transcribe_callback_url="http://example.com/tr",
        multi_channel=False,
        max_duration=3600,
        silence_timeout=60,
        silence_threshold=100,
        terminating_digits="#",
    ),
    Redirect(request_url="http://flow.url/nextBXML", request_url_timeout=10000),
    SendDtmf("1WW,234w*#"),
    SpeakSentence("Hallo & <tschüss>", gender="male", locale="de", voice="stefan", volume=0),
    Transfer(
        transfer_to="sip:user@proxy.example.com",
        transfer_caller_id="+15552221235",
        call_timeout=300,
        request_url="/relative",
        request_url_timeout=5000,
        tag="t",
        diversion_treatment="stack",
        diversion_reason="follow-me",
        children=[
            PhoneNumber("+15552221234"),
            SpeakSentence("Forwarded"),
            PlayAudio("https://a/b.wav"),
            Record(multi_channel=True),
        ],
    ),
]


@pytest.mark.parametrize("verb", ROUND_TRIPS, ids=lambda v: type(v).__name__)
def test_round_trip_per_verb(verb: bxml.Verb) -> None:
    document = Response(verb)
    text = to_xml(document)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <')
    assert parse(text) == document
    assert parse(text.encode()) == document


def test_writer_uses_camel_case_attributes_in_field_order() -> None:
    text = to_xml(Response(PlayAudio("https://a/b.wav", volume=-1, repeat_count=2)))
    assert '<PlayAudio volume="-1" repeatCount="2">https://a/b.wav</PlayAudio>' in text
    assert '<Record multiChannel="true" />' in to_xml(
        Response(Transfer(transfer_to="+1", children=[Record(multi_channel=True)]))
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not xml at all", "<Response>: not well-formed XML"),
        ("<Response><Hangup></Response>", "not well-formed XML"),
        ("<Reply><Hangup/></Reply>", "<Reply>: the root element must be <Response>"),
        ("<Response><Dial>+1</Dial></Response>", "<Dial>: unknown element inside <Response>"),
        ("<Response><Gather><Say/></Gather></Response>", "<Say>: unknown element inside <Gather>"),
        ("<Response><Response/></Response>", "<Response>: allowed only as the root element"),
        ("<Response><PhoneNumber>+1</PhoneNumber></Response>", "<PhoneNumber> is not allowed"),
        (
            "<Response><Gather><Record/></Gather></Response>",
            "<Gather>: <Record> is not allowed inside <Gather>",
        ),
        (
            "<Response><Gather><PlayAudio>u</PlayAudio><SpeakSentence>s</SpeakSentence></Gather></Response>",
            "<Gather>: may hold SpeakSentence or PlayAudio children, not both",
        ),
        (
            "<Response><Gather><PlayAudio>u</PlayAudio><PlayAudio>v</PlayAudio></Gather></Response>",
            "<Gather>: may hold at most one <PlayAudio>",
        ),
        (
            '<Response><Gather maxDigits="many"/></Response>',
            "<Gather>: maxDigits must be an integer",
        ),
        (
            '<Response><Gather maxDigits="129"/></Response>',
            "<Gather>: maxDigits must be at most 128",
        ),
        ('<Response><Gather terminatingDigits=""/></Response>', "<Gather>: terminatingDigits"),
        (
            '<Response><Gather requestUrl="/relative"/></Response>',
            "<Gather>: requestUrl must be an absolute",
        ),
        ('<Response><Gather colour="red"/></Response>', "<Gather>: unknown attribute 'colour'"),
        ("<Response><Hangup>now</Hangup></Response>", "<Hangup>: unexpected text 'now'"),
        ("<Response><Hangup><Pause/></Hangup></Response>", "<Hangup>: no child elements allowed"),
        (
            '<Response><PlayAudio volume="5">u</PlayAudio></Response>',
            "<PlayAudio>: volume must be at most 4",
        ),
        (
            '<Response><PlayAudio repeatCount="0">u</PlayAudio></Response>',
            "<PlayAudio>: repeatCount",
        ),
        ("<Response><PlayAudio>  </PlayAudio></Response>", "<PlayAudio>: needs text content"),
        ('<Response><Pause length="3601"/></Response>', "<Pause>: length must be at most 3600"),
        (
            '<Response><Record transcribe="yes"/></Response>',
            "<Record>: transcribe must be true or false",
        ),
        ('<Response><Record transcribe="true"/></Response>', "<Record>: transcribe=true requires"),
        ('<Response><Record fileFormat="ogg"/></Response>', "<Record>: fileFormat must be one of"),
        ('<Response><Record terminatingDigits="12"/></Response>', "<Record>: terminatingDigits"),
        ('<Response><Redirect requestUrl="http://a/b"/></Response>', "<Redirect>: requestUrl and"),
        (
            "<Response><SendDtmf>12A</SendDtmf></Response>",
            "<SendDtmf>: invalid DTMF characters 'A'",
        ),
        (f"<Response><SendDtmf>{'1' * 93}</SendDtmf></Response>", "<SendDtmf>: at most 92"),
        (
            '<Response><SpeakSentence gender="other">x</SpeakSentence></Response>',
            "<SpeakSentence>: gender",
        ),
        ("<Response><Transfer/></Response>", "<Transfer>: needs a destination"),
        (
            "<Response><Transfer transferTo='+1'>"
            + "<PhoneNumber>+2</PhoneNumber>" * 7
            + "</Transfer></Response>",
            "<Transfer>: at most 7 destinations including transferTo, got 8",
        ),
        (
            '<Response><Transfer transferTo="+1" callTimeout="301"/></Response>',
            "<Transfer>: callTimeout",
        ),
        (
            '<Response><Transfer transferTo="+1" diversionReason="bored"/></Response>',
            "diversionReason",
        ),
        (
            "<Response><Transfer transferTo='+1'><Gather/></Transfer></Response>",
            "<Gather> is not allowed",
        ),
        ("<Response>hello<Hangup/></Response>", "<Response>: unexpected text 'hello'"),
        ("<Response><Hangup/>trailing</Response>", "<Response>: unexpected text 'trailing'"),
        ('<Response x="1"/>', "<Response>: unknown attribute 'x'"),
    ],
)
def test_malformed_documents_are_rejected_naming_the_element(text: str, message: str) -> None:
    with pytest.raises(BxmlError, match=message.replace("*", r"\*")):
        parse(text)


def test_dtd_and_entities_are_refused_without_expansion() -> None:
    billion_laughs = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Response><SpeakSentence>&b;</SpeakSentence></Response>'
    )
    external = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Response><SendDtmf>&x;</SendDtmf></Response>'
    for text in (billion_laughs, external):
        with pytest.raises(BxmlError, match="DTDs and entity declarations are not allowed"):
            parse(text)


def test_sixteen_kilobyte_limit_both_ways() -> None:
    big = Response(SpeakSentence("x" * 16_400))
    with pytest.raises(BxmlError, match="over the 16 KB limit"):
        to_xml(big)
    with pytest.raises(BxmlError, match="over the 16 KB limit"):
        parse(f"<Response><SpeakSentence>{'x' * 16_400}</SpeakSentence></Response>")
    fits = Response(SpeakSentence("x" * 15_000))
    assert parse(to_xml(fits)) == fits


def test_builder_rejects_bad_values_and_late_mutation() -> None:
    with pytest.raises(BxmlError, match="<PlayAudio>: volume must be int"):
        PlayAudio("https://a/b.wav", volume="4")  # type: ignore[arg-type]
    with pytest.raises(BxmlError, match="<Record>: transcribe=true works only with fileFormat wav"):
        Record(transcribe=True, transcribe_callback_url="https://t/x", file_format="mp3")
    gather = Gather(children=[SpeakSentence("Press 1")])
    document = Response(gather)
    gather.children.append(PlayAudio("https://a/b.wav"))  # type: ignore[arg-type]
    with pytest.raises(BxmlError, match="<Gather>: may hold SpeakSentence or PlayAudio"):
        to_xml(document)


def test_generator_style_whitespace_comments_and_attribute_order_parse() -> None:
    text = """\ufeff
<?xml version="1.0" encoding="UTF-8"?>
<!-- written by a generator -->
<Response>
    <SpeakSentence
        volume="2" voice="julie"   gender="female">
        Hello there
    </SpeakSentence>
    <Pause length="2"></Pause>
</Response>
"""
    assert parse(text) == Response(
        SpeakSentence("Hello there", volume=2, voice="julie", gender="female"), Pause(length=2)
    )


def test_public_surface_is_sorted() -> None:
    assert bxml.__all__ == sorted(bxml.__all__, key=lambda n: (n[0].islower(), n))

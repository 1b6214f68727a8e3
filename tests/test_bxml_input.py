"""BXML input a callback server might really send: other encodings, hostile bytes, SDK quirks.

Every failure of `parse` is a `BxmlError` (the console's editor and the sandbox catch only
that); what the official generators write beyond the docs parses with a warning.
"""

from __future__ import annotations

import pytest

from bwconsole.bxml import (
    BxmlError,
    Gather,
    Hangup,
    Pause,
    PlayAudio,
    Redirect,
    Response,
    SpeakSentence,
    parse,
    to_xml,
)

INTERNAL_ENTITY = (
    '<?xml version="1.0" encoding="{encoding}"?>'
    '<!DOCTYPE Response [<!ENTITY who "world">]>'
    "<Response><SpeakSentence>hello &who;</SpeakSentence></Response>"
)


@pytest.mark.parametrize(
    ("encoding", "codec"),
    [
        ("UTF-8", "utf-8"),
        ("UTF-16", "utf-16"),
        ("UTF-16LE", "utf-16-le"),
        ("UTF-16BE", "utf-16-be"),
    ],
)
def test_a_dtd_is_refused_in_every_encoding(encoding: str, codec: str) -> None:
    """The old byte regex missed `<!DOCTYPE` in UTF-16, and the entity was then expanded."""
    data = INTERNAL_ENTITY.format(encoding=encoding).encode(codec)
    with pytest.raises(BxmlError, match="DTDs and entity declarations are not allowed"):
        parse(data)


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_which_expat_cannot_read_is_refused_unexpanded(codec: str) -> None:
    data = INTERNAL_ENTITY.format(encoding="UTF-32").encode(codec)
    with pytest.raises(BxmlError, match="<Response>: ") as caught:
        parse(data)
    assert "world" not in str(caught.value)


def test_other_encodings_parse_when_there_is_no_dtd() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><Response><SpeakSentence>hé</SpeakSentence></Response>'
    assert parse(text.encode("utf-16")) == Response(SpeakSentence("hé"))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<Response><SpeakSentence>\ud800</SpeakSentence></Response>", "not valid text"),
        (None, "text or bytes, not NoneType"),
        (42, "text or bytes, not int"),
        (
            f'<Response><Pause length="{"9" * 4400}"/></Response>',
            "<Pause>: length must be an integer, not '99999999999999999999…(4400 characters)'",
        ),
        (f'<Response><Gather maxDigits="{"9" * 5000}"/></Response>', "<Gather>: maxDigits must be"),
        ('<Response><Pause length="²"/></Response>', "<Pause>: length must be an integer"),
        (b"<Response>\xff\xfe</Response>", "not well-formed XML"),
        ('<?xml version="1.0" encoding="no-such"?><Response/>', "not well-formed XML"),
        ("<Response>" + "<Gather>" * 900 + "</Gather>" * 900 + "</Response>", "not allowed inside"),
    ],
)
def test_every_failure_is_a_bxml_error(document: object, message: str) -> None:
    with pytest.raises(BxmlError) as caught:
        parse(document)  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_response_is_built_like_the_sdk_builders_and_str_is_its_xml() -> None:
    response = Response(SpeakSentence("Hello", voice="julie"), Hangup())
    assert response.children == [SpeakSentence("Hello", voice="julie"), Hangup()]
    assert str(response) == to_xml(response)
    assert '<SpeakSentence voice="julie">Hello</SpeakSentence>' in str(response)
    assert parse(str(response)) == response
    with pytest.raises(BxmlError, match="is not allowed inside <Response>"):
        Response("Hangup")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("document", "expected", "warning"),
    [
        (
            "<xml><Response><Hangup/></Response></xml>",
            Response(Hangup()),
            "<xml>: wrapper around <Response> removed",
        ),
        (
            '<Response><Pause duration="2"/></Response>',
            Response(Pause(length=2)),
            "<Pause>: attribute 'duration' read as 'length'",
        ),
        (
            '<Response><Redirect requestUrl="http://a/b" requestUrlTimeout="100" context="x"/></Response>',
            Response(Redirect(request_url="http://a/b", request_url_timeout=100)),
            "<Redirect>: attribute 'context' ignored",
        ),
        (
            '<Response><Gather requestURL="http://a/g" integerDigitTimeout="3"/></Response>',
            Response(Gather(request_url="http://a/g", inter_digit_timeout=3)),
            "<Gather>: attribute 'requestURL' read as 'requestUrl'",
        ),
        (
            '<Response><PlayAudio digits="1">http://a/x.wav</PlayAudio></Response>',
            Response(PlayAudio("http://a/x.wav")),
            "<PlayAudio>: attribute 'digits' ignored",
        ),
        (
            '<Response><Conference from="+19195551212"/><Hangup/></Response>',
            Response(Hangup()),
            "<Conference>: obsolete verb inside <Response> skipped",
        ),
    ],
)
def test_generator_quirks_parse_with_a_warning(
    document: str, expected: Response, warning: str
) -> None:
    parsed = parse(document)
    assert parsed == expected
    assert any(w.startswith(warning) for w in parsed.warnings), parsed.warnings
    assert parse(to_xml(parsed)).warnings == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            '<Response><Pause duration="2" length="3"/></Response>',
            "<Pause>: attribute 'length' given twice",
        ),
        ('<Response><Pause seconds="2"/></Response>', "<Pause>: unknown attribute 'seconds'"),
        ('<Response><Pause duration="soon"/></Response>', "<Pause>: length must be an integer"),
        ("<xml><Response/><Response/></xml>", "<xml>: the root element must be <Response>"),
        ("<Response><Dial/></Response>", "<Dial>: unknown element inside <Response>"),
    ],
)
def test_genuinely_invalid_documents_still_fail_naming_element_and_attribute(
    document: str, message: str
) -> None:
    with pytest.raises(BxmlError, match=message):
        parse(document)

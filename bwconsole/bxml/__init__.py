"""BXML, the XML call scripts of the v1 API: verb dataclasses, parser and writer.

`parse(text)` reads a document into a validated `Response`; `to_xml(response)` writes it back
with an XML declaration and indentation, and `parse(to_xml(doc)) == doc`.
"""

from bwconsole.bxml.codec import parse, to_xml
from bwconsole.bxml.verbs import (
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
    Verb,
)

__all__ = [
    "BxmlError",
    "Gather",
    "Hangup",
    "Pause",
    "PhoneNumber",
    "PlayAudio",
    "Record",
    "Redirect",
    "Response",
    "SendDtmf",
    "SpeakSentence",
    "Transfer",
    "Verb",
    "parse",
    "to_xml",
]

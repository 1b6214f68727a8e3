"""BXML, the XML call scripts of the v1 API: verb dataclasses, parser and writer.

`parse(text)` reads a document into a validated `Response` (what it normalised in an
SDK-generated document is in `response.warnings`); `to_xml(response)`, or `str(response)`,
writes it back with an XML declaration and indentation, and `parse(to_xml(doc)) == doc`.
"""

from bwconsole.bxml.base import BxmlError, Verb
from bwconsole.bxml.reader import parse
from bwconsole.bxml.verbs import (
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
)
from bwconsole.bxml.writer import to_xml

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

"""Read BXML documents with ElementTree, parsing through defusedxml (writing: `writer.py`).

The parser accepts documents as real generators and the docs write them (XML declaration,
indentation, any attribute order, comments) and tolerates one quirk of the docs' own
`<Record .../ >` example; what the official SDK generators write beyond the docs is
normalised with a warning (`bwconsole.bxml.lenient`). Text content is stripped. defusedxml
refuses any DTD inside the XML parser itself, whatever the document's encoding, so no
entity is ever expanded. Every failure is a `BxmlError`.
"""

from __future__ import annotations

import re
import typing
import xml.etree.ElementTree as ET
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

from bwconsole.bxml.base import MAX_DOCUMENT_BYTES, BxmlError, Verb, attribute_fields
from bwconsole.bxml.lenient import attribute_name, obsolete_verb, unwrap_root
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

__all__ = ["parse"]

_VERBS: dict[str, type[Verb]] = {
    cls.TAG: cls
    for cls in (Gather, Hangup, Pause, PhoneNumber, PlayAudio, Record, Redirect, SendDtmf)
    + (SpeakSentence, Transfer)
}
_SPACED_EMPTY_TAG = re.compile(rb"(<[A-Za-z][^<>]*?)/\s+>")
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
"""Every documented integer fits in 18 digits; longer ones are refused before int()."""


def parse(text: str | bytes) -> Response:
    """Parse a BXML document as a callback server would reply it.

    Args:
        text: the document, with or without an XML declaration, in any encoding XML allows.

    Returns:
        The validated `Response`; its `warnings` say what was normalised to read it.

    Raises:
        BxmlError: not XML, over 16 KB, a DTD, an unknown element or attribute, a bad value,
            or a verb where it may not nest; the message names the element.
    """
    if isinstance(text, str):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BxmlError(f"<Response>: not valid text ({exc.reason})") from None
    elif isinstance(text, (bytes, bytearray, memoryview)):
        data = bytes(text)
    else:
        raise BxmlError(f"<Response>: a document is text or bytes, not {type(text).__name__}")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise BxmlError(f"<Response>: document is {len(data)} bytes, over the 16 KB limit")
    data = _SPACED_EMPTY_TAG.sub(rb"\1/>", data.lstrip(b"\xef\xbb\xbf \t\r\n"))
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise BxmlError("<Response>: DTDs and entity declarations are not allowed") from None
    except (ET.ParseError, ValueError, LookupError) as exc:
        raise BxmlError(f"<Response>: not well-formed XML ({exc})") from None
    warnings: list[str] = []
    root = unwrap_root(root, warnings)
    if root.tag != "Response":
        raise BxmlError(f"<{root.tag}>: the root element must be <Response>")
    return Response(*_children(root, Response, warnings), warnings=warnings)


def _element(element: ET.Element, parent: type[Verb], warnings: list[str]) -> Verb:
    cls = _VERBS.get(element.tag)
    if element.tag == "Response":
        raise BxmlError(f"<Response>: allowed only as the root element, not inside <{parent.TAG}>")
    if cls is None:
        raise BxmlError(f"<{element.tag}>: unknown element inside <{parent.TAG}>")
    if cls not in parent.CHILDREN:
        allowed = ", ".join(f"<{c.TAG}>" for c in parent.CHILDREN)
        raise BxmlError(
            f"<{parent.TAG}>: <{cls.TAG}> is not allowed inside <{parent.TAG}> (allowed: {allowed})"
        )
    known = attribute_fields(cls)
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for written, value in element.attrib.items():
        wire = attribute_name(cls.TAG, written, known, warnings)
        if wire is None:
            continue
        if wire not in known:
            raise BxmlError(f"<{cls.TAG}>: unknown attribute {wire!r}")
        if known[wire] in kwargs:
            raise BxmlError(f"<{cls.TAG}>: attribute {wire!r} given twice (as {written!r})")
        kwargs[known[wire]] = _value(cls, wire, value, hints[known[wire]])
    text = (element.text or "").strip()
    if cls.TEXT is not None:
        if len(element):
            raise BxmlError(f"<{cls.TAG}>: no child elements allowed, found <{element[0].tag}>")
        kwargs[cls.TEXT] = text
    elif text:
        raise BxmlError(f"<{cls.TAG}>: unexpected text {text!r}")
    if cls.CHILDREN:
        kwargs["children"] = _children(element, cls, warnings)
    elif len(element):
        raise BxmlError(f"<{cls.TAG}>: no child elements allowed, found <{element[0].tag}>")
    return cls(**kwargs)


def _children(element: ET.Element, cls: type[Verb], warnings: list[str]) -> list[Any]:
    if element.attrib and cls is Response:
        raise BxmlError(f"<Response>: unknown attribute {next(iter(element.attrib))!r}")
    text = (element.text or "").strip()
    if cls is Response and text:
        raise BxmlError(f"<Response>: unexpected text {text!r}")
    children = []
    for child in element:
        if child.tail and child.tail.strip():
            raise BxmlError(f"<{cls.TAG}>: unexpected text {child.tail.strip()!r}")
        if not obsolete_verb(child, cls.TAG, warnings):
            children.append(_element(child, cls, warnings))
    return children


def _value(cls: type[Verb], wire: str, value: str, hint: Any) -> Any:
    kind = next(a for a in typing.get_args(hint) if a is not type(None))
    if kind is int:
        if not _INTEGER.fullmatch(value.strip()):
            shown = value if len(value) <= 40 else f"{value[:20]}…({len(value)} characters)"
            raise BxmlError(f"<{cls.TAG}>: {wire} must be an integer, not {shown!r}")
        return int(value)
    if kind is bool:
        if value.strip().lower() not in ("true", "false"):
            raise BxmlError(f"<{cls.TAG}>: {wire} must be true or false, not {value!r}")
        return value.strip().lower() == "true"
    return value

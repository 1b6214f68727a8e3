"""Write BXML documents as the official generators do: declaration, two-space indentation.

Needs only what every verb shares (`base.py`), so `Response.__str__` can use it
without the writer importing the verbs back.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from bwconsole.bxml.base import MAX_DOCUMENT_BYTES, BxmlError, Verb, attribute_fields

if TYPE_CHECKING:
    from bwconsole.bxml.verbs import Response

__all__ = ["DECLARATION", "to_xml"]

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


def to_xml(response: Response) -> str:
    """Serialise a document as generators do: declaration, two-space indentation.

    Raises:
        BxmlError: the document breaks a rule (it is validated again, since lists are
            mutable) or is over 16 KB.
    """
    response.validate()
    root = _to_element(response)
    ET.indent(root, "  ")
    document = f"{DECLARATION}\n{ET.tostring(root, encoding='unicode')}\n"
    size = len(document.encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        raise BxmlError(f"<Response>: document is {size} bytes, over the 16 KB limit")
    return document


def _to_element(verb: Verb) -> ET.Element:
    element = ET.Element(verb.TAG)
    for wire, name in attribute_fields(type(verb)).items():
        value = getattr(verb, name)
        if value is not None:
            element.set(
                wire, ("true" if value else "false") if isinstance(value, bool) else str(value)
            )
    if verb.TEXT is not None:
        element.text = getattr(verb, verb.TEXT)
    for child in getattr(verb, "children", []):
        element.append(_to_element(child))
    return element

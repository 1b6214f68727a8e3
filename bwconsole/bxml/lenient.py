"""What the official BXML generators write that the v1 docs do not, and how it is read.

The API accepted the documents its own SDKs generated, so the parser does too: each case
below is normalised to the documented form and reported as a warning (the parsed
`Response.warnings`), never a hard failure. Anything not listed here is still an error
naming the element and attribute. Decisions and sources: docs/decisions/006-bxml-leniency.md.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

__all__ = [
    "ATTRIBUTE_ALIASES",
    "IGNORED_ATTRIBUTES",
    "OBSOLETE_VERBS",
    "attribute_name",
    "obsolete_verb",
    "unwrap_root",
]

ATTRIBUTE_ALIASES: dict[tuple[str, str], str] = {
    ("Pause", "duration"): "length",
    ("Gather", "integerDigitTimeout"): "interDigitTimeout",
}
"""(element, attribute written) -> documented attribute. bandwidth-bxml 0.3 writes
`<Pause duration>`; node-bandwidth 4.0.0 documents `integerDigitTimeout` for Gather."""

IGNORED_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("Redirect", "context"): "bandwidth-bxml 0.3 writes it",
    ("PlayAudio", "digits"): "bandwidth-bxml 0.3 writes it",
}
"""Attributes an SDK writes that no v1 verb has: dropped, with the reason in the warning."""

OBSOLETE_VERBS: frozenset[str] = frozenset({"Call", "Conference", "SendMessage"})
"""Verbs node-bandwidth 4.0.0 still builds (marking them obsolete) that the v1 docs lack."""


def unwrap_root(root: ET.Element, warnings: list[str]) -> ET.Element:
    """`<xml><Response>…</Response></xml>` (bandwidth-sdk 3.1.0's builder) -> the Response."""
    if root.tag == "xml" and len(root) == 1 and not root.attrib and root[0].tag == "Response":
        if (root.text or "").strip() or (root[0].tail or "").strip():
            return root
        warnings.append("<xml>: wrapper around <Response> removed (the root must be <Response>)")
        return root[0]
    return root


def attribute_name(tag: str, wire: str, known: dict[str, str], warnings: list[str]) -> str | None:
    """The documented attribute `wire` stands for, or None when it is to be dropped.

    Returns `wire` itself when it is documented or unknown (the caller rejects unknowns).
    """
    if wire in known:
        return wire
    alias = ATTRIBUTE_ALIASES.get((tag, wire))
    if alias is not None:
        warnings.append(f"<{tag}>: attribute {wire!r} read as {alias!r}")
        return alias
    reason = IGNORED_ATTRIBUTES.get((tag, wire))
    if reason is not None:
        warnings.append(f"<{tag}>: attribute {wire!r} ignored ({reason}; not a v1 attribute)")
        return None
    folded = {name.lower(): name for name in known}.get(wire.lower())
    if folded is not None:
        warnings.append(f"<{tag}>: attribute {wire!r} read as {folded!r} (names are camelCase)")
        return folded
    return wire


def obsolete_verb(element: ET.Element, parent: str, warnings: list[str]) -> bool:
    """True (and a warning) when `element` is an obsolete verb to skip."""
    if element.tag not in OBSOLETE_VERBS:
        return False
    warnings.append(
        f"<{element.tag}>: obsolete verb inside <{parent}> skipped (not in the v1 BXML docs)"
    )
    return True

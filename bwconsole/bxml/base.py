"""What every BXML element shares: the `Verb` base with its generic checks, and `BxmlError`.

A leaf of `bwconsole.bxml`: the verbs (`verbs.py`), the reader and the writer
all build on it, and it imports none of them.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, NoReturn
from urllib.parse import urlsplit

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "NOT_ATTRIBUTES",
    "BxmlError",
    "Verb",
    "attribute",
    "attribute_fields",
    "wire_name",
]

MAX_DOCUMENT_BYTES = 16 * 1024
"""A BXML document may be at most 16 KB (bxml/bxml.md)."""


NOT_ATTRIBUTES = frozenset({"children", "warnings"})
"""Fields that hold structure or parse notes, never written as attributes."""


class BxmlError(ValueError):
    """A BXML document or verb breaks the documented rules; the message names the element."""


def wire_name(name: str) -> str:
    """The camelCase attribute name of a snake_case field."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def attribute(
    low: int | None = None,
    high: int | None = None,
    *,
    choices: tuple[str, ...] = (),
    absolute_url: bool = False,
) -> Any:
    """An optional attribute with its documented limits (checked by `Verb.validate`)."""
    rules = {"low": low, "high": high, "choices": choices, "absolute_url": absolute_url}
    return field(default=None, metadata=rules)


@dataclass
class Verb:
    """Base of every BXML element: generic attribute checks plus per-verb rules."""

    TAG: ClassVar[str] = ""
    TEXT: ClassVar[str | None] = None
    """Name of the field holding the element's text content, if it has one."""
    CHILDREN: ClassVar[tuple[type[Verb], ...]] = ()
    """Verbs allowed as children (held in the `children` field)."""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check this element (and its children) against the documented rules.

        Raises:
            BxmlError: naming the element and the problem.
        """
        hints = typing.get_type_hints(type(self))
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "children":
                self._check_children(value)
            elif f.name in NOT_ATTRIBUTES:
                continue
            elif value is not None:
                self._check_value(f.name, value, hints[f.name], f.metadata)
        if self.TEXT is not None and not getattr(self, self.TEXT).strip():
            self.fail(f"needs text content ({self.TEXT})")
        self.check()

    def check(self) -> None:
        """Rules between attributes and children; overridden by verbs that have some."""

    def fail(self, problem: str) -> NoReturn:
        """Raise a `BxmlError` about this element."""
        raise BxmlError(f"<{self.TAG}>: {problem}")

    def _check_value(self, field_name: str, value: Any, hint: Any, rules: Any) -> None:
        name = field_name if field_name == self.TEXT else wire_name(field_name)
        kind = next(a for a in typing.get_args(hint) or (hint,) if a is not type(None))
        if isinstance(value, bool) is not (kind is bool) or not isinstance(value, kind):
            self.fail(f"{name} must be {kind.__name__}, not {value!r}")
        if rules.get("low") is not None and value < rules["low"]:
            self.fail(f"{name} must be at least {rules['low']}, not {value}")
        if rules.get("high") is not None and value > rules["high"]:
            self.fail(f"{name} must be at most {rules['high']}, not {value}")
        if rules.get("choices") and value not in rules["choices"]:
            self.fail(f"{name} must be one of {', '.join(rules['choices'])}, not {value!r}")
        if rules.get("absolute_url"):
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                self.fail(f"{name} must be an absolute http(s) URL, not {value!r}")

    def _check_children(self, children: list[Verb]) -> None:
        allowed = ", ".join(f"<{c.TAG}>" for c in self.CHILDREN)
        for child in children:
            if type(child) not in self.CHILDREN:
                name = f"<{child.TAG}>" if isinstance(child, Verb) else repr(child)
                self.fail(f"{name} is not allowed inside <{self.TAG}> (allowed: {allowed})")
            child.validate()


def attribute_fields(cls: type[Verb]) -> dict[str, str]:
    """Wire attribute name -> field name."""
    skip = {*NOT_ATTRIBUTES, cls.TEXT}
    return {wire_name(f.name): f.name for f in fields(cls) if f.name not in skip}

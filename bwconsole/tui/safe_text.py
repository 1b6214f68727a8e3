"""Text from outside the console, made safe to draw in the terminal.

Anything that comes from the API, a callback or a file can hold terminal control
sequences: a stranger who texts the user's number, or posts to a relay ingress, could
otherwise write `ESC]52;…` (set the clipboard), `ESC]0;…` (window title), `ESC[2J` or
`ESC[?1049l` straight into the user's terminal. Textual and Rich pass such characters
through, so every such string is drawn through this module: control characters (C0,
DEL, C1) and the bidirectional overrides that can make text read differently from
what it is are shown as visible symbols (`␛`, `␡`, `\\x9b`, `\\u202e`) instead.

Rich markup is a second hazard: `[` in a caller's text must not style the rest of a
toast, and `[/x]` must not raise `MarkupError`. `plain` builds a `Text` (never parsed
as markup) and `markup` escapes text that goes into a markup string.

Use:
- `visible(value)` for a plain string (table cells, toasts, option labels, inputs);
- `plain(value, style)` for a Rich `Text` piece;
- `markup(value)` inside a markup string (border titles, markup-enabled widgets);
- `clean(renderable)` on a whole detail view before it is shown (a safety net that
  keeps the styling of a `Text` and cleans a Rich `JSON`).
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Group, RenderableType
from rich.json import JSON
from rich.text import Span, Text
from textual.markup import escape

__all__ = ["UNSAFE", "clean", "clean_text", "markup", "plain", "visible"]

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal may act on (C0, DEL, C1) or that reorder text (bidi controls)."""
_KEPT_IN_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
"""The same, less newline and tab: for views that show text over several lines."""


def _symbol(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ … ␛ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(value: Any, *, lines: bool = False) -> str:
    """`value` as text with every control character replaced by a visible symbol.

    Args:
        value: Anything; None is "" and other objects go through `str`.
        lines: Keep newlines and tabs (a multi-line view); otherwise they are shown
            as `␊` and `␉` too, so one value stays on one line.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    pattern = _KEPT_IN_LINES if lines else UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda match: _symbol(match.group()), text)


def plain(value: Any, style: str = "", *, lines: bool = True) -> Text:
    """A Rich `Text` of `value` made visible: no markup is read in it."""
    return Text(visible(value, lines=lines), style=style)


def markup(value: Any) -> str:
    """`value` made visible and escaped, to put inside a Textual markup string."""
    return escape(visible(value))


def clean(renderable: RenderableType) -> RenderableType:
    """A detail view with any control character in its text made visible.

    A `Text` keeps its styles (it is cut at each unsafe character and put back
    together); a Rich `JSON` has its text cleaned (`json.dumps` escapes C0 but
    leaves C1 and bidi controls as they are); a `Group` has each of its parts
    cleaned. Other renderables are returned as they are: build them from `plain`.
    """
    if isinstance(renderable, Group):
        return Group(*(clean(part) for part in renderable.renderables), fit=renderable.fit)
    if isinstance(renderable, JSON):
        renderable.text = clean_text(renderable.text)
        return renderable
    if isinstance(renderable, Text):
        return clean_text(renderable)
    return renderable


def clean_text(text: Text) -> Text:
    """`text` with its control characters made visible, styles kept (itself when clean)."""
    source = text.plain
    found = list(_KEPT_IN_LINES.finditer(source))
    if not found:
        return text
    cuts = sorted({edge for match in found for edge in (match.start(), match.end())})
    result = text.blank_copy()
    for piece in text.divide(cuts):
        if _KEPT_IN_LINES.fullmatch(piece.plain):
            shown = _symbol(piece.plain)
            spans = [Span(0, len(shown), span.style) for span in piece.spans]
            result.append_text(Text(shown, style=piece.style, spans=spans))
        else:
            result.append_text(piece)
    return result

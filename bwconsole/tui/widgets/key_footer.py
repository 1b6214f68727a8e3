"""The footer: the keys of what has the focus, fitted to the terminal's width.

Textual's `Footer` lays every shown key side by side and lets the rest fall off
the right edge, so at 80 columns a newcomer never sees `?` (help) or `:` (the
palette) — the two keys that lead to all the others. This footer keeps those
two on the right whatever the width, drops other keys until the line fits —
first the keys every list shares (sort, copy, filter: learnt once), then the
pane's own from the end — and then says on the help key how many it left out.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

__all__ = ["COLLAPSE_FIRST", "PINNED_IDS", "KeyFooter", "fit_keys"]

PINNED_IDS = ("help", "command-palette-colon")
"""Binding ids always shown, on the right: help, then the command palette."""

COLLAPSE_FIRST = ("sort-reverse", "sort-next", "copy-id", "filter")
"""Binding ids dropped first when the line is too long, in this order."""

#: key padding (one each side) and the description's right padding of a FooterKey
_KEY_CHROME = 3


def key_width(key_display: str, description: str) -> int:
    """Cells a (non-compact) FooterKey takes."""
    return len(key_display) + len(description) + _KEY_CHROME


def fit_keys(keys: list[tuple[str | None, int]], room: int) -> list[bool]:
    """Which keys ((binding id, width), in display order) to show in `room` cells: drop
    the `COLLAPSE_FIRST` ones, then the others from the end, until the rest fits."""
    kept = [True] * len(keys)
    used = sum(width for _, width in keys)
    order = sorted(
        range(len(keys)),
        key=lambda i: (
            COLLAPSE_FIRST.index(keys[i][0])
            if keys[i][0] in COLLAPSE_FIRST
            else len(COLLAPSE_FIRST) + len(keys) - i
        ),
    )
    for index in order:
        if used <= room:
            break
        kept[index] = False
        used -= keys[index][1]
    return kept


class KeyFooter(Footer):
    """A footer whose help and palette keys never fall off; see the module docstring."""

    DEFAULT_CSS = """
    KeyFooter .key-footer--gap {
        width: 1fr;
    }
    """

    hidden_keys: int = 0
    """How many keys did not fit at the last layout (reachable from `?`)."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        seen: set[str] = set()
        keys: list[tuple[Binding, bool, str]] = []
        pinned: dict[str, tuple[Binding, bool, str]] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            if binding.id in PINNED_IDS:
                pinned[binding.id] = (binding, enabled, tooltip)
            else:
                keys.append((binding, enabled, tooltip))
        pins = [pinned[ident] for ident in PINNED_IDS if ident in pinned]
        room = (
            (self.size.width or self.app.size.width)
            - 1
            - sum(key_width(self.app.get_key_display(b), b.description) for b, _, _ in pins)
        )
        sized = [(b.id, key_width(self.app.get_key_display(b), b.description)) for b, _, _ in keys]
        kept = fit_keys(sized, room)
        if not all(kept):  # the help key grows a "+N more": make room for it too
            kept = fit_keys(sized, room - len(f" (+{len(keys)} more)"))
        self.hidden_keys = kept.count(False)
        for (binding, enabled, tooltip), keep in zip(keys, kept, strict=True):
            if keep:
                yield self._key(binding, enabled, tooltip)
        yield Static(classes="key-footer--gap")  # pushes the pinned keys to the right
        for binding, enabled, tooltip in pins:
            description = binding.description
            if binding.id == "help" and self.hidden_keys:
                description = f"{description} (+{self.hidden_keys} more)"
            yield self._key(binding, enabled, tooltip, description=description, pinned=True)

    def _key(
        self,
        binding: Binding,
        enabled: bool,
        tooltip: str,
        *,
        description: str | None = None,
        pinned: bool = False,
    ) -> FooterKey:
        return FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description if description is None else description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip or binding.tooltip,
            classes="-pinned" if pinned else "",
        ).data_bind(compact=Footer.compact)

    def on_resize(self, event: Resize) -> None:
        if self._bindings_ready:  # what fits changed with the width
            self.call_after_refresh(self.recompose)

"""The pane bar: every pane with the key that shows it, the current one highlighted."""

from __future__ import annotations

from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

__all__ = ["PaneBar"]


class PaneBar(Static):
    """One line such as `1 Numbers  2 Calls  …`; the app sets `entries` and `current`."""

    entries: reactive[tuple[tuple[str, str, str], ...]] = reactive(())
    """(pane id, key shown, title) for each pane, in order."""
    current: reactive[str] = reactive("")
    """Id of the pane on screen."""
    hints: reactive[tuple[tuple[str, str], ...]] = reactive(())
    """(key shown, what it does) for the keys that explain the rest, e.g. `?` for help;
    the footer has room for only some of a busy pane's keys."""

    def render(self) -> str:
        parts = []
        for pane_id, key, title in self.entries:
            label = f"[b]{escape(key)}[/b] {escape(title)}"
            if pane_id == self.current:
                label = f"[reverse] {label} [/reverse]"
            else:
                label = f" {label} "
            parts.append(label)
        if self.hints:
            hints = "  ".join(f"[b]{escape(key)}[/b] {escape(what)}" for key, what in self.hints)
            parts.append(f"   [dim]{hints}[/dim]")
        return "".join(parts)

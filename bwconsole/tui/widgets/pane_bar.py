"""The pane bar: every pane with the key that shows it, the current one highlighted."""

from __future__ import annotations

from rich.text import Text
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

__all__ = ["PaneBar"]


class PaneBar(Static):
    """One line such as `1 Numbers  2 Calls  …   ? all keys  : commands  ^q quit`.

    The app sets `entries`, `current` and `hints`. When the line is wider than the
    terminal, other panes shrink to their keys, the last first (the current one keeps
    its title), so that the hints, which lead to every other key, always stay in sight.
    """

    entries: reactive[tuple[tuple[str, str, str], ...]] = reactive(())
    """(pane id, key shown, title) for each pane, in order."""
    current: reactive[str] = reactive("")
    """Id of the pane on screen."""
    hints: reactive[tuple[tuple[str, str], ...]] = reactive(())
    """(key shown, what it does) for the keys that explain the rest, e.g. `?` for help;
    the footer has room for only some of a busy pane's keys."""

    def render(self) -> str:
        hints = ""
        if self.hints:
            joined = "  ".join(f"[b]{escape(key)}[/b] {escape(what)}" for key, what in self.hints)
            hints = f"   [dim]{joined}[/dim]"
        room = self.content_size.width or self.app.size.width
        others = [pane_id for pane_id, _, _ in self.entries if pane_id != self.current]
        short: set[str] = set()
        panes = self._panes(short)
        while _cells(panes + hints) > room and others:
            short.add(others.pop())  # the last panes' titles go first
            panes = self._panes(short)
        return panes + hints

    def _panes(self, short: set[str]) -> str:
        parts = []
        for pane_id, key, title in self.entries:
            if pane_id == self.current:
                parts.append(f"[reverse] [b]{escape(key)}[/b] {escape(title)} [/reverse]")
            elif pane_id in short:
                parts.append(f" [b]{escape(key)}[/b] ")
            else:
                parts.append(f" [b]{escape(key)}[/b] {escape(title)} ")
        return "".join(parts)


def _cells(markup: str) -> int:
    return Text.from_markup(markup).cell_len

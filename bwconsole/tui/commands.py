"""Command palette provider: every action of every pane, plus theme switching.

Built from the bindings (see `keys.py`), so the palette never drifts from the
keys; picking a command brings its pane forward and runs the action there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from bwconsole.tui.console import console_of

__all__ = ["ConsoleCommands"]

Command = tuple[str, str, Callable[[], object]]


class ConsoleCommands(Provider):
    """Offers "Pane: action" for every binding, and "Theme: name" for every theme."""

    def _commands(self) -> list[Command]:
        app = console_of(self.app)
        commands: list[Command] = []
        for entry in app.key_entries():
            if entry.binding.action == "command_palette":
                continue
            section = "Current list" if entry.section == "Every list" else entry.section
            binding = entry.binding
            title = f"{section}: {binding.tooltip or binding.description or binding.action}"
            run = partial(app.run_entry, entry)
            commands.append((title, f"key {entry.key}", run))
        for name in app.theme_names:
            commands.append(
                (f"Theme: {name}", "switch the colour theme", partial(app.set_theme, name))
            )
        return commands

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)

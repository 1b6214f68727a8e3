"""Help screen: every key of every pane, generated from the bindings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from bwconsole.tui.keys import KeyEntry
from bwconsole.tui.safe_text import plain

__all__ = ["HelpScreen", "keys_table"]


def keys_table(entries: Sequence[KeyEntry]) -> Table:
    """Lay out the key catalogue as one table, a section heading per pane."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column("key", style="bold", no_wrap=True, min_width=10)
    table.add_column("action", ratio=1)
    table.add_column("id", style="dim", no_wrap=True)
    section = None
    for entry in entries:
        if entry.section != section:
            if section is not None:
                table.add_row("", "", "")
            section = entry.section
            table.add_row(f"[u]{section}[/u]", "", "")
        description = entry.binding.tooltip or entry.binding.description or entry.binding.action
        table.add_row(plain(entry.key), plain(description), plain(entry.binding.id or ""))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists every key (after the user's keymap); escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help-close"),
    ]

    CSS_PATH = "../styles/help.tcss"

    def __init__(self, entries: Sequence[KeyEntry]) -> None:
        super().__init__()
        self._entries = entries

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys (escape closes; ids rebind in config.toml \\[keymap])"
            yield Static(keys_table(self._entries), id="help-keys")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

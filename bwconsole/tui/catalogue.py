"""The console's panes and global keys, and the key catalogue built from them.

`keys.py` knows how to read any class's bindings; this module knows which classes
the console is made of: the panes in pane-bar order, the app's own keys (one
`show-<pane>` key per pane among them), and every screen. The help screen, the
command palette, the pane bar's hints, `bwconsole doctor`'s keymap check and
`docs/keys.md` all read the catalogue from here, so they never drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.binding import Binding, BindingType

from bwconsole.tui.keys import KeyEntry, Owner, bwconsole_bindings, effective_key
from bwconsole.tui.widgets.api_log import ApiLogPane
from bwconsole.tui.widgets.calls import CallsPane
from bwconsole.tui.widgets.conferences import ConferencesPane
from bwconsole.tui.widgets.endpoints import EndpointsPane
from bwconsole.tui.widgets.errors import ErrorsPane
from bwconsole.tui.widgets.events_log import EventsLogPane
from bwconsole.tui.widgets.messages import MessagesPane
from bwconsole.tui.widgets.numbers import NumbersPane
from bwconsole.tui.widgets.pane import Pane
from bwconsole.tui.widgets.recordings import RecordingsPane
from bwconsole.tui.widgets.virtual_table import VirtualTable

__all__ = ["APP_BINDINGS", "PANES", "bar_hints", "binding_ids", "key_entries"]

PANES: tuple[type[Pane], ...] = (
    NumbersPane,
    CallsPane,
    ConferencesPane,
    MessagesPane,
    EndpointsPane,
    RecordingsPane,
    EventsLogPane,
    ApiLogPane,
    ErrorsPane,
)
"""Every pane, in pane-bar order."""


def _app_key(key: str, action: str, description: str, tooltip: str, id: str) -> Binding:
    """One of the app's secondary keys: in the help and the palette, not in the footer."""
    return Binding(key, action, description, tooltip=tooltip, show=False, id=id)


APP_BINDINGS: list[BindingType] = [
    Binding(
        "ctrl+p",
        "command_palette",
        "Commands",
        tooltip="Open the command palette",
        show=False,
        priority=True,
        id="command-palette",
    ),
    Binding(
        "colon",
        "command_palette",
        "Commands",
        tooltip="Open the command palette",
        key_display=":",
        id="command-palette-colon",
    ),
    Binding("question_mark", "help", "Help", tooltip="Show every key", key_display="?", id="help"),
    _app_key("f1", "welcome", "Welcome", "The first-run panel", "welcome"),
    _app_key(
        "f9",
        "bxml_settings",
        "BXML responder",
        "How BXML requests from the relay are answered",
        "bxml-settings",
    ),
    _app_key(
        "f4",
        "bxml_demo",
        "BXML demo number",
        "Link a number to an application that asks this console for BXML",
        "bxml-demo",
    ),
    _app_key(
        "f6",
        "add_account",
        "Add account",
        "Add a real account (checked before it is saved)",
        "add-account",
    ),
    _app_key(
        "f7",
        "point_callbacks",
        "Point callbacks",
        "Point an application's callback URLs at the relay",
        "point-callbacks",
    ),
    _app_key(
        "f8",
        "restore_callbacks",
        "Restore callbacks",
        "Put back the callback URLs replaced by point callbacks",
        "restore-callbacks",
    ),
    *(
        _app_key(
            pane.PANE_KEY,
            f"show_pane('{pane.PANE_ID}')",
            pane.TITLE,
            f"Show the {pane.TITLE} pane",
            f"show-{pane.PANE_ID}",
        )
        for pane in PANES
    ),
]
"""The app's own keys: the palette, help, the f-keys and one key per pane."""


def binding_ids() -> set[str]:
    """Every binding id a `[keymap]` may rebind: the app's, the panes' and every screen's."""
    import importlib
    import pkgutil

    from textual.screen import Screen

    from bwconsole.tui import screens

    for module in pkgutil.iter_modules(screens.__path__):  # some are imported only when used
        importlib.import_module(f"{screens.__name__}.{module.name}")
    classes: list[type] = [VirtualTable, Pane, *PANES]
    pending: list[type] = [Screen]
    while pending:
        screen = pending.pop()
        pending.extend(screen.__subclasses__())
        classes.append(screen)
    ids = {b.id for b in APP_BINDINGS if isinstance(b, Binding)}
    ids |= {b.id for cls in classes for b in bwconsole_bindings(cls)}
    return {binding_id for binding_id in ids if binding_id is not None}


def key_entries(
    app_class: type,
    panes: Mapping[str, Pane],
    keymap: Mapping[str, str],
    display: Callable[[Binding], str],
) -> list[KeyEntry]:
    """Every action with its current key: global, common to every list, then per pane.

    Entries with `pane_id=None` and owner "pane"/"table" act on the pane on screen.

    Args:
        app_class: The app's class (its bindings are the global keys).
        panes: The panes by id, in pane-bar order.
        keymap: The user's keymap (binding id -> keys).
        display: How a key is shown (the app's `get_key_display`).
    """
    entries: list[KeyEntry] = []

    def add(section: str, pane_id: str | None, owner: Owner, bindings: list[Binding]) -> None:
        for binding in bindings:
            shown = display(effective_key(binding, keymap))
            entries.append(KeyEntry(section, pane_id, owner, binding, shown))

    add("Global", None, "app", bwconsole_bindings(app_class))
    common = bwconsole_bindings(Pane)
    add("Every list", None, "pane", common)
    add("Every list", None, "table", bwconsole_bindings(VirtualTable))
    for pane_id, pane in panes.items():
        own = [b for b in bwconsole_bindings(type(pane)) if b not in common]
        add(pane.TITLE, pane_id, "pane", own)
    return entries


def bar_hints(
    entries: list[KeyEntry], quit_key: str
) -> tuple[tuple[tuple[str, str, str], ...], tuple[tuple[str, str], ...]]:
    """The pane bar's (pane id, key, title) per pane, and its hints: the keys that lead
    to every other key, and how to leave (Textual's ctrl+q, otherwise only in the palette)."""
    keys = {entry.binding.id: entry.key for entry in entries if entry.pane_id is None}
    panes = tuple((p.PANE_ID, keys[f"show-{p.PANE_ID}"], p.TITLE) for p in PANES)
    hints = (
        (keys["help"], "all keys"),
        (keys["command-palette-colon"], "commands"),
        (quit_key, "quit"),
    )
    return panes, hints

"""The console's key catalogue, read from the bindings themselves.

The help screen, the command palette and `docs/keys.md` all come from here,
so a new binding shows up everywhere and a user's keymap is reflected in each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding

__all__ = ["KeyEntry", "Owner", "bwconsole_bindings", "effective_key", "keys_markdown"]

Owner = Literal["app", "pane", "table"]
"""Which object runs the action: the app, the pane, or the pane's table."""


@dataclass(frozen=True)
class KeyEntry:
    """One action the user can take, and the key that takes it."""

    section: str
    """"Global", "Every list", or the pane's title."""
    pane_id: str | None
    """The pane the action belongs to (None: global, or any pane)."""
    owner: Owner
    binding: Binding
    key: str
    """The key as shown to the user, after the keymap."""


def bwconsole_bindings(cls: type) -> list[Binding]:
    """Bindings declared by bwconsole's own classes in `cls`'s hierarchy (base classes first).

    Textual's built-in scrolling keys are left out: they are not ours to document.
    """
    found: list[Binding] = []
    for klass in reversed(cls.__mro__):
        if not klass.__module__.startswith("bwconsole."):
            continue
        for binding in klass.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id is not None:
                found.append(binding)
    return found


def effective_key(binding: Binding, keymap: Mapping[str, str]) -> Binding:
    """Return `binding` with the key the keymap gives it (itself when not rebound)."""
    if binding.id is not None and binding.id in keymap:
        return binding.with_key(keymap[binding.id], key_display=None)
    return binding


def keys_markdown(entries: Sequence[KeyEntry]) -> str:
    """Render the key catalogue as Markdown (the body of `docs/keys.md`), a table per section."""
    lines: list[str] = []
    section = None
    for entry in entries:
        if entry.section != section:
            section = entry.section
            lines += ["", f"## {section}", "", "| Key | Action | Binding id |", "|---|---|---|"]
        binding = entry.binding
        action = binding.tooltip or binding.description or binding.action
        key = entry.key.replace("|", "\\|")
        lines.append(f"| `{key}` | {action} | `{binding.id}` |")
    return "\n".join(lines).lstrip() + "\n"

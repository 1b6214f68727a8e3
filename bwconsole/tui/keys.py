"""The console's key catalogue, read from the bindings themselves.

The help screen, the command palette and `docs/keys.md` all come from here,
so a new binding shows up everywhere and a user's keymap is reflected in each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding

__all__ = ["KeyEntry", "Owner", "bwconsole_bindings", "effective_key"]

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

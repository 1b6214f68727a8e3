"""The console's key catalogue, read from the bindings themselves.

The help screen, the command palette and `docs/keys.md` all come from here,
so a new binding shows up everywhere and a user's keymap is reflected in each.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding
from textual.keys import Keys

__all__ = [
    "KeyEntry",
    "Owner",
    "bwconsole_bindings",
    "effective_key",
    "is_key_name",
    "keymap_problems",
    "keys_markdown",
]

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED = frozenset(
    {key.value.rpartition("+")[2] for key in Keys}
    | {"enter", "tab", "space", "backspace", "escape", "delete"}
    | {f"f{n}" for n in range(1, 25)}
)
"""Key names Textual knows besides single characters (`enter`, `pageup`, `f5` …)."""

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


def is_key_name(key: str) -> bool:
    """True for a key Textual can bind: `d`, `D`, `ctrl+d`, `f5`, `question_mark`, `pageup`."""
    *modifiers, base = key.strip().split("+")
    if not base or any(m not in MODIFIERS for m in modifiers):
        return False
    if len(base) == 1 and base.isprintable():
        return True
    if base in _NAMED:
        return True
    try:  # a character by its Unicode name, as Textual spells it: question_mark, full_stop
        unicodedata.lookup(base.replace("_", " ").upper())
    except KeyError:
        return False
    return True


def keymap_problems(keymap: Mapping[str, str], known_ids: set[str]) -> list[str]:
    """What is wrong with a `[keymap]` table, one sentence each (empty: nothing).

    Textual ignores an unknown binding id and an unknown key name without a word, so
    a typo (`dial` for `call-dial`) would just do nothing; these say which and why.
    """
    problems: list[str] = []
    unknown = sorted(set(keymap) - known_ids)
    if unknown:
        problems.append(
            f"[keymap]: no binding has the id {', '.join(repr(u) for u in unknown)} "
            "(the ids are in docs/keys.md and in the ? screen)"
        )
    for binding_id, keys in keymap.items():
        bad = [key.strip() for key in keys.split(",") if not is_key_name(key)]
        if bad:
            problems.append(
                f"[keymap] {binding_id}: {', '.join(repr(b) for b in bad)} is not a key name "
                "(write e.g. d, ctrl+d, f5, pageup)"
            )
    return problems

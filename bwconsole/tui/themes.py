"""Colour themes: `.tcss` files of variable declarations, registered as Textual themes.

A theme file (`themes/NAME.tcss`) declares Textual's design-system colours
(`$primary: #0178d4;`, `$background: …;`, `$dark: true;`) and bwconsole's own
(`$bw-…`). The loader turns each file into a `textual.theme.Theme` named after
the file, so every widget (ours and Textual's) follows the theme and switching
is just `App.theme = NAME`. See docs/decisions/001-themes.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.color import Color, ColorParseError
from textual.theme import Theme

if TYPE_CHECKING:
    from textual.app import App

__all__ = [
    "BUILTIN_THEME_DIR",
    "DEFAULT_THEME",
    "ThemeError",
    "load_theme",
    "load_themes",
    "use_themes",
]


def _builtin_theme_dir() -> Path:
    """`themes/` at the top of a source checkout; inside the package once installed
    from a wheel (pyproject.toml force-includes it as `bwconsole/_themes`)."""
    installed = Path(__file__).parents[1] / "_themes"
    return installed if installed.is_dir() else Path(__file__).parents[2] / "themes"


BUILTIN_THEME_DIR = _builtin_theme_dir()
DEFAULT_THEME = "dark"

_COLOURS = {
    "primary", "secondary", "warning", "error", "success", "accent",
    "foreground", "background", "surface", "panel", "boost",
}  # fmt: skip
#: bwconsole's own variables (the header's sandbox badge and relay state); a theme may leave them out.
_DEFAULT_VARIABLES = {
    "bw-sandbox-background": "#d08700",
    "bw-sandbox-foreground": "#000000",
    "bw-connected": "#4ebf71",
    "bw-disconnected": "#ba3c5b",
}
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_DECLARATION = re.compile(r"\$([A-Za-z0-9_-]+)\s*:\s*([^;]+);")


class ThemeError(ValueError):
    """A theme file is missing, unreadable or lacks a required colour."""


def load_theme(path: Path) -> Theme:
    """Read one theme file into a Theme named after the file.

    Raises:
        ThemeError: the file cannot be read or declares no `$primary`.
    """
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ThemeError(f"cannot read theme {path}: {exc.strerror}") from exc
    declarations = {
        name: value.strip() for name, value in _DECLARATION.findall(_COMMENT.sub("", source))
    }
    if "primary" not in declarations:
        raise ThemeError(f"theme {path} declares no $primary colour")
    colours = {name: declarations.pop(name) for name in _COLOURS & declarations.keys()}
    for name, value in colours.items():
        try:
            Color.parse(value)
        except ColorParseError:
            raise ThemeError(f"theme {path}: ${name} is not a colour: {value!r}") from None
    dark = declarations.pop("dark", "true").lower() not in {"false", "no", "0"}
    return Theme(
        name=path.stem,
        dark=dark,
        variables={**_DEFAULT_VARIABLES, **declarations},
        **colours,
    )


def load_themes(directories: Iterable[Path] = ()) -> dict[str, Theme]:
    """Load the built-in themes, then any `*.tcss` in `directories` (same name wins later)."""
    themes: dict[str, Theme] = {}
    for directory in (BUILTIN_THEME_DIR, *directories):
        if directory.is_dir():
            for path in sorted(directory.glob("*.tcss")):
                themes[path.stem] = load_theme(path)
    return themes


def use_themes(app: App[None], theme: str, directories: Iterable[Path] = ()) -> tuple[str, ...]:
    """Offer `app` bwconsole's themes only, switch it to `theme`, and return their names.

    Textual's built-in themes are unregistered: they lack the $bw-* colours.

    Raises:
        ThemeError: `theme` is not a known theme, or a theme file is broken.
    """
    themes = load_themes(directories)
    if theme not in themes:
        raise ThemeError(f"unknown theme {theme!r}; choose one of: {', '.join(sorted(themes))}")
    for builtin in list(app.available_themes):
        app.unregister_theme(builtin)
    for loaded in themes.values():
        app.register_theme(loaded)
    app.theme = theme
    return tuple(themes)

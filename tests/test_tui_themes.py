"""Theme files: the three shipped themes load, user themes add or override, bad files say why."""

from __future__ import annotations

from pathlib import Path

import pytest

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.themes import ThemeError, load_theme, load_themes


def test_shipped_themes_are_dark_light_and_contrast() -> None:
    themes = load_themes()
    assert {"dark", "light", "contrast"} <= themes.keys()
    assert themes["dark"].dark and not themes["light"].dark
    assert themes["contrast"].variables["block-cursor-background"] == "#ffff00"
    for theme in themes.values():
        assert "bw-sandbox-background" in theme.variables


def test_user_theme_directory_adds_themes(tmp_path: Path) -> None:
    (tmp_path / "ocean.tcss").write_text("/* mine */\n$primary: #226688;\n$dark: false;\n")
    themes = load_themes([tmp_path])
    assert themes["ocean"].primary == "#226688" and not themes["ocean"].dark
    assert themes["ocean"].variables["bw-connected"]  # defaults filled in


def test_bad_theme_files_are_refused_in_words(tmp_path: Path) -> None:
    (tmp_path / "empty.tcss").write_text("/* nothing */\n")
    with pytest.raises(ThemeError, match=r"no \$primary"):
        load_theme(tmp_path / "empty.tcss")
    (tmp_path / "typo.tcss").write_text("$primary: #12345g;\n")
    with pytest.raises(ThemeError, match="not a colour"):
        load_theme(tmp_path / "typo.tcss")


async def test_user_theme_is_selectable_by_name(tmp_path: Path) -> None:
    (tmp_path / "ocean.tcss").write_text("$primary: #226688;\n$background: #001020;\n")
    app = BwConsoleApp(theme="ocean", theme_dirs=[tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "ocean" and "ocean" in app.theme_names
        assert "textual-dark" not in app.available_themes


async def test_unknown_keymap_id_is_reported() -> None:
    app = BwConsoleApp(keymap={"no-such-action": "z"})
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert any("no-such-action" in n.message for n in app._notifications)


async def test_a_theme_picked_in_the_palette_is_kept_for_the_next_start() -> None:
    from textual.command import CommandPalette

    from bwconsole.config import load_config
    from bwconsole.tui.run import save_theme

    app = BwConsoleApp(theme="dark", save_theme=save_theme)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("colon")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"theme: light")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.theme == "light"
    assert load_config().theme == "light"

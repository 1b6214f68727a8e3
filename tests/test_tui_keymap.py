"""`[keymap]` in config.toml: the documented example works, mistakes are reported."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bwconsole.cli import main
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.catalogue import binding_ids
from bwconsole.tui.keys import is_key_name, keymap_problems
from tests.console_helpers import until

DOCS = Path(__file__).resolve().parents[1] / "docs"


def documented_keymap() -> dict[str, str]:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```toml\n(.*?)```", text, re.S)
    keymap = tomllib.loads(example)["keymap"]
    assert keymap, "the example rebinds something"
    return keymap


def test_the_documented_keymap_names_real_ids_and_keys() -> None:
    assert keymap_problems(documented_keymap(), binding_ids()) == []


async def test_the_documented_keymap_rebinds_the_key() -> None:
    app = BwConsoleApp(initial_pane="calls", keymap=documented_keymap())
    async with app.run_test() as pilot:
        (entry,) = [e for e in app.key_entries() if e.binding.id == "call-dial"]
        assert "ctrl+d" in entry.key.lower() or "^d" in entry.key
        await pilot.press("ctrl+d")  # dialling, offline: it says it is not connected yet
        await until(
            pilot,
            lambda: any("Not connected" in n.message for n in app._notifications),
            "the dial action",
        )
        assert not [n for n in app._notifications if "[keymap]" in n.message]


async def test_unknown_ids_and_key_names_are_told_at_start() -> None:
    app = BwConsoleApp(keymap={"dial": "d,ctrl+d", "call-hang-up": "contrl+h,H"})
    async with app.run_test() as pilot:
        await pilot.pause()
        said = " ".join(n.message for n in app._notifications if n.severity == "warning")
        assert "no binding has the id 'dial'" in said
        assert "call-hang-up: 'contrl+h' is not a key name" in said
        assert "'H'" not in said


def test_key_names() -> None:
    good = ["d", "D", "ctrl+d", "f5", "question_mark", "pageup", "enter", "ctrl+shift+x", "]"]
    assert all(is_key_name(k) for k in good)
    assert not any(is_key_name(k) for k in ["contrl+d", "dd", "f99", "", "ctrl+", "page up"])


def test_screen_ids_count_as_known() -> None:
    assert {"call-dial", "form-cancel", "bxml-use-default", "help-close"} <= binding_ids()


def test_doctor_reports_a_bad_keymap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BWCONSOLE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text('[keymap]\ndial = "d"\n', encoding="utf-8")
    monkeypatch.setattr("bwconsole.doctor._doctor_sandbox", _no_checks)
    main(["--sandbox", "doctor"])
    out = capsys.readouterr().out
    assert "no binding has the id 'dial'" in out


async def _no_checks(time_limit: float, report: object) -> int:
    return 0


@pytest.mark.parametrize("width", [80, 160])
async def test_quit_and_member_keys_are_on_screen(width: int) -> None:
    app = BwConsoleApp(initial_pane="conferences")
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause(0.2)
        bar = str(app.query_one("#pane-bar").render())
        assert "[b]^q[/b] quit" in bar
        footer = {key for key, _ in app.active_bindings.items()}
        assert {"right_square_bracket", "left_square_bracket"} <= footer
        shown = [
            b.binding.id for b in app.active_bindings.values() if b.binding.show and b.binding.id
        ]
        assert "conferences-next" in shown and "conferences-prev" in shown

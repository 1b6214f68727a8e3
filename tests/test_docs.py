"""The docs stay true: docs/keys.md is what the bindings say, and README leads to every doc.

docs/keys.md is generated from the bindings (the same catalogue the help
screen and the command palette show). Regenerate it after changing a key:

    uv run python tests/test_docs.py > docs/keys.md

docs/screenshot.svg (shown in README) is the console on a freshly seeded
sandbox, Calls pane, one call live; retake it after a change of look:

    uv run python tests/test_docs.py screenshot
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.keys import keys_markdown

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
KEYS_DOC = DOCS / "keys.md"
SCREENSHOT = DOCS / "screenshot.svg"
SCREENSHOT_SIZE = (130, 20)
SCREENSHOT_CALL = "+15550021234"
"""A sandbox far end that answers after 2 s and stays: a live row with its timer."""

HEADER = """\
# Keys

<!-- Generated from the console's bindings: do not edit by hand.
     Regenerate with `uv run python tests/test_docs.py > docs/keys.md`
     (tests/test_docs.py fails while this file is out of date). -->

Every key of the console, by pane, as the help screen (`?`) lists them. Any key
can be changed in `config.toml` under `[keymap]`, by its binding id (see
[configuration](configuration.md)), e.g. `call-dial = "d,ctrl+d"`. The keys
under "Every list" work in every pane; a pane's own keys work while it is shown.
"""


def keys_doc() -> str:
    """The text docs/keys.md should hold: the header, then a table per section."""
    return f"{HEADER}\n{keys_markdown(BwConsoleApp().key_entries())}"


def test_keys_doc_matches_the_bindings() -> None:
    assert KEYS_DOC.exists(), (
        "docs/keys.md is missing: uv run python tests/test_docs.py > docs/keys.md"
    )
    assert KEYS_DOC.read_text(encoding="utf-8") == keys_doc(), (
        "docs/keys.md is out of date: uv run python tests/test_docs.py > docs/keys.md"
    )


def test_keys_doc_lists_every_key_under_its_section() -> None:
    sections = dict(part.split("\n", 1) for part in keys_doc().split("\n## ")[1:])
    for entry in BwConsoleApp().key_entries():
        key = entry.key.replace("|", "\\|")
        rows = sections[entry.section].splitlines()
        assert any(
            row.startswith(f"| `{key}` | ") and row.endswith(f" | `{entry.binding.id}` |")
            for row in rows
        ), f"{entry.binding.id} ({entry.key}) is not under {entry.section}"


def readme_doc_links() -> set[str]:
    """Paths under docs/ that README links to (anchors dropped)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"\]\((docs/[^)#\s]+)(?:#[^)]*)?\)", readme)}


def test_readme_links_every_doc() -> None:
    docs = {f"docs/{path.name}" for path in [*DOCS.glob("*.md"), *DOCS.glob("*.svg")]}
    missing = sorted(docs - readme_doc_links())
    assert not missing, f"README.md does not link {', '.join(missing)}"


def test_readme_doc_links_lead_somewhere() -> None:
    dead = sorted(link for link in readme_doc_links() if not (ROOT / link).exists())
    assert not dead, f"README.md links missing files: {', '.join(dead)}"


async def take_screenshot() -> str:
    """The console on a fresh seeded sandbox: the Calls pane with one call answered."""
    sys.path.insert(0, str(Path(__file__).parent))
    from calls_console import dial
    from console_helpers import connected_console, until

    with tempfile.TemporaryDirectory(prefix="bwconsole-screenshot-") as home:
        console = connected_console(Path(home), pane="calls", size=SCREENSHOT_SIZE, time_scale=1)
        async with console as (app, pilot):
            calls = app.pane("calls")
            await until(pilot, lambda: calls.model.total >= 4, "the seeded calls")
            await dial(pilot, SCREENSHOT_CALL)
            await pilot.pause(2.2)  # the timer shows a few seconds
            return app.export_screenshot(title="bwconsole --sandbox")


if __name__ == "__main__":
    if sys.argv[1:] == ["screenshot"]:
        SCREENSHOT.write_text(asyncio.run(take_screenshot()), encoding="utf-8")
    else:
        sys.stdout.write(keys_doc())

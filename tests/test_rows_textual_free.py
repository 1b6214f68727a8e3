"""The row modules run without Textual: importing them loads no part of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROWS = sorted(
    f"bwconsole.tui.rows.{path.stem}"
    for path in (Path(__file__).parent.parent / "bwconsole" / "tui" / "rows").glob("*.py")
    if path.stem != "__init__"
)


def test_no_row_module_imports_textual() -> None:
    assert ROWS, "no row modules found"
    code = (
        f"import sys\nimport {', '.join(ROWS)}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

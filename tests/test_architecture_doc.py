"""docs/architecture.md says how the code is: its layering table is the import graph,
and every file it names exists.

The table under "## Who may import whom" lists, for each top-level module or
package of `bwconsole/`, the other ones it imports (at run time or for the type
checker). The test compares it both ways, so a new dependency needs the doc to
say so, and a dependency that went away leaves the doc with it.
"""

from __future__ import annotations

import re
import subprocess

from tests.test_import_graph import ROOT, import_graph

DOC = ROOT / "docs" / "architecture.md"
TEXTUAL_UI = ("textual.app", "textual.screen", "textual.widget", "textual.containers")
"""What a flow in `tui/actions/` must not import: it asks through the `Console`."""


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "bwconsole"


def _name(cell: str) -> str:
    return cell.strip().strip("`").removesuffix("/").removesuffix(".py")


def documented_layers() -> dict[str, set[str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Who may import whom", 1)[1].split("\n## ", 1)[0]
    layers: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        layers[_name(cells[0])] = set(re.findall(r"`([\w.]+)/?`", cells[1])) - {"—"}
        layers[_name(cells[0])] = {_name(n) for n in layers[_name(cells[0])]}
    return layers


def actual_layers() -> dict[str, set[str]]:
    layers: dict[str, set[str]] = {}
    for module, imported in import_graph(type_checking=True).items():
        top = _top(module)
        if top in {"bwconsole", "__main__"}:
            continue
        layers.setdefault(top, set()).update(
            _top(other) for other in imported if _top(other) not in {top, "bwconsole"}
        )
    return layers


def test_the_layering_table_is_the_import_graph() -> None:
    documented, actual = documented_layers(), actual_layers()
    assert sorted(documented) == sorted(actual), "a module is missing from the table, or gone"
    wrong = {
        name: {"imports, not in the doc": sorted(actual[name] - documented[name])}
        | {"in the doc, not imported": sorted(documented[name] - actual[name])}
        for name in actual
        if actual[name] != documented[name]
    }
    assert not wrong, f"docs/architecture.md's layering table is stale: {wrong}"


def test_every_file_the_doc_names_exists() -> None:
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    named = set(re.findall(r"`(\w[\w/.]*(?:\.py|\.tcss|\.md|/))`", DOC.read_text(encoding="utf-8")))
    missing = sorted(
        name
        for name in named
        if not any(f.endswith(name) or f"/{name}" in f"/{f}" or f.startswith(name) for f in files)
    )
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"


def test_flows_never_import_the_ui() -> None:
    actions = ROOT / "bwconsole" / "tui" / "actions"
    offenders = {
        str(path.relative_to(ROOT)): line.strip()
        for path in actions.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"\s*(from|import) (" + "|".join(map(re.escape, TEXTUAL_UI)) + r")\b", line)
    }
    assert not offenders, f"tui/actions/ must ask through the Console, not Textual: {offenders}"


def test_only_the_console_imports_textual() -> None:
    """`logs.py` is the one exception: with `--dev` it hands records to `textual console`."""
    package = ROOT / "bwconsole"
    importers = {
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tui" not in path.relative_to(package).parts
        if re.search(r"^\s*(from|import) textual\b", path.read_text(encoding="utf-8"), re.M)
    }
    assert importers == {"logs.py"}

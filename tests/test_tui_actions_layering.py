"""The console's flows (`tui/actions/`) stay free of Textual and of the panes.

What a flow runs (its own imports and everything they import in turn, lazy ones
included) never reaches a pane, a screen or the app, nor a Textual module that
draws or runs anything: a flow asks through the `Console`, so it can run against
a fake one. Validators (`textual.validation`) are plain checks and allowed.
"""

from __future__ import annotations

from test_import_graph import PACKAGE, ROOT, _imported_names, _module_name, import_graph

ALLOWED_TEXTUAL = ("textual.validation",)
"""The Textual module a flow may reach: the validators' base class and its results."""


def _reached_from_actions() -> set[str]:
    graph = import_graph()
    pending = [name for name in graph if name.startswith("bwconsole.tui.actions")]
    reached: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in reached:
            reached.add(name)
            pending.extend(graph.get(name, ()))
    return reached


def test_no_flow_reaches_a_pane_a_screen_or_the_app() -> None:
    forbidden = ("bwconsole.tui.widgets", "bwconsole.tui.screens", "bwconsole.tui.app")
    bad = sorted(name for name in _reached_from_actions() if name.startswith(forbidden))
    assert not bad, f"tui/actions/ reaches {bad}"


def test_no_flow_imports_textual_beyond_validators() -> None:
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    bad = {}
    for name in sorted(_reached_from_actions()):
        package = name if paths[name].name == "__init__.py" else name.rpartition(".")[0]
        textual = {
            imported
            for imported in _imported_names(paths[name], package)
            if imported.split(".")[0] == "textual"
            and imported != "textual"
            and not imported.startswith(ALLOWED_TEXTUAL)
        }
        if textual:
            bad[str(paths[name].relative_to(ROOT))] = sorted(textual)
    assert not bad, f"Textual reached from tui/actions/: {bad}"

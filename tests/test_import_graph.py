"""No import cycle inside bwconsole/, and only the launcher imports the console app.

The graph holds every import a module can run — at the top and inside functions
(lazy imports hide cycles, they do not remove them) — except those under
`if TYPE_CHECKING:`, which never run. A cycle anywhere fails the test.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bwconsole"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(path: Path, package: str, *, type_checking: bool = False) -> set[str]:
    """Every dotted name an import in `path` may load (`from a import b` may be a.b);
    with `type_checking`, also those only the type checker reads."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child) and not type_checking:
                for other in child.orelse:
                    visit_node(other)
            else:
                visit_node(child)

    def visit_node(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return found


def import_graph(*, type_checking: bool = False) -> dict[str, set[str]]:
    """Module -> the bwconsole modules it imports (at run time, or also for the type checker)."""
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = _imported_names(path, package, type_checking=type_checking)
        graph[name] = {m for m in imported if m in paths and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.add(frozenset(component))
    return found


def test_the_finder_sees_a_cycle_made_by_a_lazy_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == {frozenset({"a", "b", "c"})}
    assert "bwconsole.tui.app" in import_graph()["bwconsole.tui.run"]  # imported inside a function


def test_no_import_cycle() -> None:
    found = sorted(sorted(c) for c in cycles(import_graph()))
    assert not found, f"import cycles inside bwconsole/: {found}"


def test_the_sandbox_route_modules_loaded_by_name_close_no_cycle() -> None:
    """`sandbox/app.py` imports its route modules by name (`RESOURCE_MODULES`); counted as
    imports, they still close no circle: they use `auth` and `faults`, never the app."""
    from bwconsole.sandbox.app import RESOURCE_MODULES

    graph = import_graph()
    graph["bwconsole.sandbox.app"] |= {f"bwconsole.sandbox.{name}" for name in RESOURCE_MODULES}
    assert not [sorted(c) for c in cycles(graph) if "bwconsole.sandbox.app" in c]


TUI_ENTRY_POINTS = {"bwconsole.tui.run"}
"""Who may import the concrete app: the launcher (`doctor` reads the binding ids from
`tui/catalogue.py`)."""


def test_only_the_entry_points_import_the_app() -> None:
    """The console's parts reach the app through `tui/console.py`'s `Console` protocol."""
    importers = {
        name
        for name, imported in import_graph(type_checking=True).items()
        if "bwconsole.tui.app" in imported
    }
    assert importers <= TUI_ENTRY_POINTS, (
        f"import tui/app.py: {sorted(importers - TUI_ENTRY_POINTS)}"
    )

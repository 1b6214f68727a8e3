"""What the package declares matches what it imports, and what a user installs works.

A module that imports a library nobody declared works in the developer's
environment (something else pulled it in) and fails for a user who installs the
wheel; a declared library nothing imports is weight every user downloads. Both
are caught here, including imports added later by other work (defusedxml,
aiohttp, phonenumbers, …).
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from bwconsole import __version__

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bwconsole"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules() -> dict[str, set[str]]:
    """Top-level third-party module -> the files importing it, over every module in bwconsole/."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("bwconsole", "__future__"):
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _declared() -> dict[str, Requirement]:
    """Distribution name -> requirement, from `dependencies` and every optional extra."""
    project = PYPROJECT["project"]
    lines = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        lines.extend(extra)
    return {_normal(req.name): req for req in map(Requirement, lines)}


RUNTIME_ONLY = {
    "sniffio": "httpcore imports it whenever it makes a lock; without it every request "
    "pays a failed import that walks sys.path (~0.9 ms, docs/performance.md)",
}
"""Declared though bwconsole/ never imports them, each with the reason."""


def _distributions_of(module: str) -> set[str]:
    return {_normal(d) for d in importlib.metadata.packages_distributions().get(module, [])}


def test_every_imported_library_is_declared() -> None:
    declared = _declared()
    missing = {
        module: sorted(files)
        for module, files in _imported_modules().items()
        if not _distributions_of(module) & set(declared)
    }
    assert not missing, f"imported by bwconsole/ but not in [project] dependencies: {missing}"


def test_every_declared_library_is_imported() -> None:
    imported: set[str] = set()
    for module in _imported_modules():
        imported |= _distributions_of(module)
    unused = sorted(set(_declared()) - imported - set(RUNTIME_ONLY))
    assert not unused, f"declared but never imported by bwconsole/: {unused}"


def test_servers_get_uvicorn_standard_and_redis_is_an_extra() -> None:
    declared = _declared()
    assert declared["uvicorn"].extras == {"standard"}
    assert "redis" in PYPROJECT["project"]["optional-dependencies"]["redis"][0]
    assert "redis" not in {
        _normal(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]
    }
    assert "tomli" not in declared
    assert PYPROJECT["project"]["urls"] and PYPROJECT["project"]["classifiers"]


def test_relay_without_redis_says_which_extra_to_install() -> None:
    code = (  # a finder that behaves as if the redis distribution were not installed
        "import sys, importlib.abc\n"
        "class NoRedis(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name.split('.')[0] == 'redis':\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, NoRedis())\n"
        "from bwconsole.cli import main\n"
        "sys.exit(main(['relay', '--store', 'redis://127.0.0.1:1/0', '--port', '0']))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert (
        "the redis client is not installed: install bwconsole[redis]"
        in (done.stderr.splitlines()[-1])
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from bwconsole.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"bwconsole {__version__}\n"
    assert importlib.metadata.version("bwconsole") == __version__


def test_license_file_is_mit() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Permission is hereby granted" in text


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_completes_subcommands_actions_and_options(tmp_path: Path) -> None:
    script = tmp_path / "bwconsole.bash"
    done = subprocess.run(
        [sys.executable, "-m", "bwconsole", "--print-completion", "bash"],
        capture_output=True,
        text=True,
        check=True,
    )
    script.write_text(done.stdout, encoding="utf-8")

    def complete(*words: str) -> list[str]:
        shell = (
            f"source {script}; COMP_WORDS=(bwconsole {' '.join(words)}); "
            f"COMP_CWORD={len(words)}; _shtab_bwconsole; printf '%s\\n' \"${{COMPREPLY[@]}}\""
        )
        out = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=True)
        return out.stdout.split()

    assert complete("con") == ["config"]
    assert complete("relay", "--sto") == ["--store"]
    assert "point-callbacks" in complete("config", "")
    assert complete("doctor", "--js") == ["--json"]

"""A reader finds a room by its name: every module in `tui/screens/` defines a `Screen`,
every module in `tui/widgets/` a widget; plain code lives elsewhere in `tui/`."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest
from textual.screen import Screen
from textual.widget import Widget

import bwconsole.tui.screens
import bwconsole.tui.widgets


def _own_classes(module: ModuleType, base: type) -> list[str]:
    return [
        name
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, base)
        and value.__module__ == module.__name__
    ]


@pytest.mark.parametrize(
    ("package", "base"),
    [(bwconsole.tui.screens, Screen), (bwconsole.tui.widgets, Widget)],
    ids=["screens", "widgets"],
)
def test_every_module_holds_what_its_folder_says(package: ModuleType, base: type) -> None:
    empty = [
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if not _own_classes(importlib.import_module(f"{package.__name__}.{info.name}"), base)
    ]
    assert not empty, f"{package.__name__} modules without a {base.__name__}: {empty}"

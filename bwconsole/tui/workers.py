"""The one way the console runs work in the background.

A Textual worker that raises closes the app by default (`exit_on_error=True`), so
one unexpected exception in a pane's fetch, a form's follow-up or a refresh timer
took the whole console, and the user's calls, down with it. Every worker of the
console is started by `run_guarded`: the work is awaited inside a guard that turns
a failure into words (an error toast and a row in the Errors pane, through
`Console.report_failure`) and writes the traceback to the log file
(`bwconsole.logs`), and the worker itself is started with `exit_on_error=False`.

API errors are not failures here: `call_api` has already told them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from textual.dom import DOMNode
from textual.worker import Worker

from bwconsole.tui.console import console_of

__all__ = ["run_guarded"]

_log = logging.getLogger("bwconsole.tui")


def run_guarded(
    node: DOMNode, work: Awaitable[Any], *, group: str, exclusive: bool = False
) -> Worker[None]:
    """Run `work` in a worker owned by `node` (cancelled with it); a failure is told
    in words and logged, and never closes the console.

    Args:
        node: The widget, screen or app the work belongs to.
        work: The coroutine to run.
        group: The worker group (and how the failure is named to the user).
        exclusive: Cancel the group's other workers first.
    """
    return node.run_worker(
        _guarded(node, work, group), group=group, exclusive=exclusive, exit_on_error=False
    )


async def _guarded(node: DOMNode, work: Awaitable[Any], group: str) -> None:
    try:
        await work
    except Exception as exc:  # a bug: told, logged, survived
        _log.exception("background work %r failed", group)
        console_of(node).report_failure(group, exc)

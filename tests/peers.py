"""Real programs some tests run beside ours (tmux, redis-server, nginx).

A missing one fails the test rather than skipping it: a skipped check is a hole
that CI would not show. `.ci/run` installs them from Debian's packages.
"""

from __future__ import annotations

import pytest

__all__ = ["require_peer"]


def require_peer(path: str | None, name: str, package: str) -> str:
    """`path`, or fail the test saying how to install `name`."""
    if path is None:
        pytest.fail(
            f"{name} is not installed: apt-get install {package} (.ci/run installs it)",
            pytrace=False,
        )
    return path

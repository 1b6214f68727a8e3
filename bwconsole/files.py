"""Files that hold secrets: written atomically and owner-only, checked for loose modes.

`config.toml` is a file people edit by hand, so writing it back must keep what
they wrote: `write_toml` merges the new values into the existing document with
tomlkit, which keeps comments, key order and layout, and touches only the values
that changed. tomlkit is imported only here, when saving, so reading the config
at start-up does not pay for it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

__all__ = ["readable_by_others", "write_private", "write_toml"]


def readable_by_others(path: Path) -> str | None:
    """A warning when `path` can be read by its group or others, else None.

    Only the mode bits count (an ACL or a shared account is beyond what is checked);
    a missing or unreadable file gives None, as there is nothing to warn about.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    who = " and ".join(
        name for bits, name in ((0o070, "its group"), (0o007, "other users")) if mode & bits
    )
    return f"{path} holds secrets and is readable by {who} (mode {mode:04o}); fix: chmod 600 {path}"


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text` atomically; the file is 0600 and its new directory 0700.

    The text goes to a temporary file in the same directory (created 0600 by
    mkstemp), which then replaces the old file, so a crash never leaves a
    half-written file and the secrets are never readable by others, not even for
    a moment. A symlinked file (dotfile managers) is written through, not replaced.

    Raises:
        OSError: the directory or file cannot be written.
    """
    path = path.resolve() if path.is_symlink() else path
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        path.parent.chmod(0o700)  # mkdir's mode is filtered by the umask
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_toml(path: Path, data: Mapping[str, Any], old_text: str | None = None) -> None:
    """Write `data` as TOML to `path` (see `write_private`), keeping the old file's comments.

    Args:
        path: the file to write.
        data: the whole document as it should be; keys missing from it are removed.
        old_text: the file's current text, when the caller already read it; else it
            is read here (a missing or unparsable file is written from scratch).
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    if old_text is None:
        try:
            old_text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            old_text = ""
    try:
        document = tomlkit.parse(old_text)
    except (TOMLKitError, RecursionError):
        document = tomlkit.document()
    _merge(document, data)
    write_private(path, tomlkit.dumps(document))


def _merge(container: MutableMapping[str, Any], data: Mapping[str, Any]) -> None:
    """Make `container` (a tomlkit table) equal `data`, assigning only what changed.

    An unchanged value keeps its comment and formatting; a table present on both
    sides is merged key by key, so comments inside it survive too.
    """
    for key in [key for key in container if key not in data]:
        del container[key]
    for key, value in data.items():
        current = container.get(key)
        if isinstance(value, Mapping) and isinstance(current, MutableMapping):
            _merge(current, value)
        elif current is None or _plain(current) != value:
            container[key] = value


def _plain(item: Any) -> Any:
    """A tomlkit item as plain Python (`unwrap`), for comparing with the new value."""
    unwrap = getattr(item, "unwrap", None)
    return unwrap() if callable(unwrap) else item

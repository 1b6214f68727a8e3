"""Where the console's log records go: a rotating file, and `textual console` in `--dev`.

While Textual owns the terminal, nothing may write to it: a record from
`bwconsole.live` (a dropped relay connection, a failing event handler) that
reaches Python's last-resort handler is printed over the screen or lost. So the
console sends every record to a rotating file under platformdirs'
`user_log_path("bwconsole")` (or `$BWCONSOLE_LOG_DIR`), which `bwconsole doctor`
names, and with `--dev` also to Textual's devtools console.

The file holds no secret: the modules that log mask them first (`config.mask`).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

__all__ = ["LEVELS", "LOG_FILE_NAME", "log_path", "setup_logging"]

#: `--log-level` choices, quietest last.
LEVELS = ("debug", "info", "warning", "error")
LOG_FILE_NAME = "bwconsole.log"
#: Bytes per file before it rolls over, and how many old files are kept.
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def log_path() -> Path:
    """The log file: in `$BWCONSOLE_LOG_DIR`, else platformdirs' user log dir (may not exist)."""
    override = os.environ.get("BWCONSOLE_LOG_DIR")
    if override:
        directory = Path(override).expanduser()
    else:
        directory = platformdirs.user_log_path("bwconsole", appauthor=False)
    return directory / LOG_FILE_NAME


def setup_logging(level: str = "warning", *, dev: bool = False) -> Path:
    """Send log records to the rotating log file (and, with `dev`, to `textual console`).

    `level` applies to bwconsole's own loggers; other libraries log warnings and
    worse only, so httpx's line per request does not fill the file. Calling it
    again replaces the handlers it installed, never adds a second copy.

    Args:
        level: one of `LEVELS`.
        dev: also hand records to Textual's devtools (`textual console`), and
            make the app created afterwards connect to it, as `textual run --dev` does.

    Returns:
        The log file's path.

    Raises:
        OSError: the log directory cannot be created or the file opened.
    """
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler: logging.Handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    handlers = [handler]
    if dev:
        from textual.logging import TextualHandler

        # What `textual run --dev` does: an App created from now on connects to devtools.
        features = [f for f in os.environ.get("TEXTUAL", "").split(",") if f.strip()]
        os.environ["TEXTUAL"] = ",".join(dict.fromkeys([*features, "debug", "devtools"]))

        devtools = TextualHandler(stderr=False)
        devtools.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handlers.append(devtools)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_bwconsole", False)]:
        root.removeHandler(old)
        old.close()
    for new in handlers:
        new._bwconsole = True  # type: ignore[attr-defined]
        root.addHandler(new)
    root.setLevel(logging.WARNING)
    logging.getLogger("bwconsole").setLevel(level.upper())
    logging.captureWarnings(True)
    return path

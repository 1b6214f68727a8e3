"""Saving a recording's audio: where to (a form) and how far along (a progress modal)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar

from bwconsole.tui.forms import Field
from bwconsole.tui.safe_text import markup, visible
from bwconsole.tui.screens.form import FormScreen
from bwconsole.tui.validators import Required

__all__ = [
    "DownloadScreen",
    "default_destination",
    "destination_form",
    "remember_folder",
    "resolve_destination",
]


LAST_FOLDER_FILE = "last-download-folder"
"""In the data dir: the folder the last recording was saved to, offered next time."""


def _remembered() -> Path:
    from bwconsole.config import data_dir

    return data_dir() / LAST_FOLDER_FILE


def default_destination(media_name: str) -> Path:
    """`<last folder used>/<name>`; the first time, platformdirs' downloads folder (never
    the current directory, often the user's checkout)."""
    import platformdirs

    try:
        folder = Path(_remembered().read_text(encoding="utf-8").strip())
    except OSError:
        folder = Path()
    if not folder.is_absolute() or not folder.is_dir():
        folder = Path(platformdirs.user_downloads_dir())
    return folder / media_name


def remember_folder(dest: Path) -> None:
    """Offer `dest`'s folder next time (a failure to remember is not worth a word)."""
    try:
        path = _remembered()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(dest.parent.resolve()), encoding="utf-8")
    except OSError:
        pass


def resolve_destination(text: str, media_name: str) -> Path:
    """The file to write for what the user typed: `~` expanded; an existing folder, or a
    path ending in `/` (a folder to create), gets the media name."""
    path = Path(text).expanduser()
    if text.rstrip().endswith(("/", os.sep)) or path.is_dir():
        return path / media_name
    return path


def destination_form(media_name: str) -> FormScreen:
    """Ask where to save `media_name` (pre-filled with `default_destination`)."""
    return FormScreen(
        f"Download {media_name}",
        [
            Field(
                "path",
                "Save to (a file, or a folder ending in / to keep the recording's name)",
                (Required(),),
                value=str(default_destination(media_name)),
            )
        ],
    )


class DownloadScreen(ModalScreen[None]):
    """Shows how much of a recording has come down; the downloader dismisses it when done."""

    def __init__(self, media_name: str, dest: Path) -> None:
        super().__init__()
        self.media_name = media_name
        self.dest = dest
        self.bar = ProgressBar(total=None, show_eta=False, id="download-progress")

    def compose(self) -> ComposeResult:
        with Vertical(classes="form--body") as body:
            body.border_title = f"Downloading {markup(self.media_name)}"
            yield Label(f"to {visible(self.dest)}", classes="form--label", markup=False)
            yield self.bar

    def advance(self, done: int, total: int) -> None:
        """Record progress: `done` of `total` bytes (total 0 when unknown)."""
        self.bar.update(total=total or None, progress=done)

"""Saving a recording's audio: where to (a form) and how far along (a progress modal)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar

from bwconsole.tui.safe_text import markup, visible
from bwconsole.tui.screens.form import Field, FormScreen
from bwconsole.tui.validators import Required

__all__ = ["DownloadScreen", "default_destination", "destination_form", "resolve_destination"]


def default_destination(media_name: str) -> Path:
    """`~/Downloads/<name>` when that folder exists, else `<current dir>/<name>`."""
    downloads = Path.home() / "Downloads"
    folder = downloads if downloads.is_dir() else Path.cwd()
    return folder / media_name


def resolve_destination(text: str, media_name: str) -> Path:
    """The file to write for what the user typed: `~` expanded, a folder gets the media name."""
    path = Path(text).expanduser()
    return path / media_name if path.is_dir() else path


def destination_form(media_name: str) -> FormScreen:
    """Ask where to save `media_name` (pre-filled with `default_destination`)."""
    return FormScreen(
        f"Download {media_name}",
        [
            Field(
                "path",
                "Save to (a file, or a folder to keep the recording's name)",
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

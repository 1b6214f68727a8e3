"""A small modal with a progress bar, shown while an MMS attachment uploads."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, ProgressBar

__all__ = ["UploadScreen"]


class UploadScreen(ModalScreen[None]):
    """Shows how much of a file has gone up; the uploader dismisses it when done."""

    CSS_PATH = "../styles/messages.tcss"

    def __init__(self, title: str) -> None:
        super().__init__()
        self.upload_title = title
        self.bar = ProgressBar(total=None, show_eta=False, id="upload-progress")
        self._finished = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="form--body") as body:
            body.border_title = self.upload_title
            yield Label("Uploading to media…", classes="form--label")
            yield self.bar

    def finish(self) -> None:
        """The upload is over: close now, or as soon as a screen pushed over this one closes
        (dismissing pops the top screen, which would then be the wrong one)."""
        self._finished = True
        if self.is_current:
            self.dismiss()

    def on_screen_resume(self) -> None:
        if self._finished:
            self.dismiss()

    def advance(self, done: int, total: int) -> None:
        """Record progress: `done` of `total` bytes (total 0 when unknown)."""
        self.bar.update(total=total or None, progress=done)

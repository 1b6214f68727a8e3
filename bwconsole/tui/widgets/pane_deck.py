"""The panes, one on screen at a time, each mounted on its first visit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import ContentSwitcher

from bwconsole.tui.widgets.pane import Pane

__all__ = ["PaneDeck"]


class PaneDeck(ContentSwitcher):
    """Shows one pane and gives it the keyboard; tells its parent with `Shown`.

    Only the first pane is composed with the deck, the others are mounted on their
    first visit: styling nine panes' widgets made the first frame wait
    (docs/performance.md).
    """

    class Shown(Message):
        """A pane was brought forward and is mounted (the app fetches its rows)."""

        def __init__(self, pane: Pane) -> None:
            super().__init__()
            self.pane = pane

    def __init__(self, panes: Mapping[str, Pane], initial: str, *, id: str | None = None) -> None:
        super().__init__(initial=f"pane-{initial}", id=id)
        self.panes = panes
        self._first = initial

    def compose(self) -> ComposeResult:
        yield self.panes[self._first]

    @property
    def current_pane(self) -> Pane:
        """The pane on screen."""
        return self.panes[(self.current or "").removeprefix("pane-")]

    def show(self, pane_id: str) -> AwaitComplete:
        """Bring a pane forward and focus its list; on its first visit it is mounted
        first (await the result to know its table exists)."""
        pane = self.panes[pane_id]
        mounting: AwaitMount | None = None
        if pane.parent is None:  # in the DOM at once, its children once `mounting` is done
            pane.display = False  # the switcher shows it
            mounting = self.mount(pane)
        self.current = f"pane-{pane_id}"
        if mounting is None:
            self._shown(pane)
            return cast(AwaitComplete, AwaitComplete.nothing())  # type: ignore[no-untyped-call]
        return AwaitComplete(self._show_when_mounted(pane, mounting))

    async def _show_when_mounted(self, pane: Pane, mounting: AwaitMount) -> None:
        """Focus a pane once it is mounted (its `on_mount` would undo what a load
        finished before it had set, such as the border title)."""
        await mounting
        if self.current_pane is pane:
            pane.focus_list()
        self.post_message(self.Shown(pane))

    def _shown(self, pane: Pane) -> None:
        pane.focus_list()
        self.post_message(self.Shown(pane))

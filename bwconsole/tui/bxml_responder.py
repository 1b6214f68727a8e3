"""The console's answer to BXML requests the relay forwards (a call on a number whose
application points at the relay's `/bxml/` URL).

The user chooses how (`BxmlSettings`, kept in `<config dir>/bxml/responder.toml`):
"script" answers at once with a named script — a `.xml` file in `<config dir>/bxml/`
or a built-in template (`bwconsole.tui.bxml_templates`); "interactive" shows a prompt
(`BxmlPromptScreen`) where the user picks a script or types BXML, with a countdown:
the relay stops waiting after its BXML timeout, so when the countdown runs out
the default script answers. Whatever goes back has passed `bwconsole.bxml.parse`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from bwconsole.bxml import BxmlError, parse
from bwconsole.tui.bxml_templates import TEMPLATES, TemplateContext, render
from bwconsole.tui.responder_settings import (
    BxmlSettings,
    load_settings,
    save_settings,
    scripts_dir,
    settings_from_form,
)

if TYPE_CHECKING:
    from bwconsole.live import BxmlRequest
    from bwconsole.tui.console import Console

__all__ = ["HANGUP", "BxmlResponder"]

RELAY_MARGIN = 0.75
"""Seconds before the relay's deadline the prompt gives up, so that the default script's
answer still reaches the relay (and the API) before the relay's own fallback does."""

EXECUTED = frozenset({"answer", "gather", "redirect"})
"""Events whose BXML reply the API runs; the rest get `ACKNOWLEDGE`."""
ACKNOWLEDGE = '<?xml version="1.0" encoding="UTF-8"?>\n<Response />\n'
"""The reply to a request whose answer the API does not run: nothing to decide."""

HANGUP = '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Hangup />\n</Response>\n'
"""The answer of last resort, when even the default script cannot be used."""


class BxmlResponder:
    """Answers BXML requests for the console, per the user's settings.

    Args:
        app: The console (for the prompt screen, notifications and the relay URL).
        directory: Where scripts and settings live (default `scripts_dir()`).
    """

    def __init__(self, app: Console, *, directory: Path | None = None) -> None:
        self.app = app
        self.directory = directory if directory is not None else scripts_dir()
        self.settings = load_settings(self.directory)
        """The settings in use; change them with `apply_settings`."""
        self._warned: set[tuple[str, str]] = set()
        """(script, warnings) already shown: a script answering every call toasts once."""

    # --- scripts ----------------------------------------------------------------------------------

    def choices(self) -> list[str]:
        """Every script name: the built-in templates, then the user's `.xml` files."""
        files = sorted(p.stem for p in self._files())
        return [*TEMPLATES, *(name for name in files if name not in TEMPLATES)]

    def script(self, name: str, request: BxmlRequest | None = None) -> str:
        """The BXML document a script answers `request` with.

        Raises:
            KeyError: no template or `.xml` file has this name.
            BxmlError: the script is not valid BXML (the message says where).
        """
        path = self.directory / f"{name}.xml"
        if name not in TEMPLATES and path.is_file():
            document = path.read_text(encoding="utf-8")
            self._warn(name, parse(document).warnings)
            return document
        return render(name, self._context(request))

    # --- answering --------------------------------------------------------------------------------

    def time_allowed(self, request: BxmlRequest) -> float:
        """How long the prompt may wait: the user's timeout, cut to what the relay allows
        (its deadline in the request, less `RELAY_MARGIN`)."""
        budget = request.budget
        if budget is None:
            return self.settings.timeout
        return max(0.0, min(self.settings.timeout, budget - RELAY_MARGIN))

    async def answer(self, request: BxmlRequest) -> str:
        """Answer one BXML request (the relay waits for this, up to its timeout).

        Only the replies to `answer`, `gather` and `redirect` are run by the API
        (SEMANTICS.md, docs/sandbox.md); any other request (an `incomingcall`, a
        `hangup`), or one for a call the console knows has ended, is acknowledged at
        once with an empty document and no prompt. What answered, and its verbs, go on
        the call's timeline in the Calls pane.
        """
        payload = request.live.payload or {}
        kind = str(payload.get("eventType") or "")
        if kind not in EXECUTED or self._call_over(payload.get("callId")):
            return ACKNOWLEDGE
        document, label = await self._choose(request)
        self._record(payload.get("callId"), kind, label, document)
        return document

    async def _choose(self, request: BxmlRequest) -> tuple[str, str]:
        """The document to answer with and, in words, where it came from."""
        if self.settings.mode != "interactive":
            name = self.settings.script
            return self._fallback(request, name, ""), name
        default = self.settings.default
        if self.time_allowed(request) <= 0:
            return self._fallback(request, default, "no time to ask"), f"{default} (no time)"
        chosen, timed_out, label = await self._ask(request)
        if chosen is not None:
            return chosen, label
        why = "time is up" if timed_out else "default chosen"
        return self._fallback(request, default, why), f"{default} ({why})"

    def _call_over(self, call_id: object) -> bool:
        row = self.app.pane("calls").model.get(call_id) if isinstance(call_id, str) else None
        return row is not None and row.get("state") in ("completed", "rejected")

    def _record(self, call_id: object, kind: str, label: str, document: str) -> None:
        if not isinstance(call_id, str) or not call_id:
            return
        try:
            verbs = ", ".join(type(verb).__name__ for verb in parse(document).children)
        except BxmlError:
            verbs = "not valid BXML"
        self.app.note_call(call_id, f"BXML for {kind}: {label} -> {verbs or 'no verbs'}")

    def apply_settings(self, settings: BxmlSettings | None) -> None:
        """Use new settings and keep them for the next start (None: unchanged)."""
        if settings is None:
            return
        self.settings = settings
        save_settings(self.directory, settings)

    def edit_settings(self) -> None:
        """Show the settings screen; what it returns is applied and saved."""
        from bwconsole.tui.screens.bxml_settings import BxmlSettingsScreen

        screen = BxmlSettingsScreen(self.settings, self.choices(), bxml_url=self.bxml_url())
        self.app.push_screen(
            screen, callback=lambda values: self.apply_settings(settings_from_form(values))
        )

    # --- helpers ----------------------------------------------------------------------------------

    def _warn(self, name: str, warnings: list[str]) -> None:
        """Show what the parser normalised in a script, so the user can fix the file."""
        lines = "\n".join(warnings)
        if warnings and (name, lines) not in self._warned:
            self._warned.add((name, lines))
            self.app.notify(
                f"{name}.xml: {lines}", title="BXML normalised", severity="warning", markup=False
            )

    def _fallback(self, request: BxmlRequest, name: str, why: str) -> str:
        try:
            document = self.script(name, request)
        except (KeyError, BxmlError, OSError) as exc:
            self.app.show_error(f"BXML script {name!r} failed ({exc}); answered with Hangup")
            return HANGUP
        if why:
            self.app.notify(f"BXML: {why}, answered with {name!r}", timeout=5, markup=False)
        return document

    async def _ask(self, request: BxmlRequest) -> tuple[str | None, bool, str]:
        """The user's answer (None: the default), whether the time ran out, and what the
        user answered with in words."""
        from bwconsole.tui.screens.bxml_prompt import BxmlPromptScreen

        loop = asyncio.get_running_loop()
        answered: asyncio.Future[str | None] = loop.create_future()

        def done(result: str | None) -> None:
            if not answered.done():
                answered.set_result(result)

        allowed = self.time_allowed(request)
        screen = BxmlPromptScreen(request, self, timeout=allowed)
        await self.app.push_screen(screen, callback=done)
        try:
            chosen = await asyncio.wait_for(answered, allowed)
        except TimeoutError:
            screen.expire()
            return None, True, ""
        return chosen, screen.timed_out, screen.answered_with

    def _context(self, request: BxmlRequest | None) -> TemplateContext:
        return TemplateContext(
            payload=(request.live.payload if request is not None else None) or {},
            bxml_url=self.bxml_url(),
            forward_to=self.settings.forward_to,
        )

    def bxml_url(self) -> str | None:
        """The relay's BXML door for this channel, with the ingress credential (None: no relay)."""
        backend = self.app.backend
        urls = backend.profile.relay_urls(backend.ingress or None) if backend else None
        return urls.bxml if urls is not None else None

    def _files(self) -> list[Path]:
        try:
            return [p for p in self.directory.glob("*.xml") if p.is_file()]
        except OSError:
            return []

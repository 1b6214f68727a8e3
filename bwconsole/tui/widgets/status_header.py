"""The header line: which account is live, the relay's state, the balance."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from bwconsole.tui.safe_text import markup

__all__ = ["StatusHeader"]


class StatusHeader(Static):
    """One line: `bwconsole · profile [SANDBOX] · relay: state · forwarded by … · balance`.

    Its reactives are bound to the app's, so setting `app.relay_state` is enough.
    """

    profile_name: reactive[str] = reactive("")
    sandbox: reactive[bool] = reactive(False)
    relay_state: reactive[str] = reactive("disconnected")
    forwarders: reactive[str] = reactive("")
    """Names of the `bwconsole listen`s also forwarding the channel's events ("" for none)."""
    balance: reactive[str] = reactive("")

    def render(self) -> str:
        # Markup is built from escaped, visible values only: a profile name may contain "[".
        parts = ["[b]bwconsole[/b]", markup(self.profile_name or "no profile")]
        if self.sandbox:
            parts[-1] += " [$bw-sandbox-foreground on $bw-sandbox-background] SANDBOX [/]"
        colour = "$bw-connected" if self.relay_state == "connected" else "$bw-disconnected"
        parts.append(f"relay: [{colour}]{markup(self.relay_state)}[/]")
        if self.forwarders:
            parts.append(f"forwarded by {markup(self.forwarders)}")
        if self.balance:
            parts.append(f"balance: {markup(self.balance)}")
        return " · ".join(parts)

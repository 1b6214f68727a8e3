"""Add a real account from inside the console: the same checks as `bwconsole config add`.

The form asks for the profile's fields, then checks them against the real
services (`bwconsole.checks.check_profile`: one API call, one websocket
connect) and saves the profile to `config.toml` only when every check
passes. A failed check keeps the form open with everything typed, and each
check's result in words (bad credentials, unreachable host, TLS error,
relay refused the token…), so the user fixes one field and presses enter
again.

The console keeps running on the account it started with; the saved profile
is used from the next start (`bwconsole --profile NAME`, or plain
`bwconsole` when it became the active profile).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from bwconsole.config import (
    DEFAULT_API_URL,
    ConfigError,
    Profile,
    check_channel,
    check_profile_name,
    check_user_id,
    load_config,
    save_config,
)
from bwconsole.tui.forms import Field
from bwconsole.tui.safe_text import visible
from bwconsole.tui.screens.confirm import ConfirmScreen
from bwconsole.tui.screens.form import (
    field_error,
    field_input,
    field_problems,
    show_problems,
)
from bwconsole.tui.validators import Required, Url
from bwconsole.tui.workers import run_guarded

if TYPE_CHECKING:
    from bwconsole.checks import CheckResult

__all__ = ["CHECKING", "AccountSetupScreen", "account_fields"]

CHECKING = "Checking the credentials (one API call) and the relay (a websocket connect)…"


class _Rule(Validator):
    """Adapts a `config add` check (value -> problem or None) to a Textual validator,
    so the console and the command line refuse the same values in the same words."""

    def __init__(self, check: Callable[[str], str | None]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        problem = self.check(value.strip())
        return self.failure(problem) if problem else self.success()


def account_fields() -> list[Field]:
    """The form's fields, in the order `bwconsole config add` asks them."""
    return [
        Field(
            "name", "Profile name", (Required(), _Rule(check_profile_name)), placeholder="e.g. work"
        ),
        Field("user_id", "User id", (_Rule(check_user_id),), placeholder="e.g. u-abc123"),
        Field("api_token", "API token", (Required(),), password=True),
        Field("api_secret", "API secret", (Required(),), password=True),
        Field("api_url", "API URL", (Required(), Url()), value=DEFAULT_API_URL),
        Field("relay_url", "Relay URL (blank for none)", (Url(),), placeholder="e.g. https://…"),
        Field("relay_token", "Relay token (blank for none)", password=True),
        Field("relay_channel", "Relay channel", (_Rule(check_channel),)),
    ]


class AccountSetupScreen(ModalScreen[str | None]):
    """The add-account form; dismisses with the saved profile's name, or None when cancelled.

    | Key | Action |
    |---|---|
    | enter | check, then save when every check passes |
    | escape | close without saving (also stops a check under way) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="account-setup-cancel"),
    ]

    CSS_PATH = "../styles/account.tcss"

    def __init__(self, fields: Sequence[Field] | None = None) -> None:
        """Args:
        fields: The form's fields; `account_fields()` by default.
        """
        super().__init__()
        self.fields = tuple(fields if fields is not None else account_fields())
        # Compact: eight fields and the check results fit on one screen.
        self.inputs = {field.name: field_input(field, compact=True) for field in self.fields}
        self.errors = {field.name: field_error(field) for field in self.fields}
        self.status = Static("", id="account-status", markup=False)
        """What is happening: checking, or why nothing was saved."""
        self.results = Vertical(id="account-results")
        """One line per check, as `check_profile` answered it."""
        self.checking = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form--body") as body:
            body.border_title = "Add an account"
            for field in self.fields:
                yield Label(field.label, classes="form--label")
                yield self.inputs[field.name]
                yield self.errors[field.name]
            yield self.results
            yield self.status
            yield Static(
                "enter checks, then saves · escape cancels (nothing is saved unless every "
                "check passes)",
                classes="form--hint",
            )

    def on_mount(self) -> None:
        self.inputs[self.fields[0].name].focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        """Check the fields; when they are well-formed, check the account and save it."""
        if self.checking:
            return
        values = self._validated()
        if values is not None:
            run_guarded(self, self._check_and_save(values), group="account-check", exclusive=True)

    def _validated(self) -> dict[str, str] | None:
        """The values when every field is well-formed; else each problem is shown by its field."""
        problems = field_problems(self.fields, self.inputs)
        values = {name: widget.value.strip() for name, widget in self.inputs.items()}
        # The relay needs all of its parts together, as `config add` insists too.
        if values.get("relay_url") and not values.get("relay_channel"):
            problems.setdefault("relay_channel", []).append("a relay needs a channel")
        if not values.get("relay_url") and (
            values.get("relay_token") or values.get("relay_channel")
        ):
            problems.setdefault("relay_url", []).append(
                "the relay token and channel need a relay URL"
            )
        if not show_problems(self.fields, self.inputs, self.errors, problems):
            return None
        return values

    async def _check_and_save(self, values: dict[str, str]) -> None:
        name = values["name"]
        try:
            exists = name in load_config().profiles
        except ConfigError as exc:
            self._say(f"Not saved: {exc}")
            return
        if exists:
            question = f"A profile named {name!r} exists. Replace it with this one (once checked)?"
            if not await self.app.push_screen_wait(ConfirmScreen(question, title="Replace")):
                self.inputs["name"].focus()
                return
        profile = Profile(
            name=name,
            user_id=values["user_id"],
            api_token=values["api_token"],
            api_secret=values["api_secret"],
            api_url=values["api_url"] or DEFAULT_API_URL,
            relay_url=values["relay_url"] or None,
            relay_token=values["relay_token"] or None,
            relay_channel=values["relay_channel"] or None,
        )
        from bwconsole.checks import check_profile  # httpx and websockets load only now

        self._set_checking(True)
        try:
            results = await check_profile(profile)
        finally:
            self._set_checking(False)
        await self._show_results(results)
        failed = [result for result in results if not result.ok]
        if failed:
            self._say(
                f"Not saved: {', '.join(r.name for r in failed)} failed. "
                "Fix what failed and press enter to check again."
            )
            self._focus_for(failed[0])
            return
        try:
            config = load_config()  # read again: the file may have changed while checking
            config.profiles[name] = profile
            if config.active is None:
                config.active = name
            save_config(config)
        except ConfigError as exc:
            self._say(f"Not saved: {exc}")
            return
        self.app.notify(_saved_message(name, str(config.path), config.active == name), timeout=15)
        self.dismiss(name)

    def _set_checking(self, checking: bool) -> None:
        self.checking = checking
        for widget in self.inputs.values():
            widget.disabled = checking
        self._say(CHECKING if checking else "")

    async def _show_results(self, results: Sequence[CheckResult]) -> None:
        await self.results.remove_children()
        await self.results.mount_all(
            Static(
                str(result),
                classes="account--ok" if result.ok else "account--fail",
                markup=False,
            )
            for result in results
        )

    def _say(self, text: str) -> None:
        self.status.update(visible(text, lines=True))

    def _focus_for(self, result: CheckResult) -> None:
        """Put the cursor where the fix most likely goes."""
        target = "api_secret" if result.name == "credentials" else "relay_url"
        if "refused the token" in result.detail:
            target = "relay_token"
        elif "not found" in result.detail or "API URL" in result.detail:
            target = "api_url"
        self.inputs[target].focus()

    def action_cancel(self) -> None:
        """Close without saving (a check under way is abandoned)."""
        self.workers.cancel_group(self, "account-check")
        self.dismiss(None)


def _saved_message(name: str, path: str, active: bool) -> str:
    """How to start on the new profile (the console keeps its current account)."""
    if active:
        return (
            f"Saved profile {name!r} to {path}; it is the active profile. "
            "Quit (ctrl+q) and run `bwconsole` to use it."
        )
    return (
        f"Saved profile {name!r} to {path}. Quit (ctrl+q) and run "
        f"`bwconsole --profile {name}` to use it (or `bwconsole config use {name}` "
        "to make it the default)."
    )

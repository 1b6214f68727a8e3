"""A newcomer's first steps inside the console: adding a real account (checked before it is saved) and
pointing an application's callbacks at the relay (shown first, confirmed, restorable).

Everything runs against the embedded sandbox and relay: its profile's credentials
are right, and a wrong secret or a closed port are wrong for real.
"""

from __future__ import annotations

import socket
import stat
from pathlib import Path
from typing import Any

from textual.widgets import Static

from bwconsole.callback_setup import backup_path, display_url
from bwconsole.config import config_path, load_config
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.screens.account_setup import CHECKING, AccountSetupScreen
from bwconsole.tui.screens.application_picker import ApplicationPickerScreen
from bwconsole.tui.screens.confirm import ConfirmScreen
from tests.console_helpers import connected_console, until

OLD_CALLS = "https://app.example.com/calls"
OLD_MESSAGES = "https://app.example.com/messages"


def right_values(app: BwConsoleApp, **changes: str) -> dict[str, str]:
    """The form's values for the embedded account, which the checks accept; some replaced."""
    assert app.backend is not None
    profile = app.backend.profile
    values = {
        "name": "box",
        "user_id": profile.user_id,
        "api_token": profile.api_token,
        "api_secret": profile.api_secret,
        "api_url": profile.api_url,
        "relay_url": profile.relay_url or "",
        "relay_token": profile.relay_token or "",
        "relay_channel": profile.relay_channel or "",
    }
    values.update(changes)
    return values


async def submit_account(app: BwConsoleApp, pilot: Any, values: dict[str, str]) -> None:
    """Open the form with its key, fill it in and press enter."""
    await pilot.press("f6")
    await until(pilot, lambda: isinstance(app.screen, AccountSetupScreen), "the account form")
    screen = app.screen
    assert isinstance(screen, AccountSetupScreen)
    for name, value in values.items():
        screen.inputs[name].value = value
    screen.inputs["relay_channel"].focus()
    await pilot.press("enter")


def shown(screen: AccountSetupScreen) -> str:
    """The check results and the status, as the user reads them."""
    lines = [str(widget.content) for widget in screen.results.query(Static)]
    return "\n".join([*lines, str(screen.status.content)])


async def wait_for_verdict(app: BwConsoleApp, pilot: Any) -> str:
    screen = app.screen
    assert isinstance(screen, AccountSetupScreen)
    await until(pilot, lambda: "Not saved" in str(screen.status.content), "the checks to fail")
    return shown(screen)


async def test_wrong_secret_says_bad_credentials_and_saves_nothing(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        await submit_account(app, pilot, right_values(app, api_secret="not-the-secret-42"))
        text = await wait_for_verdict(app, pilot)
        assert "FAIL credentials: bad credentials (HTTP 401)" in text
        assert "ok   relay: " in text  # the relay part was right
        assert "not-the-secret-42" not in text
        screen = app.screen
        assert isinstance(screen, AccountSetupScreen)  # still open, input kept for fixing
        assert screen.inputs["api_secret"].value == "not-the-secret-42"
        assert not any(widget.disabled for widget in screen.inputs.values())
        assert not config_path().exists()

        # Fixing the one field and pressing enter again saves it.
        assert app.backend is not None
        screen.inputs["api_secret"].value = app.backend.profile.api_secret
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, AccountSetupScreen), "saving")
        assert "box" in load_config().profiles


async def test_right_credentials_are_saved_owner_only(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        values = right_values(app)
        await submit_account(app, pilot, values)
        await until(pilot, lambda: not isinstance(app.screen, AccountSetupScreen), "saving")
        saved = load_config().profiles["box"]
        assert saved.api_secret == values["api_secret"]
        assert (saved.relay_url, saved.relay_channel) == (values["relay_url"], "sandbox")
        assert stat.S_IMODE(config_path().stat().st_mode) == 0o600
        assert load_config().active == "box"  # the first profile becomes the active one
        told = " ".join(str(n.message) for n in app._notifications)
        assert "Saved profile 'box'" in told and "bwconsole" in told


async def test_unreachable_relay_is_named_and_nothing_is_saved(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{sock.getsockname()[1]}"
    async with connected_console(tmp_path) as (app, pilot):
        await submit_account(app, pilot, right_values(app, relay_url=nowhere))
        text = await wait_for_verdict(app, pilot)
        assert "ok   credentials: accepted by 127.0.0.1" in text
        assert "FAIL relay: relay unreachable: cannot connect to" in text
        assert "connection refused" in text
        assert not config_path().exists()


async def test_malformed_fields_are_named_before_any_check(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        await submit_account(
            app, pilot, right_values(app, user_id="abc", relay_channel="", relay_url="ftp://x")
        )
        screen = app.screen
        assert isinstance(screen, AccountSetupScreen)
        await pilot.pause(0.1)
        errors = {name: str(widget.content) for name, widget in screen.errors.items()}
        assert "user id must look like u-abc123" in errors["user_id"]
        assert "must start with http:// or https://" in errors["relay_url"]
        assert "a relay needs a channel" in errors["relay_channel"]
        assert not screen.results.children and not screen.checking
        await pilot.press("escape")
        assert not isinstance(app.screen, AccountSetupScreen)
        assert not config_path().exists()


def sandbox_application(app: BwConsoleApp) -> dict[str, Any]:
    assert app.backend is not None
    (record,) = app.backend.sandbox.collection("applications")
    return dict(record)


async def with_own_urls(app: BwConsoleApp) -> str:
    """Give the seeded application URLs of "its own server"; return its id."""
    app_id = str(sandbox_application(app)["id"])
    await app.client.applications.update(
        app_id, incoming_call_url=OLD_CALLS, incoming_message_url=OLD_MESSAGES
    )
    return app_id


async def confirm_screen(app: BwConsoleApp, pilot: Any) -> ConfirmScreen:
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
    assert isinstance(app.screen, ConfirmScreen)
    return app.screen


async def test_point_shows_the_current_urls_then_restore_puts_them_back(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        await with_own_urls(app)
        assert app.backend is not None
        relay = app.relay_callback_url  # with the embedded ingress credential
        assert relay is not None and "sandbox:" in relay

        await pilot.press("f7")
        question = (await confirm_screen(app, pilot)).message
        assert OLD_CALLS in question and OLD_MESSAGES in question
        assert question.index(OLD_CALLS) < question.index(f"-> {display_url(relay)}")
        assert app.backend.ingress[1] not in question  # type: ignore[index]
        await pilot.press("y")
        await until(
            pilot,
            lambda: sandbox_application(app).get("incomingCallUrl") == relay,
            "the application to point at the relay",
        )
        assert sandbox_application(app)["incomingMessageUrl"] == relay
        assert OLD_CALLS in backup_path().read_text(encoding="utf-8")

        await pilot.press("f8")
        question = (await confirm_screen(app, pilot)).message
        assert f"-> {OLD_CALLS}" in question and f"-> {OLD_MESSAGES}" in question
        await pilot.press("y")
        await until(
            pilot,
            lambda: sandbox_application(app).get("incomingCallUrl") == OLD_CALLS,
            "the old URL to come back",
        )
        assert sandbox_application(app)["incomingMessageUrl"] == OLD_MESSAGES


async def test_answering_no_changes_nothing(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        await with_own_urls(app)
        await pilot.press("f7")
        await confirm_screen(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), "the answer")
        await pilot.pause(0.2)
        record = sandbox_application(app)
        assert (record["incomingCallUrl"], record["incomingMessageUrl"]) == (
            OLD_CALLS,
            OLD_MESSAGES,
        )
        assert not backup_path().exists()

        await pilot.press("f8")  # nothing was saved, so nothing to restore
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ConfirmScreen)


async def test_several_applications_are_picked_from_a_list(tmp_path: Path) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        other = await app.client.applications.create(name="billing", incoming_call_url=OLD_CALLS)
        await pilot.press("f7")
        await until(pilot, lambda: isinstance(app.screen, ApplicationPickerScreen), "the picker")
        picker = app.screen
        assert isinstance(picker, ApplicationPickerScreen)
        picker.options.highlighted = picker.options.get_option_index(other)
        await pilot.press("enter")
        question = (await confirm_screen(app, pilot)).message
        assert f"application {other} (billing)" in question and OLD_CALLS in question
        await pilot.press("y")
        await until(pilot, lambda: backup_path().exists(), "the old URLs to be saved")
        assert app.backend is not None
        relay = app.relay_callback_url
        assert (await app.client.applications.get(other)).incoming_call_url == relay


async def test_checking_is_shown_and_escape_abandons_it(tmp_path: Path) -> None:
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        api_url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
        async with connected_console(tmp_path) as (app, pilot):
            await submit_account(app, pilot, right_values(app, api_url=api_url))
            screen = app.screen
            assert isinstance(screen, AccountSetupScreen)
            await until(pilot, lambda: screen.checking, "the check to start")
            assert str(screen.status.content) == CHECKING
            assert all(widget.disabled for widget in screen.inputs.values())
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, AccountSetupScreen), "closing")
            await pilot.pause(0.2)
            assert not config_path().exists()

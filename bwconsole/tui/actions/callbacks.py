"""Point an application's callback URLs at the relay from inside the console, and back.

The console's side of `bwconsole config point-callbacks` / `restore-callbacks`:
the plan, the backup of the replaced URLs and the update all come from
`bwconsole.callback_setup`; this module only asks (through the `Console`). It always shows the
current URLs and what they would become (`CallbackPlan.describe()`) and asks
before changing anything, so no URL is ever overwritten without the user
seeing it first.

It works on whichever account the console is connected to, the embedded
sandbox included: its backend's profile (named `sandbox`) carries the
embedded relay's URL, token and channel like any real profile, and the
replaced URLs are saved under that profile name.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, TypeVar

from bwconsole.callback_setup import (
    CallbackPlan,
    CallbackSetupError,
    apply_plan,
    backup_path,
    plan_point,
    plan_restore,
    relay_callback_url,
    saved_applications,
)

if TYPE_CHECKING:
    from bwconsole.config import Profile
    from bwconsole.tui.console import Console

__all__ = ["point_callbacks", "restore_callbacks"]

T = TypeVar("T")

TITLE = "Callbacks"
APPLICATIONS_PAGE = 1000


async def point_callbacks(app: Console) -> None:
    """Offer to point one application's incoming call and message URLs at the relay.

    Shows the application's current URLs and the relay URL they would become,
    and changes them only on `y`; the replaced URLs are saved for `restore_callbacks`.
    """
    profile = _profile(app)
    if profile is None:
        return
    try:
        relay_callback_url(profile)  # says in words when this account has no relay
    except CallbackSetupError as exc:
        app.show_error(str(exc), title=TITLE)
        return
    names = await _application_names(app)
    if names is None:
        return
    if not names:
        app.show_error("The account has no application to point at the relay.", title=TITLE)
        return
    app_id = await _pick(app, "Point which application at the relay?", names)
    if app_id is None:
        return
    plan = await _carefully(app, plan_point(app.client, profile, app_id, ingress=_ingress(app)))
    if plan is None:
        return
    if not plan.needed:
        app.notify(
            f"Application {plan.application_name or app_id} already sends its calls and "
            f"messages to the relay ({relay_callback_url(profile)}): nothing to change.",
            title=TITLE,
            markup=False,
        )
        return
    restore_key = _key_of(app, "restore-callbacks")
    question = (
        f"{plan.describe()}\n\nThe current URLs are saved in {backup_path()}; "
        f"{restore_key} (restore callbacks) puts them back.\n"
        "Point these URLs at the relay?"
    )
    if not await app.confirm(question, title="Point callbacks"):
        app.notify("Callback URLs left unchanged.", title=TITLE)
        return
    if await _apply(app, plan):
        app.notify(
            f"Application {plan.application_name or plan.application_id} now sends its "
            f"callbacks to the relay; {restore_key} puts the previous URLs back.",
            title=TITLE,
            markup=False,
        )


async def restore_callbacks(app: Console) -> None:
    """Offer to put back the URLs `point_callbacks` replaced, showing both before changing."""
    profile = _profile(app)
    if profile is None:
        return
    try:
        saved = saved_applications(profile)
    except CallbackSetupError as exc:
        app.show_error(str(exc), title=TITLE)
        return
    if not saved:
        app.notify(
            f"No saved callback URLs for profile {profile.name!r}: nothing to restore.",
            title=TITLE,
            markup=False,
        )
        return
    names = await _application_names(app)
    if names is None:
        return
    choices = [(app_id, names.get(app_id, "not found")) for app_id in saved]
    app_id = await _pick(app, "Restore the callback URLs of which application?", dict(choices))
    if app_id is None:
        return
    plan = await _carefully(app, plan_restore(app.client, profile, app_id))
    if plan is None:
        return
    if not plan.needed:
        app.notify(f"{plan.describe()}\nThe saved URLs are already in place.", title=TITLE)
        return
    question = f"{plan.describe()}\n\nPut the saved URLs back?"
    if not await app.confirm(question, title="Restore callbacks"):
        app.notify("Callback URLs left unchanged.", title=TITLE)
        return
    if await _apply(app, plan):
        app.notify(
            f"Restored the callback URLs of application "
            f"{plan.application_name or plan.application_id}.",
            title=TITLE,
            markup=False,
        )


def _ingress(app: Console) -> tuple[str, str] | None:
    """The embedded relay's ingress credential, which callback URLs must carry."""
    return app.backend.ingress if app.backend is not None else None


def _profile(app: Console) -> Profile | None:
    if app.backend is None:
        app.show_error("Not connected to an account yet.", title=TITLE)
        return None
    return app.backend.profile


async def _application_names(app: Console) -> dict[str, str] | None:
    """The account's applications, id -> name; None when the API refused (already shown)."""
    applications = await app.call_api(
        app.client.applications.list(size=APPLICATIONS_PAGE).collect()
    )
    if applications is None:
        return None
    return {a.id: a.name or a.id for a in applications if a.id}


async def _pick(app: Console, title: str, names: dict[str, str]) -> str | None:
    """The chosen application id: the only one as is, else the user's pick (None: cancelled)."""
    if len(names) == 1:
        return next(iter(names))
    return await app.choose(title, list(names.items()))


async def _carefully(app: Console, request: Awaitable[T]) -> T | None:
    """Run a callback_setup request; API errors and setup problems end up as notices."""
    try:
        return await app.call_api(request)
    except CallbackSetupError as exc:
        app.show_error(str(exc), title=TITLE)
        return None


async def _apply(app: Console, plan: CallbackPlan) -> bool:
    try:
        return await app.call_api_ok(apply_plan(app.client, plan))
    except CallbackSetupError as exc:
        app.show_error(str(exc), title=TITLE)
        return False


def _key_of(app: Console, binding_id: str) -> str:
    """The key the user has for an action (their keymap applied), for messages."""
    for entry in app.key_entries():
        if entry.binding.id == binding_id:
            return entry.key
    return ":"  # unbound: the command palette still offers it

"""Point an application's callback URLs at the relay, and put the old ones back.

Changing where a live account's callbacks go is the one thing bwconsole does
that can break someone's production set-up, so nothing here changes a URL
silently: `plan_point` / `plan_restore` read the application and return a
`CallbackPlan` (current URL -> new URL per field) that the caller shows and
asks about; only `apply_plan` writes. Pointing first saves the URLs it
replaces in `callbacks-backup.toml` next to `config.toml` (per profile and
application, mode 0600: a URL may carry basic-auth credentials), and
restoring puts exactly those back.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import tomli_w

from bwconsole.config import Profile, config_dir

if TYPE_CHECKING:  # importing httpx costs start-up time; `bwconsole config` lists import this
    from bwconsole.api import Application, Client

__all__ = [
    "CALLBACK_FIELDS",
    "CallbackPlan",
    "CallbackSetupError",
    "UrlChange",
    "apply_plan",
    "backup_path",
    "display_url",
    "plan_point",
    "plan_restore",
    "points_at_relay",
    "relay_callback_url",
    "saved_applications",
]

#: Wire name -> `Application` attribute of the URLs bwconsole points at the relay.
CALLBACK_FIELDS = {
    "incomingCallUrl": "incoming_call_url",
    "incomingMessageUrl": "incoming_message_url",
}
BACKUP_FILE = "callbacks-backup.toml"


class CallbackSetupError(Exception):
    """A request that cannot be carried out; the message is for the user as is."""


@dataclass(frozen=True)
class UrlChange:
    """One callback URL of an application: what it is and what it would become."""

    field: str
    """The wire name, e.g. `incomingCallUrl`."""
    current: str | None
    new: str | None
    """None (or "") means the URL is removed."""
    current_at_relay: bool = False
    """The current URL already goes to the profile's relay (so it is no original worth saving)."""

    @property
    def changes(self) -> bool:
        """True when applying would change this URL."""
        return (self.current or "") != (self.new or "")


@dataclass(frozen=True)
class CallbackPlan:
    """What pointing (or restoring) one application would change."""

    action: str
    """`point` or `restore`."""
    profile: str
    application_id: str
    application_name: str
    changes: tuple[UrlChange, ...]

    @property
    def needed(self) -> bool:
        """False when every URL is already as wanted."""
        return any(change.changes for change in self.changes)

    def describe(self) -> str:
        """The plan as lines a user can check before saying yes (credentials masked)."""
        lines = [f"application {self.application_id} ({self.application_name}):"]
        width = max(len(change.field) for change in self.changes)
        for change in self.changes:
            current = display_url(change.current) or "(none)"
            if change.changes:
                new = display_url(change.new) or "(none)"
                lines.append(f"  {change.field:{width}}  {current}\n  {'':{width}}  -> {new}")
            else:
                lines.append(f"  {change.field:{width}}  {current}  (unchanged)")
        return "\n".join(lines)


def relay_callback_url(profile: Profile, ingress: tuple[str, str] | None = None) -> str:
    """`{relay_url}/callbacks/{channel}`, with `user:password@` when the relay wants basic auth.

    The v1 API turns the URL's user info into basic auth on every callback,
    which is how a relay started with `--ingress-user` gets its credentials.

    Raises:
        CallbackSetupError: the profile has no relay URL or channel.
    """
    urls = profile.relay_urls(ingress)
    if urls is None:
        raise CallbackSetupError(
            f"profile {profile.name!r} has no relay URL and channel; "
            f"add them with: bwconsole config add {profile.name} --replace"
        )
    return urls.callbacks


def points_at_relay(url: str | None, profile: Profile) -> bool:
    """True when `url` is the profile's relay ingress (`/callbacks/` or `/bxml/` of its channel).

    User info (ingress credentials) and a trailing slash are ignored.
    """
    urls = profile.relay_urls()
    if not url or urls is None:
        return False
    given = _strip_userinfo(url).rstrip("/")
    return given in (_strip_userinfo(urls.callbacks), _strip_userinfo(urls.bxml))


def display_url(url: str | None) -> str:
    """The URL for printing: a password in it is shown as `****`."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:****@{host}"))


def backup_path() -> Path:
    """Where replaced URLs are kept: `callbacks-backup.toml` beside `config.toml`."""
    return config_dir() / BACKUP_FILE


async def plan_point(
    client: Client,
    profile: Profile,
    application_id: str,
    *,
    ingress: tuple[str, str] | None = None,
) -> CallbackPlan:
    """What pointing this application's call and message URLs at the relay would change.

    Raises:
        CallbackSetupError: the profile has no relay.
        bwconsole.api.ApiError: the application cannot be read.
    """
    target = relay_callback_url(profile, ingress)
    application = await client.applications.get(application_id)
    changes = []
    for field, attr in CALLBACK_FIELDS.items():
        current = getattr(application, attr)
        at_relay = points_at_relay(current, profile)
        changes.append(UrlChange(field, current, target, current_at_relay=at_relay))
    return _plan("point", profile, application_id, application, tuple(changes))


async def plan_restore(client: Client, profile: Profile, application_id: str) -> CallbackPlan:
    """What putting back the URLs saved by the last `point` would change.

    Raises:
        CallbackSetupError: nothing was saved for this profile and application.
        bwconsole.api.ApiError: the application cannot be read.
    """
    saved = _read_backup().get(profile.name, {}).get(application_id)
    if not isinstance(saved, dict):
        raise CallbackSetupError(
            f"no saved callback URLs for application {application_id} in profile {profile.name!r}"
        )
    application = await client.applications.get(application_id)
    changes = tuple(
        UrlChange(field, getattr(application, attr), saved.get(field) or None)
        for field, attr in CALLBACK_FIELDS.items()
    )
    return _plan("restore", profile, application_id, application, changes)


def saved_applications(profile: Profile) -> list[str]:
    """Ids of the applications with URLs saved for this profile."""
    return sorted(_read_backup().get(profile.name, {}))


async def apply_plan(client: Client, plan: CallbackPlan) -> None:
    """Carry out a plan the user agreed to.

    Pointing saves the URLs it replaces first; a URL that already points at the
    relay keeps the original saved before it, so pointing twice (say, to add
    ingress credentials) never loses the real originals. Restoring forgets the
    saved URLs once they are back.

    Raises:
        bwconsole.api.ApiError: the API refused the change (nothing is forgotten then).
    """
    if not plan.needed:
        return
    if plan.action == "point":
        _save_backup(plan.profile, plan.application_id, plan.changes)
    fields = {CALLBACK_FIELDS[c.field]: c.new or "" for c in plan.changes if c.changes}
    await client.applications.update(plan.application_id, **fields)
    if plan.action == "restore":
        _forget_backup(plan.profile, plan.application_id)


def _plan(
    action: str,
    profile: Profile,
    application_id: str,
    application: Application,
    changes: tuple[UrlChange, ...],
) -> CallbackPlan:
    return CallbackPlan(
        action=action,
        profile=profile.name,
        application_id=application_id,
        application_name=application.name or "",
        changes=changes,
    )


def _strip_userinfo(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _read_backup() -> dict[str, Any]:
    path = backup_path()
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CallbackSetupError(f"{path}: cannot read the saved callback URLs: {exc}") from None


def _save_backup(profile: str, application_id: str, changes: tuple[UrlChange, ...]) -> None:
    data = _read_backup()
    entry: dict[str, str] = dict(data.get(profile, {}).get(application_id) or {})
    for change in changes:
        if change.current_at_relay:
            continue
        if change.current:
            entry[change.field] = change.current
        else:
            entry.pop(change.field, None)  # it had none: restoring removes the relay's
    entry["saved_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data.setdefault(profile, {})[application_id] = entry
    _write_backup(data)


def _forget_backup(profile: str, application_id: str) -> None:
    data = _read_backup()
    data.get(profile, {}).pop(application_id, None)
    if profile in data and not data[profile]:
        del data[profile]
    _write_backup(data)


def _write_backup(data: dict[str, Any]) -> None:
    """Atomically, owner-only: the saved URLs may hold the user's own basic-auth passwords."""
    path = backup_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".callbacks-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                tomli_w.dump(data, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise CallbackSetupError(f"{path}: cannot save the callback URLs: {exc}") from None

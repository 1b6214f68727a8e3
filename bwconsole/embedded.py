"""The zero-configuration environment: the sandbox and the relay inside the console's process.

`bwconsole` with no profile (or `--sandbox`) runs on this. Both servers listen
on loopback in the caller's event loop; the sandbox's demo application posts
its callbacks to the embedded relay, so events flow exactly as with a real
account: sandbox -> relay `/callbacks/sandbox` -> websocket -> console.

State lives under one directory (`bwconsole.config.data_dir()` by default):

- `sandbox.sqlite3` — the emulated account (numbers, calls, messages ...);
- `relay.sqlite3` — the relay's event log, so the console resumes where it was;
- `live/` — where the console should keep its relay position (`live_state_dir`);
- `embedded.json` — the ports of the last run, reused when free so URLs stay stable,
  and the running relay's token (mode 0600), so `bwconsole listen --sandbox` and
  `bwconsole trigger` can join the sandbox a console is running (`running_sandbox`);
- `embedded.lock` — held while running: a second console on the same
  directory gets `EmbeddedBusy` instead of two processes writing one account.

The relay's ingress (`/callbacks/…`, `/bxml/…`) wants basic auth with a credential
drawn at random on every start: its port is no secret (`embedded.json`), and whoever
could post there could put words in front of the user. The sandbox learns it the way
the real API does, from the user info of the application's callback URLs
(`http://sandbox:PASSWORD@127.0.0.1:PORT/callbacks/sandbox`), which are rewritten
with this start's credential.

The account is seeded the first time its state file is created. Start-up does
no sleeping and imports nothing heavy beyond the two servers.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bwconsole.config import Profile
from bwconsole.relay.app import create_app as create_relay_app
from bwconsole.relay.app import server_options
from bwconsole.relay.sqlite_store import SqliteStore
from bwconsole.relay_urls import relay_urls
from bwconsole.sandbox.app import create_app as create_sandbox_app
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.seed import seed, seed_voice
from bwconsole.servers import BackgroundServer

__all__ = [
    "CHANNEL",
    "PROFILE_NAME",
    "Embedded",
    "EmbeddedBusy",
    "RunningSandbox",
    "embedded",
    "running_sandbox",
]

PROFILE_NAME = "sandbox"
CHANNEL = "sandbox"
SANDBOX_STATE = "sandbox.sqlite3"
RELAY_STATE = "relay.sqlite3"
LIVE_DIR = "live"
#: The console's index of conferences on this sandbox (bwconsole.tui.conference_index).
CONFERENCE_INDEX = "conferences.sqlite3"
PORTS_FILE = "embedded.json"
LOCK_FILE = "embedded.lock"
#: Events older than this are pruned from the embedded relay's log.
RETENTION_SECONDS = 7 * 86400.0
#: Callback URLs of an earlier run's embedded relay (its port may have changed since).
_LOOPBACK_RELAY = re.compile(
    r"^http://(?:[^@/]*@)?127\.0\.0\.1:\d+(/(?:callbacks|bxml)/" + CHANNEL + r")$"
)
INGRESS_USER = "sandbox"
"""The basic-auth user of the embedded relay's ingress (the password changes every start)."""
_OWN_URL_FIELDS = ("callbackUrl", "fallbackUrl")
"""Where a call's or a conference's own events go."""
_APPLICATION_URL_FIELDS = (
    "incomingCallUrl",
    "incomingCallFallbackUrl",
    "incomingMessageUrl",
    "incomingMessageFallbackUrl",
)


class EmbeddedBusy(Exception):
    """Another process runs the embedded sandbox on this data dir; the message says so in words."""


@dataclass
class Embedded:
    """A running embedded sandbox and relay, and the profile that reaches them."""

    sandbox: Sandbox
    """The emulated account (its state, clock and callback sender)."""
    profile: Profile
    """Profile `sandbox`: API credentials, the relay URL, a fresh relay token, channel `sandbox`."""
    api_url: str
    """`http://127.0.0.1:PORT/v1`."""
    relay_url: str
    """The relay's base URL, `http://127.0.0.1:PORT`."""
    data_dir: Path
    ingress: tuple[str, str] = ("", "")
    """The basic-auth (user, password) the relay's ingress wants, new on every start."""
    seeded: dict[str, Any] = field(default_factory=dict)
    """What `seed` created on this start (`{"seeded": False}` when the account already existed)."""

    @property
    def sandbox_url(self) -> str:
        """The sandbox's base URL (control routes such as `/sandbox/inject/message` hang off it)."""
        return self.api_url.removesuffix("/v1")

    @property
    def callbacks_url(self) -> str:
        """Where the demo application's callbacks go: `{relay_url}/callbacks/sandbox`,
        with the ingress credential as user info."""
        return relay_urls(self.relay_url, CHANNEL, self.ingress).callbacks

    @property
    def bxml_url(self) -> str:
        """The relay's BXML ingress for this channel: `{relay_url}/bxml/sandbox`, with
        the ingress credential as user info."""
        return relay_urls(self.relay_url, CHANNEL, self.ingress).bxml

    @property
    def live_state_dir(self) -> Path:
        """Directory for `LiveClient(state_path=...)`; cleared with the rest on `fresh`."""
        return self.data_dir / LIVE_DIR


@contextlib.asynccontextmanager
async def embedded(
    *, data_dir: Path, fresh: bool = False, time_scale: float = 1.0
) -> AsyncIterator[Embedded]:
    """Run the sandbox and the relay in this event loop until the block exits.

    Args:
        data_dir: where the sandbox's and relay's state persist between runs.
        fresh: forget the previous state (sandbox, relay log, console position)
            and start from a newly seeded account.
        time_scale: API time runs this many times faster than the wall clock.

    Yields:
        The running environment; its `profile` works with `api.Client`,
        `checks.check_profile` and `live.LiveClient` like any other.

    Raises:
        EmbeddedBusy: another bwconsole runs the sandbox on `data_dir` (checked
            before anything, `fresh` included, touches its state).
    """
    with _exclusive(data_dir):
        async with _running(data_dir, fresh, time_scale) as env:
            yield env


@contextlib.asynccontextmanager
async def _running(data_dir: Path, fresh: bool, time_scale: float) -> AsyncIterator[Embedded]:
    # Blocking file work, but a few milliseconds before anything else runs in the loop.
    first_start, ports = _prepare(data_dir, fresh)
    state_file = data_dir / SANDBOX_STATE

    # Hex, so the token never starts with "-" (a command-line option to argparse).
    token = secrets.token_hex(24)
    ingress = (INGRESS_USER, secrets.token_hex(16))
    relay_app = create_relay_app(
        SqliteStore(data_dir / RELAY_STATE),
        tokens=[token],
        ingress_auth=ingress,
        retention=RETENTION_SECONDS,
    )
    relay = _server(relay_app, ports.get("relay", 0), **server_options(relay_app))
    sandbox = Sandbox(state_file=state_file, time_scale=time_scale)
    api = _server(create_sandbox_app(sandbox), ports.get("sandbox", 0))
    sandbox.base_url = api.url

    urls = relay_urls(relay.url, CHANNEL, ingress)
    seeded: dict[str, Any] = {"seeded": False}
    if first_start:
        seeded = seed(sandbox, relay_url=urls.callbacks)
    if seeded["seeded"]:
        seeded |= seed_voice(sandbox, seeded["numbers"])
    _repoint_applications(sandbox, urls.base)

    creds = sandbox.credentials
    env = Embedded(
        sandbox=sandbox,
        profile=Profile(
            name=PROFILE_NAME,
            user_id=creds.user_id,
            api_token=creds.token,
            api_secret=creds.secret,
            api_url=f"{api.url}/v1",
            relay_url=relay.url,
            relay_token=token,
            relay_channel=CHANNEL,
        ),
        api_url=f"{api.url}/v1",
        relay_url=relay.url,
        data_dir=data_dir,
        ingress=ingress,
        seeded=seeded,
    )
    try:
        # The relay first: the sandbox's start-up sends events (the hangups of calls a restart
        # cut off, messages resuming delivery) that must find it listening.
        await relay.start()
        await api.start()
        _remember_ports(data_dir, token, ingress, relay=relay.port, sandbox=api.port)
        yield env
    finally:
        # The sandbox first: its lifespan cancels callbacks still heading for the relay.
        await api.stop()
        await relay.stop()
        sandbox.store.close()  # no-op after a clean lifespan; closes it if start-up failed


@contextlib.contextmanager
def _exclusive(data_dir: Path) -> Iterator[None]:
    """Hold `embedded.lock` (POSIX advisory lock; the OS drops it if the process dies)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; one console per data dir is on the user
        yield
        return
    with open(data_dir / LOCK_FILE, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise EmbeddedBusy(
                f"another bwconsole is running the sandbox in {data_dir}; "
                "close it first (or point BWCONSOLE_DATA_DIR elsewhere)"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _prepare(data_dir: Path, fresh: bool) -> tuple[bool, dict[str, int]]:
    """Forget the old state if asked; is this the account's first start?"""
    if fresh:
        _forget_state(data_dir)
    return not (data_dir / SANDBOX_STATE).exists(), _previous_ports(data_dir)


def _server(app: Any, port: int, **options: Any) -> BackgroundServer:
    """A server on the port of the last run when it is still free, else on any free port.

    uvicorn's own logging setup is skipped (`log_config=None`): its records then
    reach the console's log file (`bwconsole.logs`) instead of printing over the
    screen through the stderr handler uvicorn would install.
    """
    options.setdefault("log_config", None)
    if port:
        with contextlib.suppress(OSError):
            return BackgroundServer(app, port=port, **options)
    return BackgroundServer(app, **options)


def _repoint_applications(sandbox: Sandbox, relay_url: str) -> None:
    """Move callback URLs aimed at an earlier run's embedded relay (its port, its
    ingress credential) to this run's (`relay_url` holds the credential): the
    applications', and those of the calls a restart cut off and of conferences still
    open, whose last events (their hangup, the members leaving) are about to go out."""
    from bwconsole.sandbox.voice.engine import CallEngine

    _repoint(sandbox, "applications", _APPLICATION_URL_FIELDS, relay_url)
    cut_off = set(sandbox.service(CallEngine).interrupted)
    _repoint(sandbox, "calls", _OWN_URL_FIELDS, relay_url, lambda r: r["id"] in cut_off)
    _repoint(
        sandbox, "conferences", _OWN_URL_FIELDS, relay_url, lambda r: r["state"] != "completed"
    )


def _repoint(
    sandbox: Sandbox,
    kind: str,
    fields: tuple[str, ...],
    relay_url: str,
    which: Callable[[dict[str, Any]], bool] = lambda record: True,
) -> None:
    collection = sandbox.collection(kind)
    for record in collection:
        if not which(record):
            continue
        changed = False
        for name in fields:
            match = _LOOPBACK_RELAY.match(str(record.get(name) or ""))
            if match and record[name] != relay_url + match.group(1):
                record[name] = relay_url + match.group(1)
                changed = True
        if changed:
            collection.save(record["id"])


def _forget_state(data_dir: Path) -> None:
    """Delete the sandbox's and the relay's state, the console's relay position and
    its conference index (which lives beside the sandbox's state)."""
    for name in (SANDBOX_STATE, RELAY_STATE, CONFERENCE_INDEX):
        for suffix in ("", "-wal", "-shm", "-journal"):
            (data_dir / (name + suffix)).unlink(missing_ok=True)
    shutil.rmtree(data_dir / (SANDBOX_STATE + ".media"), ignore_errors=True)
    shutil.rmtree(data_dir / LIVE_DIR, ignore_errors=True)


def _previous_ports(data_dir: Path) -> dict[str, int]:
    try:
        saved = json.loads((data_dir / PORTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(saved, dict):
        return {}
    return {k: v for k, v in saved.items() if isinstance(v, int) and 1024 <= v <= 65535}


def _remember_ports(data_dir: Path, token: str, ingress: tuple[str, str], **ports: int) -> None:
    path = data_dir / PORTS_FILE
    with contextlib.suppress(OSError):
        # created 0600 before the secrets are written: they let anyone read or post events
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({**ports, "relay_token": token, "ingress": list(ingress)}, handle)


@dataclass(frozen=True)
class RunningSandbox:
    """How another process reaches the embedded sandbox a console (or `listen`) is running."""

    sandbox_url: str
    relay_url: str
    relay_token: str
    ingress: tuple[str, str]
    """The basic-auth (user, password) the relay's ingress wants."""
    channel: str = CHANNEL

    @property
    def bxml_url(self) -> str:
        """The relay's BXML ingress for the channel, with the ingress credential."""
        return relay_urls(self.relay_url, self.channel, self.ingress).bxml


def running_sandbox(data_dir: Path) -> RunningSandbox | None:
    """The embedded sandbox running on `data_dir` in another process, or None when none is."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: trust the file
        fcntl = None  # type: ignore[assignment]
    lock = data_dir / LOCK_FILE
    if fcntl is not None:
        if not lock.exists():
            return None
        with open(lock, "a+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass  # held: it is running
            else:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                return None
    try:
        saved = json.loads((data_dir / PORTS_FILE).read_text(encoding="utf-8"))
        relay, sandbox, token = saved["relay"], saved["sandbox"], saved["relay_token"]
        user, password = saved["ingress"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return RunningSandbox(
        f"http://127.0.0.1:{sandbox}",
        f"http://127.0.0.1:{relay}",
        str(token),
        (str(user), str(password)),
    )

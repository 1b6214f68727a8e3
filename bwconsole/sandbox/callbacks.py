"""Delivers callback events to application servers the way the v1 API does (SEMANTICS.md §9).

POST with a JSON body (default) or GET with the fields as query parameters;
`User-Agent: BandwidthAPI/v1 (...)`; credentials in the URL's userinfo sent as
basic auth; `callbackTimeout` honoured; the `fallbackUrl` tried when the
primary fails; failures reported so the sandbox can record them in the errors
resource. Events sharing an ordering key (one call, one conference, one
message) are delivered one after another, in the order they were queued.

HTTP is aiohttp's: one session whose `TCPConnector` keeps at most
`CONNECTIONS_PER_ORIGIN` keep-alive connections per host. httpx was measured
first: with 1,000 live calls its pool (httpcore) rescanned every queued request
against every connection on each change and spent most of a core doing so (p99
delay 4-13 s against a 50 ms target); aiohttp's connector queues waiters per
host. A per-origin semaphore in front of it lets a delivery's timeout start
when its request can go out, not while it waits its turn behind a thousand
others. A reply is read up to the 16 KB BXML limit and no further, so an
application answering with an endless body costs the sandbox nothing.
"""

from __future__ import annotations

import asyncio
import base64
import codecs
import contextlib
import functools
import importlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    import aiohttp
    import yarl

__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "MAX_REPLY_BYTES",
    "USER_AGENT",
    "CallbackSender",
    "Delivery",
    "Outcome",
]

_log = logging.getLogger(__name__)

USER_AGENT = "BandwidthAPI/v1 (bwconsole-sandbox)"
DEFAULT_TIMEOUT_MS = 10_000
#: Deliveries in flight to one scheme://host:port at once; more wait their turn.
CONNECTIONS_PER_ORIGIN = 64
#: Idle keep-alive connections are dropped after this long (uvicorn closes them at 5 s).
KEEPALIVE_EXPIRY = 4.0
#: A reply is read up to this many bytes: a BXML document may be at most 16 KB.
MAX_REPLY_BYTES = 16 * 1024
#: Characters left as they are when a URL's path is percent-encoded.
PATH_SAFE = "/%:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Delivery:
    """One event to deliver."""

    url: str
    payload: Mapping[str, Any]
    method: str = "POST"
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    fallback_url: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What the application server answered (`ok` False when nothing usable came back).

    `too_large` means the reply went on past `MAX_REPLY_BYTES`: reading stopped
    there, and `body` is empty.
    """

    ok: bool
    status: int | None = None
    body: str = ""
    content_type: str = ""
    error: str | None = None
    too_large: bool = False


def query_value(value: Any) -> str:
    """A field as it appears in a GET callback's query string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """`https://user:pass@host/p` -> (`https://host/p`, (user, pass))."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    bare = urlunsplit((parts.scheme, _authority(parts), parts.path, parts.query, parts.fragment))
    return bare, (unquote(parts.username), unquote(parts.password or ""))


def _authority(parts: Any) -> str:
    """host[:port] of a split URL without its userinfo (IPv6 hosts in brackets)."""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port else host


def _decode(body: bytes, content_type: str) -> str:
    """The reply as text, in its declared charset (UTF-8 when none or unknown)."""
    if not body:
        return ""  # the usual callback reply: parsing the header would cost more than the event
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    if isinstance(charset, str):
        with contextlib.suppress(LookupError):
            return body.decode(codecs.lookup(charset).name, "replace")
    return body.decode("utf-8", "replace")


@dataclass(frozen=True)
class _Request:
    """What to send, ready for aiohttp: the origin it goes to and the encoded URL."""

    origin: tuple[str, str, int]
    method: str
    url: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class _Target:
    origin: tuple[str, str, int]
    base: str  # scheme://host:port/path, percent-encoded
    query: str
    authorization: str | None


@functools.lru_cache(maxsize=4096)
def _target(url: str) -> _Target:
    """A callback URL taken apart once: the same few URLs get every event of a call."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {split_credentials(url)[0]}")
    port = parts.port or (443 if scheme == "https" else 80)
    authorization = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        authorization = "Basic " + base64.b64encode(pair).decode()
    return _Target(
        (scheme, parts.hostname, port),
        f"{scheme}://{_authority(parts)}" + quote(parts.path or "/", safe=PATH_SAFE),
        quote(parts.query, safe=PATH_SAFE + "?"),
        authorization,
    )


def _build(url: str, delivery: Delivery) -> _Request:
    target = _target(url)
    query = target.query
    body = b""
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if delivery.method.upper() == "GET":
        method = "GET"
        fields = {key: query_value(value) for key, value in delivery.payload.items()}
        added = urlencode(fields, quote_via=quote)
        query = f"{query}&{added}" if query and added else query or added
    else:
        method = "POST"
        body = json.dumps(delivery.payload).encode()
        headers["Content-Type"] = "application/json; charset=utf-8"
    if target.authorization is not None:
        headers["Authorization"] = target.authorization
    full = target.base + (f"?{query}" if query else "")
    return _Request(target.origin, method, full, headers, body)


@functools.lru_cache(maxsize=4096)
def _encoded(url: str) -> yarl.URL:
    """An already percent-encoded URL as yarl's (built once per distinct URL)."""
    import yarl

    return yarl.URL(url, encoded=True)


class _Failure(Exception):
    """The exchange failed at the connection or protocol level (the message says how)."""


class CallbackSender:
    """Sends deliveries over pooled keep-alive connections, serialised per ordering key.

    Args:
        on_failure: called with (delivery, message) whenever a delivery attempt
            fails, so the sandbox can record a callback error.
    """

    def __init__(self, on_failure: Callable[[Delivery, str], None] | None = None) -> None:
        self._on_failure = on_failure
        self._slots: dict[tuple[str, str, int], asyncio.Semaphore] = {}
        self._tails: dict[str, asyncio.Task[Outcome]] = {}
        self._pending: set[asyncio.Task[Outcome]] = set()
        self._client: aiohttp.ClientSession | None = None
        self._imported: asyncio.Future[Any] | None = None

    def send(self, key: str, delivery: Delivery) -> asyncio.Future[Outcome]:
        """Queue a delivery behind earlier ones with the same key; the future yields its outcome.

        The future never fails: every problem is an `Outcome` with `ok` False. It is
        shielded: whoever awaits it (the follower of an answer's BXML reply, say) may be
        cancelled — the call hung up — without cancelling the delivery, as the v1 API
        still delivers an event after the call it reports has ended. Only `aclose`
        cancels deliveries.
        """
        previous = self._tails.get(key)
        task = asyncio.create_task(self._after(previous, delivery))
        self._tails[key] = task
        self._pending.add(task)
        task.add_done_callback(lambda done: self._forget(key, done))
        return asyncio.shield(task)

    async def deliver(self, delivery: Delivery) -> Outcome:
        """Send now, trying the fallback URL if the primary fails."""
        await self._aiohttp_imported()
        outcome = await self._attempt(delivery.url, delivery)
        if not outcome.ok and delivery.fallback_url:
            outcome = await self._attempt(delivery.fallback_url, delivery)
        return outcome

    async def aclose(self) -> None:
        """Cancel every queued and in-flight delivery, then close the connections."""
        pending = list(self._pending)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def _after(self, previous: asyncio.Task[Outcome] | None, delivery: Delivery) -> Outcome:
        if previous is not None and not previous.done():
            # `wait`, not `await`: a cancelled predecessor must not cancel this one too.
            await asyncio.wait((previous,))
        return await self.deliver(delivery)

    def _forget(self, key: str, task: asyncio.Task[Outcome]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            _log.error("delivering a callback failed", exc_info=exc)  # a bug: never silent
        if self._tails.get(key) is task:
            del self._tails[key]

    async def _aiohttp_imported(self) -> None:
        """Import aiohttp on the first delivery, in a thread: the import must not stall the
        event loop (0.1-0.8 s on a busy machine, p99 delay 2 s at 1,000 calls), and a
        console starting on the embedded sandbox must not pay for it before its first
        screen (0.2 s of CPU, docs/performance.md) when no callback is due yet."""
        if self._imported is None:
            self._imported = asyncio.ensure_future(
                asyncio.to_thread(importlib.import_module, "aiohttp")
            )
        # Shielded: a delivery cancelled while waiting must not cancel the others' import.
        await asyncio.shield(self._imported)

    def _session(self) -> aiohttp.ClientSession:
        """The shared session, made on first use."""
        if self._client is None:
            import aiohttp

            connector = aiohttp.TCPConnector(
                limit=0, limit_per_host=CONNECTIONS_PER_ORIGIN, keepalive_timeout=KEEPALIVE_EXPIRY
            )
            self._client = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=None),
                skip_auto_headers=("Accept-Encoding",),
                auto_decompress=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._client

    async def _attempt(self, url: str, delivery: Delivery) -> Outcome:
        try:
            request = _build(url, delivery)
            slots = self._slots.get(request.origin)
            if slots is None:
                slots = self._slots[request.origin] = asyncio.Semaphore(CONNECTIONS_PER_ORIGIN)
            async with slots, asyncio.timeout(max(delivery.timeout_ms, 1) / 1000):
                outcome = await self._exchange(request)
        except TimeoutError:
            return self._failed(delivery, url, f"callback timed out after {delivery.timeout_ms} ms")
        except _Failure as exc:
            return self._failed(delivery, url, f"callback failed: {exc}")
        except Exception as exc:  # a bad URL or anything aiohttp raises: a failed delivery
            return self._failed(delivery, url, f"callback failed: {_describe(exc)}")
        if outcome.status is not None and outcome.status >= 400:
            return self._failed(
                delivery, url, f"callback answered HTTP {outcome.status}", outcome.status
            )
        return outcome

    async def _exchange(self, request: _Request, *, retry: bool = True) -> Outcome:
        """One request and its reply (at most `MAX_REPLY_BYTES` of it read).

        A POST that finds its keep-alive connection closed by the server before any
        reply is sent once more on a fresh one, as aiohttp itself does for GET.
        """
        import aiohttp

        try:
            async with self._session().request(
                request.method,
                _encoded(request.url),
                headers=request.headers,
                data=request.body or None,
                allow_redirects=False,
            ) as response:
                content_type = response.headers.get("Content-Type", "")
                body = await _read_limited(response)
                if body is None:
                    response.close()  # stop reading: the connection is dropped
                    return Outcome(True, response.status, "", content_type, too_large=True)
                return Outcome(True, response.status, _decode(body, content_type), content_type)
        except aiohttp.ServerDisconnectedError as exc:
            if retry and request.method == "POST":
                return await self._exchange(request, retry=False)
            raise _Failure("the server closed the connection without answering") from exc
        except aiohttp.ClientConnectorError as exc:
            raise _Failure(_describe(exc.os_error)) from exc
        except aiohttp.ClientError as exc:
            raise _Failure(_describe(exc)) from exc

    def _failed(
        self, delivery: Delivery, url: str, message: str, status: int | None = None
    ) -> Outcome:
        if self._on_failure is not None:
            self._on_failure(delivery, f"{message} ({split_credentials(url)[0]})")
        return Outcome(ok=False, status=status, error=message)


async def _read_limited(response: aiohttp.ClientResponse) -> bytes | None:
    """The whole reply body, or None as soon as it goes past `MAX_REPLY_BYTES`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await response.content.read(MAX_REPLY_BYTES + 1 - size)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            return None
        chunks.append(chunk)


def _describe(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"

"""Re-send one relayed callback to the developer's local app, exactly as the v1 API sent it.

The app must not be able to tell the relay was in between: the method, the raw
query string and the body (byte for byte: the relay kept the text as received,
and UTF-8 gives back the same bytes) are the API's; so are the headers, except
the hop-by-hop ones (they described the API's connection to the relay, not
ours to the app) and the ingress credentials (the relay never keeps them).
Two headers are added: `X-Bwconsole-Event-Seq` (the relay's seq, an
idempotency key: at-least-once delivery may repeat an event, never with
another seq) and `X-Bwconsole-Received-At` (when the relay received it).

`deliver` retries until the app answers 2xx, with jittered exponential
backoff (tenacity), because the caller acks the event only after that: a
laptop asleep or an app restarting delays events, it never loses them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_delay,
    stop_never,
    wait_exponential_jitter,
)

from bwconsole.live import LiveEvent

__all__ = [
    "HOP_BY_HOP",
    "BXML_URL_HEADER",
    "RECEIVED_HEADER",
    "SEQ_HEADER",
    "Answer",
    "Forwarder",
    "NotOk",
    "event_id",
    "event_type",
]

SEQ_HEADER = "X-Bwconsole-Event-Seq"
RECEIVED_HEADER = "X-Bwconsole-Received-At"
BXML_URL_HEADER = "X-Bwconsole-Bxml-Url"
"""On BXML requests: the relay's BXML door for the channel, for the `requestUrl` of a
`Gather` or `Redirect` (the API must call back through the relay, not the laptop)."""

#: headers of the API's connection to the relay (RFC 9110 §7.6.1), plus the ones httpx
#: recomputes for the new connection (`host`, `content-length`)
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "authorization",
        "cookie",
    }
)

_ID_FIELDS = ("callId", "messageId", "conferenceId", "recordingId", "transcriptionId")


def event_type(live: LiveEvent) -> str:
    """The v1 `eventType` of a relayed callback (`?` when it has none)."""
    payload = live.payload or {}
    return str(payload.get("eventType") or "?")


def event_id(live: LiveEvent) -> str:
    """The call, message, conference, recording or transcription id the event is about."""
    payload = live.payload or {}
    for name in _ID_FIELDS:
        if payload.get(name):
            return str(payload[name])
    return "-"


@dataclass(frozen=True, slots=True)
class Answer:
    """What the local app answered to one attempt."""

    status: int
    content_type: str
    body: str
    latency: float
    """Seconds from sending the request to the end of the answer."""
    attempts: int = 1

    @property
    def ok(self) -> bool:
        """A 2xx: the only answer that gets an event acked."""
        return 200 <= self.status < 300


class NotOk(Exception):
    """The app answered, but not 2xx (retried like a connection error)."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(f"HTTP {answer.status}")
        self.answer = answer


#: (event, what went wrong, seconds until the next attempt, attempts so far)
RetryHook = Callable[[LiveEvent, str, float, int], None]


def describe(error: BaseException | None) -> str:
    """A few words for a failed attempt: `HTTP 500`, `cannot connect`, `timed out`."""
    if isinstance(error, NotOk):
        return str(error)
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    if isinstance(error, httpx.ConnectError):
        return "cannot connect (is the app running?)"
    if isinstance(error, httpx.ReadError | httpx.RemoteProtocolError | httpx.WriteError):
        return "connection dropped before the answer"
    if error is None:
        return "failed"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class Forwarder:
    """Sends relayed callbacks to one local URL.

    Args:
        url: the app's URL (`http://localhost:8000/callbacks`); the event's own query
            string is appended to it.
        bxml_url: where BXML requests go (default: `url`).
        relay_bxml_url: the relay's BXML door, sent to the app in `X-Bwconsole-Bxml-Url`.
        timeout: seconds one attempt may take.
        backoff: (first, maximum) seconds between attempts; each wait is jittered.
        on_retry: told about every failed attempt before the wait.
        client: an `httpx.AsyncClient` to use (tests); by default one is made.
    """

    def __init__(
        self,
        url: str,
        *,
        bxml_url: str | None = None,
        relay_bxml_url: str = "",
        timeout: float = 10.0,
        backoff: tuple[float, float] = (0.25, 10.0),
        on_retry: RetryHook | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = url
        self.bxml_url = bxml_url or url
        self.relay_bxml_url = relay_bxml_url
        self.timeout = timeout
        self.backoff = backoff
        self.on_retry = on_retry
        """Told about every failed attempt before the wait."""
        # no env proxies: the app is on this machine and a corporate proxy must not see it
        self._client = client or httpx.AsyncClient(trust_env=False, follow_redirects=False)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    def target(self, live: LiveEvent) -> str:
        """The URL one event goes to: the app's URL plus the event's raw query string."""
        url = self.bxml_url if live.bxml else self.url
        if not live.query:
            return url
        return f"{url}{'&' if '?' in url else '?'}{live.query}"

    def headers(self, live: LiveEvent) -> list[tuple[str, str]]:
        """The API's headers minus hop-by-hop and credentials, plus seq and receive time.

        Hop-by-hop are the fixed ones and any that `Connection` names (RFC 9110 §7.6.1).
        """
        named = {token.strip().lower() for token in live.headers.get("connection", "").split(",")}
        dropped = HOP_BY_HOP | named
        kept = [(k, v) for k, v in live.headers.items() if k.lower() not in dropped]
        kept += [(SEQ_HEADER, str(live.seq)), (RECEIVED_HEADER, live.received_at)]
        if live.bxml and self.relay_bxml_url:
            kept.append((BXML_URL_HEADER, self.relay_bxml_url))
        return kept

    async def send_once(self, live: LiveEvent, *, limit: float | None = None) -> Answer:
        """One attempt: the app's answer, whatever its status.

        Raises:
            httpx.TransportError: the app could not be reached or did not answer in time.
        """
        started = perf_counter()
        response = await self._client.request(
            live.method or "POST",
            httpx.URL(self.target(live)),
            headers=self.headers(live),
            content=live.body.encode("utf-8") if live.method != "GET" else None,
            timeout=limit if limit is not None else self.timeout,
        )
        return Answer(
            response.status_code,
            response.headers.get("content-type", ""),
            response.text,
            perf_counter() - started,
        )

    async def deliver(self, live: LiveEvent, *, within: float | None = None) -> Answer:
        """Send until the app answers 2xx (forever), or, with `within`, until it answers at all.

        A BXML request (`within` set) has the API waiting on the line: an app that
        cannot be reached is tried again while time is left, but an answer that is
        not 2xx is final (the caller then gets the fallback at once).

        Raises:
            NotOk: with `within`, the app answered, but not 2xx.
            httpx.TransportError: the app was unreachable until `within` ran out.
        """
        timeout = self.timeout if within is None else min(self.timeout, within)
        retryable = (httpx.TransportError, NotOk) if within is None else httpx.TransportError
        started = perf_counter()
        try:  # most deliveries succeed at once: tenacity is set up only for the retries
            return await self._attempt(live, timeout)
        except retryable as exc:
            failed: BaseException | None = exc
        attempts = 1
        retrying = AsyncRetrying(
            wait=wait_exponential_jitter(initial=self.backoff[0], max=self.backoff[1]),
            retry=retry_if_exception_type(retryable),
            stop=stop_never
            if within is None
            else stop_after_delay(max(0.0, within - (perf_counter() - started))),
            before_sleep=lambda state: self._retrying(live, state),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                if failed is not None:  # tenacity's attempt 1 is the one that just failed
                    error, failed = failed, None
                    raise error
                attempts += 1
                answer = await self._attempt(live, timeout)
        return Answer(answer.status, answer.content_type, answer.body, answer.latency, attempts)

    async def _attempt(self, live: LiveEvent, limit: float) -> Answer:
        answer = await self.send_once(live, limit=limit)
        if not answer.ok:
            raise NotOk(answer)
        return answer

    def _retrying(self, live: LiveEvent, state: RetryCallState) -> None:
        if self.on_retry is None:
            return
        error = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        self.on_retry(live, describe(error), float(wait), state.attempt_number)

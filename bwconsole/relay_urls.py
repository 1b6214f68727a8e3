"""The relay's URLs for one channel, built in one place from its base URL.

Ingress — `/callbacks/{channel}` for events, `/bxml/{channel}` for BXML
requests — is what the v1 API calls; a relay that wants basic auth on ingress
gets it as user info in those URLs, which the API turns into an
`Authorization` header on every callback. Egress — the websocket
`/events/{channel}` a console follows — carries a bearer token instead, so it
never gets the ingress credential. The channel and the credential are always
percent-quoted (a valid channel name, letters, digits and `-_.~`, needs none).

Only the standard library: the console, `listen`, the checks and the embedded
sandbox all build their URLs here, whatever else they import.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

__all__ = ["RelayUrls", "relay_urls"]


@dataclass(frozen=True, slots=True)
class RelayUrls:
    """One channel's doors on one relay."""

    base: str
    """The relay's http(s) base URL, no trailing slash, with the ingress user info if any."""
    callbacks: str
    """Event ingress, `{base}/callbacks/{channel}`: an application's call and message URL."""
    bxml: str
    """BXML ingress, `{base}/bxml/{channel}`: answered by a connected console."""
    events: str
    """The websocket `ws(s)://…/events/{channel}` a console follows (no ingress user info)."""


def relay_urls(base: str, channel: str, ingress: tuple[str, str] | None = None) -> RelayUrls:
    """The URLs of `channel` on the relay at `base`.

    Args:
        base: the relay's base URL, `http(s)://host[:port][/prefix]` (a `ws(s)://` one is
            taken as the egress base as it is); a trailing `/` is dropped.
        channel: the relay channel.
        ingress: `(user, password)` the relay's ingress wants as basic auth, put in
            the ingress URLs as user info.
    """
    plain = base.rstrip("/")
    door = quote(channel, safe="")
    ingress_base = plain if ingress is None else _with_userinfo(plain, ingress)
    return RelayUrls(
        base=ingress_base,
        callbacks=f"{ingress_base}/callbacks/{door}",
        bxml=f"{ingress_base}/bxml/{door}",
        events=f"{_websocket(plain)}/events/{door}",
    )


def _with_userinfo(url: str, ingress: tuple[str, str]) -> str:
    parts = urlsplit(url)
    userinfo = f"{quote(ingress[0], safe='')}:{quote(ingress[1], safe='')}"
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{parts.netloc}"))


def _websocket(url: str) -> str:
    if url.startswith("https://"):
        return "wss://" + url.removeprefix("https://")
    if url.startswith("http://"):
        return "ws://" + url.removeprefix("http://")
    return url

"""The relay's URLs for a channel come from one builder: ingress with user info, egress as ws(s)."""

from __future__ import annotations

from bwconsole.config import Profile
from bwconsole.relay_urls import RelayUrls, relay_urls


def test_every_door_of_a_channel() -> None:
    assert relay_urls("https://relay.example.com/", "work") == RelayUrls(
        base="https://relay.example.com",
        callbacks="https://relay.example.com/callbacks/work",
        bxml="https://relay.example.com/bxml/work",
        events="wss://relay.example.com/events/work",
    )
    assert relay_urls("http://127.0.0.1:8765", "c").events == "ws://127.0.0.1:8765/events/c"


def test_ingress_credentials_go_into_the_ingress_urls_only_and_quoted() -> None:
    urls = relay_urls("http://relay:8765/prefix", "ch", ("us er", "p@ss:/"))
    assert urls.base == "http://us%20er:p%40ss%3A%2F@relay:8765/prefix"
    assert urls.callbacks == "http://us%20er:p%40ss%3A%2F@relay:8765/prefix/callbacks/ch"
    assert urls.bxml == "http://us%20er:p%40ss%3A%2F@relay:8765/prefix/bxml/ch"
    assert urls.events == "ws://relay:8765/prefix/events/ch"


def test_the_channel_is_always_quoted_and_a_websocket_base_is_kept() -> None:
    urls = relay_urls("ws://relay", "a/b c")
    assert urls.callbacks == "ws://relay/callbacks/a%2Fb%20c"
    assert urls.events == "ws://relay/events/a%2Fb%20c"


def test_a_profile_without_a_relay_has_no_urls() -> None:
    profile = Profile(name="p", user_id="u-1", api_token="t", api_secret="s")
    assert profile.relay_urls() is None
    profile.relay_url, profile.relay_channel = "https://relay", "work"
    assert profile.relay_urls(("u", "p")) == relay_urls("https://relay", "work", ("u", "p"))

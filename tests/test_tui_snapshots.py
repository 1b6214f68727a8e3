"""Snapshots of the console's look: every pane and the help screen, default theme.

The data is fixed (ids, times, numbers), fed the way each pane's `load()` and
`apply_event()` feed it: API models through the pane's own row builders where
those are pure, and rows of the same shape where the builder reads the clock.
Times are shown in UTC here, whatever the machine's zone.

Stored as SVG in tests/snapshots/test_tui_snapshots/. After a deliberate change of
look, run `uv run pytest tests/test_tui_snapshots.py --snapshot-update`, then open the
changed SVGs (a browser, or read the text) before committing them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy.extensions.base import AbstractSyrupyExtension

from bwconsole.api.models import Call, Domain, Endpoint, PhoneNumber, Recording, UserError
from bwconsole.events import parse
from bwconsole.live import LiveEvent
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.catalogue import PANES
from bwconsole.tui.rows.calls import call_row
from bwconsole.tui.rows.recordings import recording_row
from bwconsole.tui.widgets.conferences import ConferencesPane
from bwconsole.tui.widgets.endpoints import EndpointsPane
from bwconsole.tui.widgets.errors import error_row
from bwconsole.tui.widgets.messages import MessagesPane
from bwconsole.tui.widgets.numbers import NumbersPane

SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
"""A default terminal, and a roomy one: every pane is pictured at both."""
OWN = "+17046820055"
OTHER_OWN = "+17046820094"
APPLICATION = "a-loyjilnyqgshvppwmz23jsi"
USER = "/v1/users/u-sandbox0000000000000000000"


@pytest.fixture(autouse=True)
def svg_files_in_tests_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    # The plugin's extension sets syrupy's old `_file_extension`, so files would be `.raw`;
    # single-file extensions read the directory name from the abstract base (syrupy 7).
    monkeypatch.setattr(SVGImageExtension, "file_extension", "svg")
    monkeypatch.setattr(AbstractSyrupyExtension, "snapshot_dirname", "snapshots")


@pytest.fixture(autouse=True)
def utc_clock() -> Iterator[None]:
    """Clock columns show local time: pin the zone so the pictures do not depend on it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def at(clock: str) -> float:
    """Epoch seconds of a time on the day the data happens (2026-11-26, UTC)."""
    return datetime.fromisoformat(f"2026-11-26T{clock}+00:00").timestamp()


def iso(clock: str) -> str:
    return f"2026-11-26T{clock}.000Z"


# --- each pane's data ----------------------------------------------------------------------------


def fill_numbers(pane: NumbersPane) -> None:
    pane.application_names[APPLICATION] = "bwconsole demo"
    for number_id, number, name, city, state, app_id, created in (
        ("n-etilwirif6ykpc5upul3u4u", OWN, "main line", "Charlotte", "NC", APPLICATION, "09:02:11"),
        (
            "n-kebfqj65x3b3jceydyc2g7b",
            OTHER_OWN,
            "support",
            "Charlotte",
            "NC",
            APPLICATION,
            "09:02:12",
        ),
        ("n-7eczwjqxlyxarpryiwqaaen", "+18002900081", "toll-free", None, None, None, "09:02:13"),
        ("n-q2w4mdn7cvy3ekzj6h0rbsx", "+19195550140", None, "Raleigh", "NC", None, "11:40:55"),
    ):
        wire = {
            "id": number_id,
            "number": number,
            "name": name,
            "city": city,
            "state": state,
            "applicationId": app_id,
            "numberState": "enabled",
            "createdTime": iso(created),
        }
        pane.put(PhoneNumber.from_wire(wire))


def fill_calls(app: BwConsoleApp) -> None:
    pane = app.pane("calls")
    calls: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (
            {
                "direction": "in",
                "from": "+19195550123",
                "to": OWN,
                "state": "completed",
                "startTime": iso("09:41:03"),
                "activeTime": iso("09:41:06"),
                "endTime": iso("09:43:26"),
                "recordingEnabled": True,
            },
            {"cause": "NORMAL_CLEARING"},
        ),
        (
            {
                "direction": "out",
                "from": OTHER_OWN,
                "to": "+14155550188",
                "state": "completed",
                "startTime": iso("10:05:40"),
                "activeTime": iso("10:05:44"),
                "endTime": iso("10:06:48"),
            },
            {"cause": "NORMAL_CLEARING"},
        ),
        (
            {
                "direction": "out",
                "from": OWN,
                "to": "+15551000001",
                "state": "rejected",
                "startTime": iso("11:12:00"),
                "endTime": iso("11:12:01"),
            },
            {"cause": "USER_BUSY"},
        ),
        (
            {
                "direction": "out",
                "from": OWN,
                "to": "+15552000002",
                "state": "completed",
                "startTime": iso("11:30:00"),
                "endTime": iso("11:31:00"),
            },
            {"cause": "NO_ANSWER"},
        ),
        (
            {
                "direction": "out",
                "from": OWN,
                "to": "+15550021234",
                "state": "active",
                "startTime": iso("11:58:10"),
                "activeTime": iso("11:58:12"),
            },
            # A running call's timer, frozen at 1:37 (the pane counts it from the wall clock).
            {
                "duration": 97.0,
                "mark": "*",
                "notes": ("11:58:12 answered", "11:58:20 speaking: Hello from the console"),
            },
        ),
        (
            {
                "direction": "in",
                "from": "+19195550177",
                "to": OWN,
                "state": "started",
                "startTime": iso("11:59:47"),
            },
            {"notes": ("11:59:47 incoming call",)},
        ),
    ]
    for n, (wire, extra) in enumerate(calls):
        call_id = f"c-{n:02d}snapshotcall000000000"
        row = {**call_row(Call.from_wire({"id": call_id, **wire})), "notes": (), "mark": ""}
        pane.upsert(call_id, row | extra)


def fill_conferences(pane: ConferencesPane) -> None:
    conferences = (
        ("conf-k3z5mb2sxt7q4aqlwuf2d5y", "completed", 0, iso("10:20:00"), iso("10:34:51"), False),
        ("conf-7yx2ilkq3pvd5ahq6kbnbfa", "active", 2, iso("11:50:02"), None, True),
    )
    for conference_id, state, active, created, completed, muted in conferences:
        row = {
            "id": conference_id,
            "state": state,
            "from": OWN,
            "activeMembers": active,
            "mute": muted,
            "hold": False,
            "createdTime": created,
            "completedTime": completed,
            "audio": "speaking" if state == "active" else "",
            "flags": "muted" if muted else "",
        }
        pane.upsert(conference_id, row)
    pane.members["conf-7yx2ilkq3pvd5ahq6kbnbfa"] = {
        "member-ab12cd34ef56gh78ij90kl1": {
            "id": "member-ab12cd34ef56gh78ij90kl1",
            "call": "c-04snapshotcall000000000",
            "state": "active",
            "mute": True,
            "hold": False,
            "addedTime": iso("11:50:05"),
        },
        "member-mn34op56qr78st90uv12wx3": {
            "id": "member-mn34op56qr78st90uv12wx3",
            "call": "c-99snapshotcall000000000",
            "state": "active",
            "mute": True,
            "hold": True,
            "addedTime": iso("11:52:40"),
        },
    }


def fill_messages(pane: MessagesPane) -> None:
    thread = (
        ("m-0001", "in", "+14155550188", OWN, "Hi, is this the order line?", "received", "09:10:00"),
        ("m-0002", "out", OWN, "+14155550188", "Yes - how can we help?", "delivered", "09:10:30"),
        ("m-0003", "in", "+19195550123", OWN, "Did my parcel ship?", "received", "10:02:00"),
        ("m-0004", "out", OWN, "+19195550123", "It did. Tracking number follows.", "delivered", "10:02:41"),
        ("m-0005", "out", OTHER_OWN, "+15556000000", "Your code is 482913", "not-delivered", "11:20:05"),
    )  # fmt: skip
    for message_id, direction, sender, to, text, state, clock in thread:
        pane.add_message(
            message_id,
            {
                "id": message_id,
                "direction": direction,
                "from": sender,
                "to": to,
                "text": text,
                "media": [],
                "state": "sent" if direction == "out" else state,
                "delivery_state": state if direction == "out" else "",
                "delivery_description": "Destination rejected" if state == "not-delivered" else "",
                "time": at(clock),
            },
        )


def fill_endpoints(pane: EndpointsPane) -> None:
    domains = (
        ("dom-bshys2tfsiw7ezmtfe5q4ap", "bwconsole-demo", "Seeded by bwconsole"),
        ("dom-x8fj3k2lqp0vzw7nd6ce1ra", "support-desk", "Agents' softphones"),
    )
    endpoints = (
        ("ep-s2ocvtotizyg663krv64wvd", 0, "softphone", True, "A SIP client for trying calls"),
        ("ep-9dkq2mzl7wv1c3xr8pte5ab", 1, "agent-1", True, "Front desk"),
        ("ep-4hn6bq0yt2fs8lkc5wmje7d", 1, "agent-2", False, "On leave"),
    )
    for domain_id, name, description in domains:
        pane.put_domain(
            Domain.from_wire({"id": domain_id, "name": name, "description": description})
        )
    for endpoint_id, domain, name, enabled, description in endpoints:
        domain_id, domain_name, _ = domains[domain]
        realm = f"{domain_name}.bwapp.bwsipp.io"
        wire = {
            "id": endpoint_id,
            "name": name,
            "description": description,
            "domainId": domain_id,
            "applicationId": APPLICATION,
            "enabled": enabled,
            "sipUri": f"{name}@{realm}",
            "credentials": {"realm": realm, "username": name},
        }
        pane.put_endpoint(Endpoint.from_wire(wire))
    for domain_id, name, description in domains:  # again, now that their endpoints are counted
        pane.put_domain(
            Domain.from_wire({"id": domain_id, "name": name, "description": description})
        )


def fill_recordings(app: BwConsoleApp) -> None:
    pane = app.pane("recordings")
    recordings = (
        ("r-cn7laleyzvnu6rxuhmemofq", "c-00snapshotcall000000000", "09:41:06", "09:43:26",
         "complete", "Hi, this is Dana. Please call me back about my order. Thanks!"),
        ("r-2m5xq8vk3dj0bw7tlyf4eas", "c-01snapshotcall000000000", "10:05:44", "10:06:48",
         "complete", None),
        ("r-w9t3bz6np1hk4qc8xe2ldvm", "c-04snapshotcall000000000", "11:58:12", None,
         "recording", None),
    )  # fmt: skip
    for recording_id, call_id, start, end, state, transcript in recordings:
        wire = {
            "id": recording_id,
            "call": f"https://api.example.test{USER}/calls/{call_id}",
            "media": f"https://api.example.test{USER}/media/{call_id}-1.wav",
            "startTime": iso(start),
            "endTime": iso(end) if end else None,
            "state": state,
        }
        row = recording_row(Recording.from_wire(wire))
        if transcript:
            row |= {"transcription": transcript, "transcriptionState": "completed"}
        pane.upsert(recording_id, row)


def fill_events(app: BwConsoleApp) -> None:
    payloads: list[dict[str, Any] | str] = [
        {"eventType": "incomingcall", "callId": "c-05snapshotcall000000000", "from": "+19195550177",
         "to": OWN, "callState": "active", "applicationId": APPLICATION, "time": iso("11:59:47")},
        {"eventType": "answer", "callId": "c-04snapshotcall000000000", "from": OWN,
         "to": "+15550021234", "callState": "active", "time": iso("11:58:12")},
        {"eventType": "speak", "callId": "c-04snapshotcall000000000", "status": "started",
         "state": "PLAYBACK_START", "time": iso("11:58:20")},
        {"eventType": "conference-member", "conferenceId": "conf-7yx2ilkq3pvd5ahq6kbnbfa",
         "memberId": "member-mn34op56qr78st90uv12wx3", "callId": "c-99snapshotcall000000000",
         "state": "active", "activeMembers": 2, "hold": True, "mute": True, "time": iso("11:52:40")},
        {"eventType": "sms", "direction": "out", "messageId": "m-0005", "from": OTHER_OWN,
         "to": "+15556000000", "text": "Your code is 482913", "state": "sent",
         "deliveryState": "not-delivered", "time": iso("11:20:05")},
        {"eventType": "hangup", "callId": "c-02snapshotcall000000000", "from": OWN,
         "to": "+15551000001", "cause": "USER_BUSY", "time": iso("11:12:01")},
        {"eventType": "mystery", "callId": "c-02snapshotcall000000000"},
        '{"eventType": "answer", "callId"',
    ]  # fmt: skip
    for seq, payload in enumerate(reversed(payloads), start=101):
        body = payload if isinstance(payload, str) else json.dumps(payload)
        decoded = None if isinstance(payload, str) else payload
        app.add_event(
            LiveEvent(
                seq=seq,
                channel="default",
                received_at=f"2026-11-26T12:00:{seq - 100:02d}",
                method="POST",
                query="",
                headers={"content-type": "application/json"},
                body=body,
                payload=decoded,
                event=None if decoded is None else parse(decoded),
                parse_error="Expecting ':' delimiter" if decoded is None else None,
            )
        )


def fill_api_log(app: BwConsoleApp) -> None:
    exchanges = (
        ("GET", f"{USER}/account", 200, 4.1, ""),
        ("GET", f"{USER}/phoneNumbers?size=1000", 200, 12.8, ""),
        ("GET", f"{USER}/calls?size=100", 200, 9.6, ""),
        ("POST", f"{USER}/calls", 201, 31.2, ""),
        ("POST", f"{USER}/calls/c-04snapshotcall000000000/audio", 200, 6.4, ""),
        ("POST", f"{USER}/calls", 401, 5.0, "number-access-denied: The user does not own this number"),
        ("GET", f"{USER}/recordings", 200, 1240.0, ""),
    )  # fmt: skip
    pane = app.api_log
    for n, (method, path, status, took, error) in enumerate(exchanges, start=1):
        row = {
            "time": at(f"11:{50 + n}:00"),
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": took,
            "error": error,
            "flagged": bool(error),
        }
        pane.upsert(str(n), row)


def fill_errors(app: BwConsoleApp) -> None:
    errors: tuple[tuple[str, str, str, str, str, list[dict[str, str]]], ...] = (
        ("ue-0b3kx9wq2mzr7fn5hdt4ly1", "10:15:00", "unavailable", "callback-http-failure",
         "Callback to https://app.example.test/callbacks failed: 502",
         [{"name": "callbackUrl", "value": "https://app.example.test/callbacks"},
          {"name": "responseCode", "value": "502"}]),
        ("ue-6p8vt1ye3nqs0dj2rkc7wmb", "11:12:00", "forbidden", "number-access-denied",
         "The user does not own the number +15550000000", []),
        ("ue-9zq4hd7lf2xw5bn1cmy8tgk", "11:20:05", "bad-request", "message-not-delivered",
         "Message m-0005 to +15556000000 was not delivered", [{"name": "deliveryCode", "value": "720"}]),
    )  # fmt: skip
    pane = app.pane("errors")
    for error_id, clock, category, code, message, details in errors:
        wire = {
            "id": error_id,
            "time": iso(clock),
            "category": category,
            "code": code,
            "message": message,
            "details": details,
        }
        pane.upsert(error_id, error_row(UserError.from_wire(wire)))


def console(pane: str = "numbers") -> BwConsoleApp:
    """The console offline, every pane holding the fixed data, `pane` on screen."""
    app = BwConsoleApp(initial_pane=pane, profile_name="sandbox", sandbox=True)
    app.relay_state = "connected"
    app.balance = 100  # type: ignore[assignment]
    panes = app.panes
    assert isinstance(numbers := panes["numbers"], NumbersPane)
    assert isinstance(conferences := panes["conferences"], ConferencesPane)
    assert isinstance(messages := panes["messages"], MessagesPane)
    assert isinstance(endpoints := panes["endpoints"], EndpointsPane)
    fill_numbers(numbers)
    fill_calls(app)
    fill_conferences(conferences)
    fill_messages(messages)
    fill_endpoints(endpoints)
    fill_recordings(app)
    fill_events(app)
    fill_api_log(app)
    fill_errors(app)
    return app


# --- the snapshots -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("pane", [pane.PANE_ID for pane in PANES])
def test_pane_look(pane: str, size: str, snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(console(pane), terminal_size=SIZES[size])


@pytest.mark.parametrize("size", list(SIZES))
def test_help_screen_look(size: str, snap_compare: Callable[..., bool]) -> None:
    assert snap_compare(console(), press=["question_mark"], terminal_size=SIZES[size])


def test_every_pane_has_data() -> None:
    """The snapshots only say something if no pane is pictured empty."""
    app = console()
    assert all(pane.model.total for pane in app.panes.values()), {
        pane_id: pane.model.total for pane_id, pane in app.panes.items()
    }

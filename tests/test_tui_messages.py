"""The Messages pane on the embedded sandbox: conversations, live delivery states, inbound
notifications, compose (SMS and MMS with an upload progress bar) and reply."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot

from bwconsole.sandbox.seed import CONTACTS
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.screens.message_compose import MessageComposeScreen
from bwconsole.tui.screens.message_upload import UploadScreen
from bwconsole.tui.widgets.messages import MessagesPane
from tests.console_helpers import connected_console, until


def messages_pane(app: BwConsoleApp) -> MessagesPane:
    pane = app.pane("messages")
    assert isinstance(pane, MessagesPane)
    return pane


def row(pane: MessagesPane, party: str) -> dict[str, Any]:
    found = pane.model.get(party)
    return dict(found) if found is not None else {}


async def our_numbers(app: BwConsoleApp) -> list[str]:
    return [n.number async for n in app.client.phone_numbers.list() if n.number]


async def open_compose(pilot: Pilot[None], key: str) -> MessageComposeScreen:
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, MessageComposeScreen), "the form")
    screen = pilot.app.screen
    assert isinstance(screen, MessageComposeScreen)
    return screen


async def inject(
    app: BwConsoleApp, sender: str, to: str, text: str, media: list[str] | None = None
) -> None:
    assert app.backend is not None
    profile = app.backend.profile
    root = profile.api_url.rstrip("/").removesuffix("/v1")
    async with httpx.AsyncClient(auth=(profile.api_token, profile.api_secret)) as http:
        response = await http.post(
            f"{root}/sandbox/inject/message",
            json={"from": sender, "to": to, "text": text, "media": media or []},
        )
        assert response.status_code == 201, response.text


async def test_history_loads_as_conversations_newest_first_with_the_thread(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="messages") as (app, pilot):
        pane = messages_pane(app)
        await until(pilot, lambda: pane.model.total == 2, "two seeded conversations")
        rows = [row(pane, pane.model.key_at(i)) for i in range(2)]
        assert {r["party"] for r in rows} == set(CONTACTS)
        assert rows[0]["time"] >= rows[1]["time"]
        assert all(r["count"] == 2 for r in rows)
        # The newest seeded message went to CONTACTS[0] and was delivered.
        assert rows[0]["party"] == CONTACTS[0] and rows[0]["state"] == "delivered"
        pane.table.move_cursor(0)
        await pilot.pause(0.2)
        shown = str(pane.detail.render())
        assert "Your package ships tomorrow?" in shown and "Tracking number" in shown


async def test_sending_an_sms_shows_its_delivery_state_change_from_events(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="messages") as (app, pilot):
        pane = messages_pane(app)
        await until(pilot, lambda: pane.model.total == 2, "the history")
        numbers = await our_numbers(app)
        screen = await open_compose(pilot, "c")
        assert screen.number.value == numbers[0]
        await pilot.press(*"+19195550777")
        screen.text.value = "Hello from the console"
        await pilot.press("enter")
        await until(pilot, lambda: "+19195550777" in pane.model, "the new conversation")
        sent = [
            m
            for m in app.backend.sandbox.collection("messages")  # type: ignore[union-attr]
            if m["to"] == "+19195550777"
        ]
        assert len(sent) == 1 and sent[0]["from"] == numbers[0]
        assert sent[0]["text"] == "Hello from the console"
        assert pane.model.index_of("+19195550777") == 0  # the newest conversation on top
        await until(
            pilot,
            lambda: row(pane, "+19195550777")["state"] == "delivered",
            "the delivery receipt event",
        )


async def test_an_undeliverable_sms_ends_in_the_failed_state(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="messages") as (app, pilot):
        pane = messages_pane(app)
        screen = await open_compose(pilot, "c")
        await pilot.press(*"+19195550142")
        screen.text.value = "Nobody home"
        await pilot.press("enter")
        await until(pilot, lambda: "+19195550142" in pane.model, "the conversation")
        await until(
            pilot,
            lambda: row(pane, "+19195550142")["state"].startswith("not delivered: "),
            "the error receipt, in words",
        )
        assert row(pane, "+19195550142")["flagged"], "drawn in the error colour"
        told = [
            n for n in app._notifications if n.severity == "error" and "Message to" in n.message
        ]
        assert len(told) == 1 and "+19195550142: not delivered: " in told[0].message
        pane.table.move_cursor(pane.model.index_of("+19195550142") or 0)
        await until(pilot, lambda: "not-delivered: " in str(pane.detail.render()), "the reason")


async def test_the_form_refuses_a_bad_number_and_an_empty_message(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="messages") as (app, pilot):
        screen = await open_compose(pilot, "c")
        await pilot.press(*"555-1234", "enter")
        assert app.screen is screen
        assert "is not a phone number" in str(screen.problem.render())
        screen.to.value = "+19195550777"
        await pilot.press("enter")
        assert app.screen is screen and "write something" in str(screen.problem.render())
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, MessageComposeScreen), "cancel")
        assert "+19195550777" not in messages_pane(app).model


async def test_an_inbound_message_notifies_from_any_pane_and_marks_the_conversation(
    tmp_path: Path,
) -> None:
    async with connected_console(tmp_path, pane="numbers") as (app, pilot):
        pane = messages_pane(app)
        numbers = await our_numbers(app)
        await inject(app, "+13233326955", numbers[0], "Are you open today?")
        await until(
            pilot,
            lambda: any(
                "+13233326955" in (n.title or "") and "Are you open today?" in n.message
                for n in app._notifications
            ),
            "the inbound notification",
        )
        conversation = row(pane, "+13233326955")
        assert conversation["unread"] == 1 and conversation["number"] == numbers[0]
        assert conversation["text"] == "Are you open today?"
        await pilot.press("4")
        await until(pilot, lambda: pane.model.total == 3, "the history joined by the new one")
        assert pane.model.index_of("+13233326955") == 0
        pane.table.move_cursor(1)
        pane.table.move_cursor(0)
        await until(pilot, lambda: row(pane, "+13233326955")["unread"] == 0, "read on highlight")


async def test_reply_sends_from_the_conversations_number(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="messages") as (app, pilot):
        pane = messages_pane(app)
        await until(pilot, lambda: pane.model.total == 2, "the history")
        pane.table.move_cursor(pane.model.index_of(CONTACTS[1]) or 0)
        await pilot.pause(0.05)
        screen = await open_compose(pilot, "r")
        assert screen.to.value == CONTACTS[1] and screen.to.disabled
        await pilot.press(*"Thanks!", "enter")
        await until(pilot, lambda: row(pane, CONTACTS[1])["count"] == 3, "the reply in the thread")
        assert row(pane, CONTACTS[1])["text"] == "Thanks!"
        assert pane.model.index_of(CONTACTS[1]) == 0


async def test_mms_uploads_the_file_with_a_progress_bar_then_sends_its_url(
    tmp_path: Path,
) -> None:
    picture = tmp_path / "cat.jpg"
    payload = bytes(range(256)) * 4096  # 1 MiB: several upload chunks
    picture.write_bytes(payload)
    async with connected_console(tmp_path / "data", pane="messages") as (app, pilot):
        pane = messages_pane(app)
        screen = await open_compose(pilot, "c")
        await pilot.press(*"+14155550999")
        screen.text.value = "Look"
        screen.attachment.value = str(picture)
        shown: list[object] = []
        app.screen_change_signal.subscribe(app, shown.append)
        await pilot.press("enter")
        await until(pilot, lambda: "+14155550999" in pane.model, "the MMS conversation")
        uploads = [screen for screen in shown if isinstance(screen, UploadScreen)]
        assert len(uploads) == 1, "no progress bar while uploading"
        upload = uploads[0]
        assert upload.bar.total == len(payload) and upload.bar.progress == len(payload)
        assert not isinstance(app.screen, UploadScreen)
        message = next(
            m
            for m in app.backend.sandbox.collection("messages")  # type: ignore[union-attr]
            if m["to"] == "+14155550999"
        )
        (url,) = message["media"]
        name = url.rsplit("/", 1)[-1]
        assert name.endswith("cat.jpg")
        target = tmp_path / "back.jpg"
        assert await app.client.media.download(name, target) == len(payload)
        assert target.read_bytes() == payload
        await until(pilot, lambda: row(pane, "+14155550999")["state"] == "sent", "the mms event")
        # No receipt for an MMS: its delivery is read back from the API.
        await until(pilot, lambda: row(pane, "+14155550999")["state"] == "delivered", "delivered")


async def test_the_open_thread_follows_new_messages_and_states(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="messages") as (app, pilot):
        pane = messages_pane(app)
        await until(pilot, lambda: pane.model.total == 2, "the history")
        numbers = await our_numbers(app)
        pane.table.move_cursor(pane.model.index_of(CONTACTS[1]) or 0)
        await pilot.pause(0.2)
        await inject(app, CONTACTS[1], numbers[0], "Still there?")
        await until(pilot, lambda: "Still there?" in str(pane.detail.render()), "the thread")
        assert row(pane, CONTACTS[1])["unread"] == 0  # read as it arrived: it was on screen


async def test_an_inbound_mms_shows_its_media_in_the_thread(tmp_path: Path) -> None:
    async with connected_console(tmp_path, pane="messages") as (app, pilot):
        pane = messages_pane(app)
        await until(pilot, lambda: pane.model.total == 2, "the history")
        numbers = await our_numbers(app)
        await inject(app, "+13233326955", numbers[1], "", ["https://example.com/cat.png"])
        await until(pilot, lambda: "+13233326955" in pane.model, "the MMS conversation")
        assert row(pane, "+13233326955")["text"] == "[media]"
        assert row(pane, "+13233326955")["number"] == numbers[1]
        pane.table.move_cursor(pane.model.index_of("+13233326955") or 0)
        await until(pilot, lambda: "[media cat.png]" in str(pane.detail.render()), "the media")


async def test_an_attachment_over_the_limit_is_refused_before_upload_and_the_draft_stays(
    tmp_path: Path,
) -> None:
    from bwconsole.api.media import MAX_MEDIA_BYTES

    big = tmp_path / "film.mp4"
    big.touch()
    os.truncate(big, MAX_MEDIA_BYTES + 1)  # sparse: the size without the bytes
    async with connected_console(tmp_path / "data", pane="messages") as (app, pilot):
        media_before = len(app.backend.sandbox.collection("media"))  # type: ignore[union-attr]
        screen = await open_compose(pilot, "c")
        await pilot.press(*"+14155550999")
        screen.text.value = "Here is the film"
        screen.attachment.value = str(big)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.screen is screen, "the form stays open"
        assert "over the API's 65 MB media limit" in str(screen.problem.content)
        assert screen.text.value == "Here is the film", "what was typed is kept"
        assert len(app.backend.sandbox.collection("media")) == media_before  # type: ignore[union-attr]

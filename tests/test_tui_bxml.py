"""The BXML responder: built-in templates, script mode through the real relay, the
interactive prompt (pick, type, countdown) and its settings screen."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from bwconsole.bxml import BxmlError, Gather, Hangup, Record, Transfer, parse
from bwconsole.live import BxmlRequest, LiveClient
from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.bxml_responder import HANGUP, BxmlResponder
from bwconsole.tui.bxml_templates import TEMPLATES, TemplateContext, render
from bwconsole.tui.responder_settings import BxmlSettings
from bwconsole.tui.screens.bxml_prompt import BxmlPromptScreen
from bwconsole.tui.screens.bxml_settings import BxmlSettingsScreen
from tests.console_helpers import until
from tests.live_events import relay_event
from tests.relay_helpers import TOKEN, relay_server

INCOMING = {  # an inbound call answered in BXML mode: the API runs the reply to `answer`
    "eventType": "answer",
    "callState": "active",
    "callId": "c-42",
    "from": "+13233326955",
    "to": "+19195551234",
}


def request(payload: dict[str, str] | None = None) -> BxmlRequest:
    fields = payload or INCOMING
    return BxmlRequest("r-1", relay_event(payload=fields, method="GET", channel="ivr"))


def responder(app: BwConsoleApp, directory: Path, **settings: object) -> BxmlResponder:
    bxml = BxmlResponder(app, directory=directory)
    bxml.apply_settings(BxmlSettings(forward_to="+19195550123", **settings))  # type: ignore[arg-type]
    return bxml


def test_every_builtin_template_is_valid_bxml() -> None:
    ctx = TemplateContext(
        payload=INCOMING, bxml_url="http://relay/bxml/c", forward_to="+19195550123"
    )
    kinds = {name: {type(v) for v in parse(render(name, ctx)).children} for name in TEMPLATES}
    assert {"voicemail", "ivr-menu", "forward"} <= kinds.keys()
    assert Record in kinds["voicemail"] and Gather in kinds["ivr-menu"]
    assert Transfer in kinds["forward"] and kinds["hangup"] == {Hangup}
    with pytest.raises(BxmlError, match="forward"):
        render("forward", TemplateContext())


def test_the_ivr_menu_reacts_to_its_own_gather() -> None:
    ctx = TemplateContext(payload={"eventType": "gather", "digits": "2"}, forward_to="+19195550123")
    assert Transfer in {type(v) for v in parse(render("ivr-menu", ctx)).children}
    ctx = TemplateContext(payload={"eventType": "gather", "digits": "0"})
    assert Record in {type(v) for v in parse(render("ivr-menu", ctx)).children}


async def test_script_mode_answers_through_the_real_relay(tmp_path: Path) -> None:
    app = BwConsoleApp()
    async with app.run_test():
        bxml = responder(app, tmp_path, mode="script", script="forward")
        states: list[str] = []
        async with relay_server(bxml_timeout=5) as server:
            live = LiveClient(
                server.url,
                "ivr",
                TOKEN,
                state_path=None,
                on_event=lambda event: None,
                on_state=states.append,
                on_request=bxml.answer,
            )
            await live.start()
            try:
                for _ in range(200):
                    if "connected" in states:
                        break
                    await asyncio.sleep(0.02)
                async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
                    response = await http.get("/bxml/ivr", params=INCOMING)
            finally:
                await live.stop()
        assert response.headers["x-relay-bxml-source"] == "console"
        document = parse(response.text)
        transfer = next(v for v in document.children if isinstance(v, Transfer))
        assert transfer.transfer_to == "+19195550123"


async def test_script_mode_uses_the_users_xml_files_and_refuses_broken_ones(
    tmp_path: Path,
) -> None:
    mine = "<Response><SpeakSentence>Closed today</SpeakSentence><Hangup/></Response>"
    (tmp_path / "closed.xml").write_text(mine)
    (tmp_path / "broken.xml").write_text("<Response><Dance/></Response>")
    app = BwConsoleApp()
    async with app.run_test() as pilot:
        bxml = responder(app, tmp_path, mode="script", script="closed")
        assert {"voicemail", "ivr-menu", "forward", "closed", "broken"} <= set(bxml.choices())
        assert await bxml.answer(request()) == mine
        bxml.apply_settings(BxmlSettings(mode="script", script="broken"))
        assert await bxml.answer(request()) == HANGUP
        await pilot.pause()
        assert any("broken" in n.message and "Dance" in n.message for n in app._notifications)


async def test_sdk_written_bxml_is_answered_and_its_normalisations_are_shown(
    tmp_path: Path,
) -> None:
    """bandwidth-sdk 3.1.0 wraps documents in <xml>; the user sees what was normalised."""
    wrapped = "<xml><Response><Pause duration='1'/><Hangup/></Response></xml>"
    (tmp_path / "sdk.xml").write_text(wrapped)
    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        bxml = responder(app, tmp_path, mode="script", script="sdk")
        assert await bxml.answer(request()) == wrapped
        await pilot.pause()
        shown = [n.message for n in app._notifications if n.title == "BXML normalised"]
        assert shown and "sdk.xml" in shown[0] and "<xml>: wrapper" in shown[0]
        assert "'duration' read as 'length'" in shown[0]
        assert await bxml.answer(request()) == wrapped  # the next call: no second toast
        await pilot.pause()
        assert len([n for n in app._notifications if n.title == "BXML normalised"]) == 1
        bxml.apply_settings(BxmlSettings(mode="interactive", timeout=8))
        answer = asyncio.create_task(bxml.answer(request()))
        await until(pilot, lambda: isinstance(app.screen, BxmlPromptScreen), "the prompt")
        screen = app.screen
        assert isinstance(screen, BxmlPromptScreen)
        typed = '<Response><Redirect requestUrl="http://a/b" requestUrlTimeout="9" context="x"/></Response>'
        screen.editor.text = typed
        await pilot.press("f2")
        assert await asyncio.wait_for(answer, 2) == typed
        await pilot.pause()
        assert any("'context' ignored" in n.message for n in app._notifications)


async def test_the_prompt_shows_the_event_and_answers_with_the_picked_script(
    tmp_path: Path,
) -> None:
    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        bxml = responder(app, tmp_path, mode="interactive", timeout=8)
        answer = asyncio.create_task(bxml.answer(request()))
        await until(pilot, lambda: isinstance(app.screen, BxmlPromptScreen), "the prompt")
        screen = app.screen
        assert isinstance(screen, BxmlPromptScreen)
        shown = str(screen.query_one("#bxml-event").render())
        assert "answer" in shown and "+13233326955" in shown
        await until(pilot, lambda: "s left" in str(screen.countdown.render()), "the countdown")
        screen.choices.highlighted = bxml.choices().index("ivr-menu")
        await pilot.press("enter")
        document = await asyncio.wait_for(answer, 2)
        assert Gather in {type(v) for v in parse(document).children}
        await until(pilot, lambda: not isinstance(app.screen, BxmlPromptScreen), "it closes")


async def test_typed_bxml_is_validated_before_it_is_sent(tmp_path: Path) -> None:
    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        bxml = responder(app, tmp_path, mode="interactive", timeout=8)
        answer = asyncio.create_task(bxml.answer(request()))
        await until(pilot, lambda: isinstance(app.screen, BxmlPromptScreen), "the prompt")
        screen = app.screen
        assert isinstance(screen, BxmlPromptScreen)
        screen.editor.text = "<Response><Dance/></Response>"
        await pilot.press("f2")
        await pilot.pause()
        assert "Dance" in str(screen.problem.render()) and not answer.done()
        typed = "<Response><SpeakSentence>Typed by hand</SpeakSentence></Response>"
        screen.editor.text = typed
        await pilot.press("f2")
        assert await asyncio.wait_for(answer, 2) == typed


async def test_the_countdown_falls_back_to_the_default_in_time(tmp_path: Path) -> None:
    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        bxml = responder(app, tmp_path, mode="interactive", timeout=1, default="hangup")
        started = time.monotonic()
        answer = asyncio.create_task(bxml.answer(request()))
        await until(pilot, lambda: isinstance(app.screen, BxmlPromptScreen), "the prompt")
        document = await asyncio.wait_for(answer, 3)
        assert 0.9 <= time.monotonic() - started < 2.0
        assert parse(document).children == [Hangup()]
        await until(pilot, lambda: not isinstance(app.screen, BxmlPromptScreen), "it closes")


async def test_the_settings_screen_changes_and_keeps_the_mode(tmp_path: Path) -> None:
    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        bxml = BxmlResponder(app, directory=tmp_path)
        assert bxml.settings.mode == "interactive"
        bxml.edit_settings()
        await until(pilot, lambda: isinstance(app.screen, BxmlSettingsScreen), "the form")
        screen = app.screen
        assert isinstance(screen, BxmlSettingsScreen)
        assert "/bxml/" in screen.form_title or "/bxml/<channel>" in screen.form_title
        modes = [value for _, value in screen.selects["mode"]._options]
        assert modes == ["interactive", "script"]  # picked, never mistyped
        assert "ivr-menu" in [value for _, value in screen.selects["script"]._options]
        screen.inputs["timeout"].value = "30"
        screen.inputs["timeout"].focus()
        await pilot.press("enter")
        assert app.screen is screen  # refused: longer than any relay waits
        screen.inputs["timeout"].value = "4"
        screen.selects["mode"].value = "script"
        screen.selects["script"].value = "ivr-menu"
        screen.inputs["forward_to"].value = "+19195550123"
        screen.inputs["forward_to"].focus()
        await pilot.press("enter")
        await until(pilot, lambda: bxml.settings.mode == "script", "the new settings")
        again = BxmlResponder(app, directory=tmp_path).settings
        assert (again.mode, again.script, again.forward_to) == (
            "script",
            "ivr-menu",
            "+19195550123",
        )


async def test_scripts_and_settings_live_in_the_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BWCONSOLE_CONFIG_DIR", str(tmp_path))
    (tmp_path / "bxml").mkdir()
    (tmp_path / "bxml" / "night.xml").write_text("<Response><Hangup/></Response>")
    app = BwConsoleApp()
    async with app.run_test():
        bxml = BxmlResponder(app)
        assert bxml.directory == tmp_path / "bxml" and "night" in bxml.choices()
        bxml.apply_settings(BxmlSettings(mode="script", script="night"))
        assert BxmlResponder(app).settings.script == "night"
        assert await BxmlResponder(app).answer(request()) == "<Response><Hangup/></Response>"


async def test_a_prompt_that_expires_under_a_modal_closes_and_ignores_late_keys(
    tmp_path: Path,
) -> None:
    """Once, the countdown ran out while the incoming-call banner covered the
    prompt; Down x3 + Enter on it then raised InvalidStateError and closed the app."""
    from bwconsole.tui.screens.call_incoming import IncomingCallScreen

    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        bxml = responder(app, tmp_path, mode="interactive", timeout=0.5, default="hangup")
        answer = asyncio.create_task(bxml.answer(request()))
        await until(pilot, lambda: isinstance(app.screen, BxmlPromptScreen), "the prompt")
        prompt = app.screen
        assert isinstance(prompt, BxmlPromptScreen)
        banner = IncomingCallScreen("c-42", "+13233326955", "+19195551234")
        await app.push_screen(banner)
        document = await asyncio.wait_for(answer, 3)
        assert parse(document).children == [Hangup()]
        await pilot.pause()
        assert app.screen is banner, "the expired prompt must not pop the banner above it"
        await pilot.press("escape")
        await until(pilot, lambda: prompt not in app.screen_stack, "the prompt closes itself")
        for key in ("down", "down", "down", "enter", "f2", "escape"):
            await pilot.press(key)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        said = [n.message for n in app._notifications]
        assert any("time is up" in m and "'hangup'" in m for m in said), said


async def test_late_keys_on_an_expired_prompt_on_top_answer_nothing(tmp_path: Path) -> None:
    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        bxml = responder(app, tmp_path, mode="interactive", timeout=8)
        answer = asyncio.create_task(bxml.answer(request()))
        await until(pilot, lambda: isinstance(app.screen, BxmlPromptScreen), "the prompt")
        prompt = app.screen
        assert isinstance(prompt, BxmlPromptScreen)
        prompt.expire()
        prompt.expire()  # the responder and the countdown may both give up
        prompt.action_use_default()
        prompt.action_send_typed()
        await until(pilot, lambda: prompt not in app.screen_stack, "the prompt closes")
        document = await asyncio.wait_for(answer, 10)
        assert Record in {type(v) for v in parse(document).children}  # the default, voicemail
        assert app.is_running


async def test_the_countdown_follows_the_relays_deadline_so_the_api_gets_our_default(
    tmp_path: Path,
) -> None:
    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        # The user allows 9 s to choose; this relay stops waiting after 2 s.
        bxml = responder(app, tmp_path, mode="interactive", timeout=9, default="hangup")
        asked: list[BxmlRequest] = []

        async def answer(request: BxmlRequest) -> str:
            asked.append(request)
            return await bxml.answer(request)

        states: list[str] = []
        async with relay_server(bxml_timeout=2) as server:
            live = LiveClient(
                server.url,
                "ivr",
                TOKEN,
                state_path=None,
                on_event=lambda event: None,
                on_state=states.append,
                on_request=answer,
            )
            await live.start()
            try:
                await until(pilot, lambda: "connected" in states, "the relay")
                async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
                    response_task = asyncio.create_task(http.get("/bxml/ivr", params=INCOMING))
                    await until(pilot, lambda: isinstance(app.screen, BxmlPromptScreen), "prompt")
                    prompt = app.screen
                    assert isinstance(prompt, BxmlPromptScreen)
                    left = prompt.deadline - time.monotonic()
                    response = await asyncio.wait_for(response_task, 5)
            finally:
                await live.stop()
        assert asked[0].budget is not None and 1.9 <= asked[0].budget <= 2.1
        assert left <= 1.3, left  # not the 9 s the user allows
        assert response.headers["x-relay-bxml-source"] == "console"
        assert parse(response.text).children == [Hangup()]


async def test_only_requests_whose_answer_the_api_runs_are_prompted(tmp_path: Path) -> None:
    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        bxml = responder(app, tmp_path, mode="interactive", timeout=9, default="hangup")
        for kind in ("incomingcall", "hangup", "timeout"):
            document = await asyncio.wait_for(
                bxml.answer(request({**INCOMING, "eventType": kind})), 1
            )
            assert parse(document).children == [], kind  # acknowledged, nothing to run
            assert not isinstance(app.screen, BxmlPromptScreen), kind
        calls = app.pane("calls")
        calls.upsert("c-42", {"id": "c-42", "state": "completed"})  # hung up meanwhile
        document = await asyncio.wait_for(bxml.answer(request()), 1)
        assert parse(document).children == []
        await pilot.pause()


async def test_what_answered_and_its_verbs_go_on_the_calls_timeline(tmp_path: Path) -> None:
    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        bxml = responder(app, tmp_path, mode="interactive", timeout=9, default="hangup")
        answer = asyncio.create_task(bxml.answer(request()))
        await until(pilot, lambda: isinstance(app.screen, BxmlPromptScreen), "the prompt")
        prompt = app.screen
        assert isinstance(prompt, BxmlPromptScreen)
        prompt.choices.highlighted = bxml.choices().index("ivr-menu")
        await pilot.press("enter")
        document = await asyncio.wait_for(answer, 3)
        assert any(isinstance(verb, Gather) for verb in parse(document).children)
        notes = "\n".join(app.pane("calls").model.get("c-42")["notes"])  # type: ignore[index]
        assert "BXML for answer: ivr-menu -> " in notes and "Gather" in notes


async def test_f4_links_a_number_whose_calls_come_to_the_bxml_prompt(tmp_path: Path) -> None:
    from calls_console import control

    from tests.console_helpers import connected_console

    async with connected_console(tmp_path, pane="numbers") as (app, pilot):
        app.bxml = responder(app, tmp_path / "bxml", mode="interactive", timeout=9)
        sandbox = app.backend.sandbox  # type: ignore[union-attr]
        await pilot.press("f4")
        demo = lambda: [a for a in sandbox.collection("applications") if "BXML" in a["name"]]  # noqa: E731
        await until(
            pilot,
            lambda: (
                demo()
                and any(
                    n.get("applicationId") == demo()[0]["id"]
                    for n in sandbox.collection("phoneNumbers")
                )
            ),
            "the BXML demo number",
        )
        (application,) = demo()
        assert "/bxml/" in application["incomingCallUrl"]
        number = next(
            n["number"]
            for n in sandbox.collection("phoneNumbers")
            if n.get("applicationId") == application["id"]
        )
        await pilot.press("f4")  # a second time reuses the application
        await pilot.pause(0.5)
        assert len(demo()) == 1
        await control(app, "/sandbox/inject/call", {"from": "+19195550123", "to": number})
        await until(pilot, lambda: isinstance(app.screen, BxmlPromptScreen), "the BXML prompt")
        prompt = app.screen
        assert isinstance(prompt, BxmlPromptScreen)
        assert prompt.request.live.payload["eventType"] == "answer"

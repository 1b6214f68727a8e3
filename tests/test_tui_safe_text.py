"""`safe_text`: control characters from outside are shown, never sent to the terminal."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Group
from rich.json import JSON
from rich.text import Text

from bwconsole.tui.app import BwConsoleApp
from bwconsole.tui.bxml_responder import BxmlResponder
from bwconsole.tui.safe_text import UNSAFE, clean, markup, plain, visible
from bwconsole.tui.screens.bxml_prompt import BxmlPromptScreen
from tests.console_helpers import until
from tests.test_tui_bxml import request

HOSTILE = "a\x1b]52;c;SEFDS0VE\x07b\x9b2J\u202ec\x7f"


def test_visible_shows_every_control_character_and_nothing_else() -> None:
    assert visible(HOSTILE) == "a␛]52;c;SEFDS0VE␇b\\x9b2J\\u202ec␡"
    assert visible("line one\nline two\tend") == "line one␊line two␉end"
    assert visible("line one\nline two\tend", lines=True) == "line one\nline two\tend"
    assert visible("ok: +1 (919) 555-1234 ☎ é") == "ok: +1 (919) 555-1234 ☎ é"
    assert visible(None) == "" and visible(42) == "42"
    assert UNSAFE.search(visible("".join(map(chr, range(0x00, 0xA0))))) is None


def test_markup_and_plain_never_read_markup() -> None:
    assert plain("[b]x[/b]\x1b").plain == "[b]x[/b]␛"
    assert markup("[/oops] [b]\x1b") == "\\[/oops] \\[b]␛"


def test_clean_keeps_styles_and_cleans_groups_and_json() -> None:
    text = Text("ok ")
    text.append("bad\x1b[2J", style="bold")
    text.append("\nnext", style="red")
    cleaned = clean(Group(text, JSON('{"a": "\\u009b1J\\u202e"}')))
    assert isinstance(cleaned, Group)
    first, second = cleaned.renderables
    assert isinstance(first, Text) and isinstance(second, JSON)
    assert first.plain == "ok bad␛[2J\nnext"
    styled = {(span.start, span.end, str(span.style)) for span in first.spans}
    assert {(3, 6, "bold"), (6, 7, "bold"), (7, 10, "bold"), (10, 15, "red")} <= styled
    assert UNSAFE.search(second.text.plain.replace("\n", "")) is None


async def test_toasts_show_hostile_text_visibly_and_markup_does_not_break_them() -> None:
    app = BwConsoleApp()
    async with app.run_test() as pilot:
        app.notify(f"From {HOSTILE} [/b] [blink]", title="\x1b]0;title")
        app.show_error("[/nope]\x1b[?1049l")
        await pilot.pause()
        said = [(n.title, n.message) for n in app._notifications]
        assert ("␛]0;title", "From a␛]52;c;SEFDS0VE␇b\\x9b2J\\u202ec␡ [/b] [blink]") in said
        assert ("Error", "[/nope]␛[?1049l") in said
        assert app.is_running


async def test_the_bxml_editor_shows_pasted_control_characters(tmp_path: Path) -> None:
    app = BwConsoleApp()
    async with app.run_test(size=(120, 45)) as pilot:
        bxml = BxmlResponder(app, directory=tmp_path)
        answer = asyncio.create_task(bxml.answer(request({"eventType": "answer", "from": HOSTILE})))
        await until(pilot, lambda: isinstance(app.screen, BxmlPromptScreen), "the prompt")
        screen = app.screen
        assert isinstance(screen, BxmlPromptScreen)
        assert "a␛]52;c;SEFDS0VE" in str(screen.query_one("#bxml-event").render())
        screen.editor.text = "<Response>\n  <SpeakSentence>\x1b]52;c;eA==\x07</SpeakSentence>\n"
        await until(pilot, lambda: "␛]52" in screen.editor.text, "the editor cleaned")
        assert "\n  <SpeakSentence>" in screen.editor.text  # lines are kept
        answer.cancel()


def test_the_full_screen_event_view_shows_control_characters() -> None:
    from bwconsole.tui.screens.event_view import wrapped_json

    assert wrapped_json('{"text": "\\u009b2J"}').plain.count("\\x9b") == 1
    not_json = wrapped_json("text=\x1b]52;c;eA==\x07")
    assert UNSAFE.search(not_json.plain) is None and "␛]52" in not_json.plain

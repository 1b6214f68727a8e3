"""Built-in BXML templates the console can answer calls with: voicemail, IVR menu, forward.

Each template builds a `bwconsole.bxml.Response` from the request being answered
and the user's settings, so the IVR can react to the digits its own `<Gather>`
sends back and the forward goes to the number the user chose. Written with the
`bwconsole.bxml` verbs, so every document is valid by construction; `render`
writes it out and reads it back with `bwconsole.bxml.parse` as a last check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bwconsole.bxml import (
    BxmlError,
    Gather,
    Hangup,
    Record,
    Response,
    SpeakSentence,
    Transfer,
    parse,
    to_xml,
)

__all__ = ["TEMPLATES", "Template", "TemplateContext", "render"]


@dataclass(frozen=True)
class TemplateContext:
    """What a template may use.

    Attributes:
        payload: The event of the request (wire names: `eventType`, `from`, `digits`...).
        bxml_url: The relay's BXML URL for this console (where a `<Gather>` sends its
            digits back to be answered), or None when unknown.
        forward_to: The E.164 number the forward template transfers to ("" when unset).
    """

    payload: Mapping[str, Any] = field(default_factory=dict)
    bxml_url: str | None = None
    forward_to: str = ""


@dataclass(frozen=True)
class Template:
    """A named built-in answer."""

    name: str
    description: str
    build: Callable[[TemplateContext], Response]


GATHER_TIMEOUT = 10
"""Seconds the IVR's `<Gather>` gives its request URL to answer."""


def _voicemail(ctx: TemplateContext) -> Response:
    return Response(
        SpeakSentence("Nobody can take your call. Please leave a message after the tone."),
        Record(max_duration=120, silence_timeout=5, file_format="wav"),
        SpeakSentence("Thank you. Goodbye."),
        Hangup(),
    )


def _forward(ctx: TemplateContext) -> Response:
    if not ctx.forward_to:
        raise BxmlError("forward: no number to forward to (set one in the BXML settings)")
    return Response(
        SpeakSentence("Please hold while we connect you."),
        Transfer(transfer_to=ctx.forward_to, call_timeout=30),
    )


def _ivr_menu(ctx: TemplateContext) -> Response:
    digits = str(ctx.payload.get("digits") or "")
    if ctx.payload.get("eventType") == "gather" and digits:
        if digits.startswith(("1", "2")) and ctx.forward_to:
            team = "sales" if digits.startswith("1") else "support"
            return Response(
                SpeakSentence(f"Connecting you to {team}."),
                Transfer(transfer_to=ctx.forward_to, call_timeout=30),
            )
        if digits.startswith("0"):
            return _voicemail(ctx)
    menu = Gather(
        request_url=ctx.bxml_url,
        request_url_timeout=GATHER_TIMEOUT if ctx.bxml_url else None,
        max_digits=1,
        inter_digit_timeout=5,
        children=[
            SpeakSentence("Press 1 for sales, 2 for support, or 0 to leave a message."),
        ],
    )
    return Response(menu, SpeakSentence("We did not get your choice. Goodbye."), Hangup())


def _hangup(ctx: TemplateContext) -> Response:
    return Response(Hangup())


TEMPLATES: dict[str, Template] = {
    template.name: template
    for template in (
        Template("voicemail", "Greet the caller and record a message", _voicemail),
        Template("ivr-menu", "Press 1 sales, 2 support (forwarded), 0 voicemail", _ivr_menu),
        Template("forward", "Transfer the call to the forward number", _forward),
        Template("hangup", "End the call at once", _hangup),
    )
}
"""The built-in templates by name."""


def render(name: str, ctx: TemplateContext) -> str:
    """Write a built-in template as a BXML document for this request.

    Raises:
        KeyError: no template has this name.
        BxmlError: the template cannot be built with these settings.
    """
    document = to_xml(TEMPLATES[name].build(ctx))
    parse(document)
    return document

"""Sandbox-only control route for messaging: make a message arrive from the outside world.

`POST /sandbox/inject/message` with `{"from", "to", "text", "media"}` delivers
an inbound message to `to` (a number the account owns) exactly as a message
from the network would arrive: a `received` message resource, an `sms-in` or
`mms-in` charge and an event to the number's application. It takes the same
basic auth as the API and answers 201 with the message and its `Location`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.auth import check_credentials
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import not_found, validation
from bwconsole.sandbox.message_delivery import deliver_inbound
from bwconsole.sandbox.messages import TEXT_MAX, view
from bwconsole.sandbox.numbers import owned
from bwconsole.sandbox.web import E164, created, number_param, read_body

__all__ = ["routes"]


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    async def inject(request: Request) -> Response:
        check_credentials(sandbox, request)
        body = await read_body(request)
        sender = number_param(body.required("from"))
        to = number_param(body.required("to"))
        if not E164.match(to):
            raise validation(f"Property 'to' must be an E.164 number, not {to!r}")
        if owned(sandbox, to) is None:
            raise not_found("number", to)
        raw_media = body.raw("media") or []
        media = [raw_media] if isinstance(raw_media, str) else raw_media
        if not isinstance(media, list) or not all(isinstance(url, str) for url in media):
            raise validation("Property 'media' must be a URL or a list of URLs")
        text = body.text("text") or ""
        if len(text) > TEXT_MAX:
            raise validation(f"Property 'text' exceeds the limit of {TEXT_MAX}")
        record = deliver_inbound(sandbox, sender=sender, to=to, text=text, media=media)
        return created(request, sandbox.user_path("messages", record["id"]), view(sandbox, record))

    return [Route("/sandbox/inject/message", inject, methods=["POST"])]

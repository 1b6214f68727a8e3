"""One key to see the BXML responder at work: a number whose calls the console answers.

BXML requests only arrive when an application's incoming-call URL is the relay's
`/bxml/<channel>` door, and the demo application posts to `/callbacks/` (REST
events). `use_bxml_demo` creates (once) an application "bwconsole demo (BXML)"
aimed at the door, in BXML's GET mode with auto-answer, and links one of the
account's numbers to it — the toll-free line on the sandbox, else the last number
— then says which number to call. f9 sets how the requests are answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from bwconsole.api import Application, PhoneNumber
    from bwconsole.tui.console import Console

__all__ = ["BXML_DEMO_NAME", "NumberRows", "use_bxml_demo"]

BXML_DEMO_NAME = "bwconsole demo (BXML)"


@runtime_checkable
class NumberRows(Protocol):
    """What the demo shows its change on: the Numbers pane's rows and application names."""

    application_names: dict[str, str]

    def put(self, number: PhoneNumber) -> None:
        """Add or refresh a number's row."""
        ...


async def use_bxml_demo(app: Console) -> str | None:
    """Point a number at the console's BXML responder; returns the number (None: not done,
    the user has been told why)."""
    url = app.bxml.bxml_url()
    if url is None:
        app.show_error("No relay configured: BXML requests have nowhere to arrive.")
        return None
    client = app.client
    applications = await app.call_api(_applications(app))
    if applications is None:
        return None
    found = next((a for a in applications if a.name == BXML_DEMO_NAME), None)
    if found is not None and found.id:
        app_id: str | None = found.id
        if found.incoming_call_url != url:
            update = client.applications.update(found.id, incoming_call_url=url)
            ok = await app.call_api_ok(update)
            if not ok:
                return None
    else:
        app_id = await app.call_api(
            client.applications.create(
                name=BXML_DEMO_NAME,
                incoming_call_url=url,
                callback_http_method="GET",
                auto_answer=True,
            )
        )
    numbers = await app.call_api(_numbers(app))
    if app_id is None or not numbers:
        if numbers == []:
            app.show_error("The account owns no number to link to the BXML application.")
        return None
    toll_free = [n for n in numbers if (n.number or "").startswith(("+1800", "+1888", "+1877"))]
    number = (toll_free or numbers)[-1]
    if not number.id or not await app.call_api_ok(
        client.phone_numbers.update(number.id, application_id=app_id)
    ):
        return None
    pane = app.pane("numbers")
    fresh = await app.call_api(client.phone_numbers.get(number.id))
    if isinstance(pane, NumberRows) and fresh is not None:
        pane.application_names[app_id] = BXML_DEMO_NAME
        pane.put(fresh)
    app.notify(
        f"Calls to {number.number} now ask the console for BXML ({BXML_DEMO_NAME}); "
        "f9 sets how they are answered.",
        title="BXML demo",
        timeout=10,
        markup=False,
    )
    return number.number


async def _applications(app: Console) -> list[Application]:
    return [a async for a in app.client.applications.list()]


async def _numbers(app: Console) -> list[PhoneNumber]:
    return [n async for n in app.client.phone_numbers.list()]

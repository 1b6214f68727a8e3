"""The fields of an application (create or edit) and their reading back into API keywords.

A new application's incoming URLs are pre-filled with the relay's callback
URL for this profile's channel, so its numbers' events reach the console.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.validation import ValidationResult, Validator

from bwconsole.tui.forms import Field
from bwconsole.tui.validators import Required, Url

if TYPE_CHECKING:
    from bwconsole.api import Application

__all__ = ["Choice", "application_fields", "application_values"]

METHODS = ("POST", "GET")
YES_NO = ("yes", "no")


class Choice(Validator):
    """One of a few words, ignoring case (blank passes)."""

    def __init__(self, *options: str) -> None:
        super().__init__()
        self.options = options

    def validate(self, value: str) -> ValidationResult:
        if not value.strip() or value.strip().lower() in {o.lower() for o in self.options}:
            return self.success()
        return self.failure(f"write one of: {', '.join(self.options)}")


def application_fields(application: Application | None, relay_url: str) -> list[Field]:
    """The form for a new application (relay URLs pre-filled) or for editing one."""
    if application is None:
        call_url = message_url = relay_url
        method, auto_answer, name = "POST", "yes", ""
    else:
        call_url = application.incoming_call_url or ""
        message_url = application.incoming_message_url or ""
        method = application.callback_http_method or "POST"
        auto_answer = "no" if application.auto_answer is False else "yes"
        name = application.name or ""
    return [
        Field("name", "Name", (Required(),), name),
        Field(
            "incoming_call_url",
            "Incoming call URL",
            (Url(),),
            call_url,
            placeholder="where call events go (the relay's URL by default)",
        ),
        Field(
            "incoming_message_url",
            "Incoming message URL",
            (Url(),),
            message_url,
            placeholder="where message events go",
        ),
        Field(
            "callback_http_method",
            "Callback method (POST or GET)",
            (Required(), Choice(*METHODS)),
            method,
        ),
        Field(
            "auto_answer", "Answer incoming calls at once (yes/no)", (Choice(*YES_NO),), auto_answer
        ),
    ]


def application_values(values: dict[str, str], *, editing: bool = False) -> dict[str, Any]:
    """Turn the form's text into `applications.create`/`update` keywords.

    Args:
        values: The form's result.
        editing: For an update, a blank URL is sent as "" (which removes it);
            for a create it is left out.

    Raises:
        ValueError: neither incoming URL is given (the API requires one).
    """
    if not values["incoming_call_url"] and not values["incoming_message_url"]:
        raise ValueError("Give an incoming call URL or an incoming message URL (or both).")
    blank = "" if editing else None
    return {
        "name": values["name"],
        "incoming_call_url": values["incoming_call_url"] or blank,
        "incoming_message_url": values["incoming_message_url"] or blank,
        "callback_http_method": values["callback_http_method"].upper(),
        "auto_answer": values["auto_answer"].lower() != "no",
    }

"""Applications CRUD (methods/applications/*.md).

An application holds the callback settings for inbound calls and messages of
the numbers (and SIP endpoints) linked to it. Rules from errors.md: at least
one callback URL, a fallback URL needs its callback URL and may not be blank,
timeouts 1..10000 ms.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import not_found, validation
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.web import (
    Body,
    callback_method,
    callback_timeout,
    check_url,
    created,
    ok,
    paged,
    read_body,
)

__all__ = ["get_application", "routes"]

URL_FIELDS = (
    "incomingCallUrl",
    "incomingCallFallbackUrl",
    "incomingMessageUrl",
    "incomingMessageFallbackUrl",
)
TIMEOUT_FIELDS = ("incomingCallUrlCallbackTimeout", "incomingMessageUrlCallbackTimeout")


def get_application(sandbox: Sandbox, application_id: str) -> Record:
    """The application record, or 404 `application-not-found`."""
    record = sandbox.collection("applications").get(application_id)
    if record is None:
        raise not_found("application", application_id)
    return record


def apply_changes(record: Record, body: Body) -> None:
    """Copy the properties the body sends onto the record, validated."""
    if "name" in body:
        name = body.required("name")
        if not name.strip():
            raise validation("The resource property `name` may not be blank")
        record["name"] = name
    for field in URL_FIELDS:
        value = body.text(field)
        if value is None:
            continue
        if value == "" and field.endswith("FallbackUrl"):
            kind = "call" if "Call" in field else "sms"
            raise validation(f"Your application {kind} fallback URL may not be blank/empty.")
        if value == "":
            record.pop(field, None)
        else:
            record[field] = check_url(value, field)
    for field in TIMEOUT_FIELDS:
        timeout = callback_timeout(body, field)
        if timeout is not None:
            record[field] = timeout
    if (method := callback_method(body)) is not None:
        record["callbackHttpMethod"] = method
    if (auto_answer := body.flag("autoAnswer")) is not None:
        record["autoAnswer"] = auto_answer
    if not record.get("incomingCallUrl") and not record.get("incomingMessageUrl"):
        raise validation("Your application must have a least one callback URL.")
    for kind, url, fallback in (
        ("call", "incomingCallUrl", "incomingCallFallbackUrl"),
        ("sms", "incomingMessageUrl", "incomingMessageFallbackUrl"),
    ):
        if record.get(fallback) and not record.get(url):
            raise validation(
                f"Your application must have a {kind} callback URL in order to have a fallback URL."
            )


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    applications = sandbox.collection("applications")
    base = "/v1/users/{userId}/applications"

    async def create(request: Request) -> Response:
        body = await read_body(request)
        body.required("name")
        record: Record = {"id": "", "name": "", "callbackHttpMethod": "POST", "autoAnswer": True}
        apply_changes(record, body)
        record["id"] = sandbox.ids.new("application")
        applications.put(record["id"], record)
        return created(request, sandbox.user_path("applications", record["id"]))

    async def list_all(request: Request) -> Response:
        return paged(request, [public(a) for a in applications])

    async def get(request: Request) -> Response:
        return ok(public(get_application(sandbox, request.path_params["applicationId"])))

    async def update(request: Request) -> Response:
        record = get_application(sandbox, request.path_params["applicationId"])
        body = await read_body(request)
        changed = dict(record)
        apply_changes(changed, body)
        record.clear()
        record.update(changed)
        applications.save(record["id"])
        return ok()

    async def delete(request: Request) -> Response:
        application_id = request.path_params["applicationId"]
        get_application(sandbox, application_id)
        applications.delete(application_id)
        # Numbers and endpoints that pointed at it are left without an application.
        for kind in ("phoneNumbers", "endpoints"):
            collection = sandbox.collection(kind)
            for item in collection:
                if item.get("applicationId") == application_id:
                    item.pop("applicationId", None)
                    collection.save(item["id"])
        return ok()

    return [
        Route(base, list_all, methods=["GET"]),
        Route(base, create, methods=["POST"]),
        Route(base + "/{applicationId}", get, methods=["GET"]),
        Route(base + "/{applicationId}", update, methods=["POST"]),
        Route(base + "/{applicationId}", delete, methods=["DELETE"]),
    ]

"""SIP domains and their endpoints (methods/domains/*.md, methods/endpoints/*.md).

Domains: at most 100 per account, unique names (part of a public DNS name),
plus the undocumented `GET .../domains/{domainId}` the real API served.
Endpoints: a SIP user name unique in the domain and immutable, a password of
at least 6 Latin-1 characters (kept private, never shown), `enabled`
(default true), a generated `sipUri` and `credentials` {realm, username}, and
the undocumented `POST .../endpoints/{endpointId}/tokens` -> {token, expires}.
"""

from __future__ import annotations

import re
import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.applications import get_application
from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, not_found, validation
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.web import Body, created, ok, paged, read_body

__all__ = ["MAX_DOMAINS", "SIP_HOST_SUFFIX", "get_domain", "get_endpoint", "routes"]

MAX_DOMAINS = 100
SIP_HOST_SUFFIX = ".bwapp.bwsipp.io"
DOMAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
#: RFC 3261 19.1.1 `user`: unreserved, escaped, user-unreserved characters.
SIP_USER = re.compile(r"^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$")
DEFAULT_TOKEN_SECONDS = 3600


def get_domain(sandbox: Sandbox, domain_id: str) -> Record:
    record = sandbox.collection("domains").get(domain_id)
    if record is None:
        raise not_found("domain", domain_id)
    return record


def get_endpoint(sandbox: Sandbox, domain_id: str, endpoint_id: str) -> Record:
    """An endpoint of a domain, else 404 (`domain-not-found` / `endpoint-not-found`)."""
    get_domain(sandbox, domain_id)
    record = sandbox.collection("endpoints").get(endpoint_id)
    if record is None or record["domainId"] != domain_id:
        raise not_found("endpoint", endpoint_id)
    return record


def _password(credentials: Body | None, *, required: bool) -> str | None:
    password = credentials.text("password") if credentials is not None else None
    if password is None:
        if required:
            raise validation("The property `credentials.password` is required")
        return None
    if len(password) < 6:
        raise validation("The endpoint password must be at least 6 characters long")
    try:
        password.encode("latin-1")
    except UnicodeEncodeError:
        raise validation(
            "The endpoint password may contain only Latin 1 (ISO 8859-1) characters"
        ) from None
    return password


def _apply(sandbox: Sandbox, record: Record, body: Body) -> None:
    if (description := body.text("description")) is not None:
        record["description"] = description
    if (application_id := body.text("applicationId")) is not None:
        if application_id == "":
            record.pop("applicationId", None)
        else:
            get_application(sandbox, application_id)
            record["applicationId"] = application_id
    if (enabled := body.flag("enabled")) is not None:
        record["enabled"] = enabled


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    domains = sandbox.collection("domains")
    endpoints = sandbox.collection("endpoints")
    base = "/v1/users/{userId}/domains"

    async def create_domain(request: Request) -> Response:
        body = await read_body(request)
        name = body.required("name")
        if not DOMAIN_NAME.match(name):
            raise validation(
                f"The domain name {name!r} must be 1-63 letters, digits, '-' or '_'"
                " (it becomes part of a DNS name)"
            )
        if len(domains) >= MAX_DOMAINS:
            raise ApiFault(
                403,
                "domain-limit-reached",
                f"There is a {MAX_DOMAINS} domain max per account limit",
                category="limit",
            )
        if any(d["name"].lower() == name.lower() for d in domains):
            raise ApiFault(409, "duplicate-domain", f"A domain named {name} already exists")
        domain_id = sandbox.ids.new("domain")
        record: Record = {"id": domain_id, "name": name}
        if (description := body.text("description")) is not None:
            record["description"] = description
        record["endpoints"] = sandbox.user_path("domains", domain_id, "endpoints")
        domains.put(domain_id, record)
        return created(request, sandbox.user_path("domains", domain_id))

    async def list_domains(request: Request) -> Response:
        return ok([public(d) for d in domains])

    async def get_one_domain(request: Request) -> Response:
        return ok(public(get_domain(sandbox, request.path_params["domainId"])))

    async def delete_domain(request: Request) -> Response:
        domain_id = request.path_params["domainId"]
        get_domain(sandbox, domain_id)
        for endpoint in endpoints:
            if endpoint["domainId"] == domain_id:
                endpoints.delete(endpoint["id"])
        domains.delete(domain_id)
        return ok()

    async def create_endpoint(request: Request) -> Response:
        domain = get_domain(sandbox, request.path_params["domainId"])
        body = await read_body(request)
        name = body.required("name")
        if not SIP_USER.match(name):
            raise validation(
                f"The endpoint name {name!r} is not a valid SIP user (RFC 3261 19.1.1)"
            )
        if any(e["domainId"] == domain["id"] and e["name"] == name for e in endpoints):
            raise ApiFault(
                409, "duplicate-endpoint", f"An endpoint named {name} already exists in this domain"
            )
        password = _password(body.object("credentials"), required=True)
        realm = domain["name"] + SIP_HOST_SUFFIX
        record: Record = {
            "id": sandbox.ids.new("endpoint"),
            "name": name,
            "domainId": domain["id"],
            "enabled": True,
            "sipUri": f"{name}@{realm}",
            "credentials": {"realm": realm, "username": name},
            "_password": password,
        }
        _apply(sandbox, record, body)
        endpoints.put(record["id"], record)
        return created(
            request, sandbox.user_path("domains", domain["id"], "endpoints", record["id"])
        )

    async def list_endpoints(request: Request) -> Response:
        domain = get_domain(sandbox, request.path_params["domainId"])
        return paged(request, [public(e) for e in endpoints if e["domainId"] == domain["id"]])

    async def get_one_endpoint(request: Request) -> Response:
        params = request.path_params
        return ok(public(get_endpoint(sandbox, params["domainId"], params["endpointId"])))

    async def update_endpoint(request: Request) -> Response:
        record = get_endpoint(
            sandbox, request.path_params["domainId"], request.path_params["endpointId"]
        )
        body = await read_body(request)
        if (name := body.text("name")) is not None and name != record["name"]:
            raise validation("An endpoint's name cannot be changed")
        changed = dict(record)
        _apply(sandbox, changed, body)
        if (password := _password(body.object("credentials"), required=False)) is not None:
            changed["_password"] = password
        record.update(changed)
        endpoints.save(record["id"])
        return ok()

    async def delete_endpoint(request: Request) -> Response:
        record = get_endpoint(
            sandbox, request.path_params["domainId"], request.path_params["endpointId"]
        )
        endpoints.delete(record["id"])
        return ok()

    async def create_token(request: Request) -> Response:
        record = get_endpoint(
            sandbox, request.path_params["domainId"], request.path_params["endpointId"]
        )
        body = await read_body(request)
        expires = body.number("expires", DEFAULT_TOKEN_SECONDS, low=1, high=86400 * 30)
        token = secrets.token_urlsafe(32)
        path = sandbox.user_path(
            "domains", record["domainId"], "endpoints", record["id"], "tokens", token
        )
        return created(request, path, {"token": token, "expires": expires})

    one = base + "/{domainId}"
    eps = one + "/endpoints"
    return [
        Route(base, list_domains, methods=["GET"]),
        Route(base, create_domain, methods=["POST"]),
        Route(one, get_one_domain, methods=["GET"]),
        Route(one, delete_domain, methods=["DELETE"]),
        Route(eps, list_endpoints, methods=["GET"]),
        Route(eps, create_endpoint, methods=["POST"]),
        Route(eps + "/{endpointId}", get_one_endpoint, methods=["GET"]),
        Route(eps + "/{endpointId}", update_endpoint, methods=["POST"]),
        Route(eps + "/{endpointId}", delete_endpoint, methods=["DELETE"]),
        Route(eps + "/{endpointId}/tokens", create_token, methods=["POST"]),
    ]

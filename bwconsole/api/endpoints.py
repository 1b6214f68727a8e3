"""SIP endpoints inside a domain."""

from __future__ import annotations

from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import wire_dict
from bwconsole.api.models import Endpoint, EndpointToken

__all__ = ["EndpointsApi"]


class EndpointsApi(Resource):
    """``/users/{userId}/domains/{domainId}/endpoints``."""

    def _path(self, domain_id: str, endpoint_id: str | None = None) -> str:
        base = f"{self._user}/domains/{seg(domain_id)}/endpoints"
        return base if endpoint_id is None else f"{base}/{seg(endpoint_id)}"

    def list(
        self, domain_id: str, *, page: int | None = None, size: int | None = None
    ) -> Listing[Endpoint]:
        """List the domain's endpoints, page by page."""
        return self._listing(Endpoint, self._path(domain_id), wire_dict(page=page, size=size))

    async def create(
        self,
        domain_id: str,
        *,
        name: str,
        password: str,
        description: str | None = None,
        application_id: str | None = None,
        enabled: bool | None = None,
    ) -> str:
        """Create an endpoint (``name`` is its SIP user, immutable). Returns its id."""
        body = wire_dict(
            name=name,
            description=description,
            application_id=application_id,
            enabled=enabled,
            credentials={"password": password},
        )
        return await self._engine.create(self._path(domain_id), body)

    async def get(self, domain_id: str, endpoint_id: str) -> Endpoint:
        """Fetch one endpoint (the password is never returned)."""
        return await self._get(Endpoint, self._path(domain_id, endpoint_id))

    async def update(
        self,
        domain_id: str,
        endpoint_id: str,
        *,
        description: str | None = None,
        application_id: str | None = None,
        enabled: bool | None = None,
        password: str | None = None,
    ) -> None:
        """Change description, application, enabled flag or password."""
        body = wire_dict(
            description=description,
            application_id=application_id,
            enabled=enabled,
            credentials={"password": password} if password is not None else None,
        )
        await self._engine.post(self._path(domain_id, endpoint_id), body)

    async def delete(self, domain_id: str, endpoint_id: str) -> None:
        """Delete an endpoint."""
        await self._engine.send("DELETE", self._path(domain_id, endpoint_id))

    async def create_token(self, domain_id: str, endpoint_id: str) -> EndpointToken:
        """Create a SIP auth token (POST ``.../tokens``).

        Not in the v1 docs, which document no token operation; the shape follows
        the v1 SDKs (``{"token", "expires"}``). A server without it answers 404.
        """
        path = self._path(domain_id, endpoint_id) + "/tokens"
        response = await self._engine.send("POST", path, json_body={})
        data = self._engine.json_of(response) if response.content else {}
        return EndpointToken.from_wire(data if isinstance(data, dict) else {})

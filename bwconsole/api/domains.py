"""SIP domains (containers of endpoints)."""

from __future__ import annotations

from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import wire_dict
from bwconsole.api.models import Domain

__all__ = ["DomainsApi"]


class DomainsApi(Resource):
    """``/users/{userId}/domains``."""

    def list(self) -> Listing[Domain]:
        """All domains (not paged; at most 100 per account)."""
        return self._listing(Domain, f"{self._user}/domains", {}, paged=False)

    async def create(self, *, name: str, description: str | None = None) -> str:
        """Create a domain; ``name`` becomes part of a public DNS name. Returns its id."""
        body = wire_dict(name=name, description=description)
        return await self._engine.create(f"{self._user}/domains", body)

    async def get(self, domain_id: str) -> Domain:
        """Fetch one domain. Not in the v1 docs (they list no GET by id); servers may 404."""
        return await self._get(Domain, f"{self._user}/domains/{seg(domain_id)}")

    async def delete(self, domain_id: str) -> None:
        """Delete a domain."""
        await self._engine.send("DELETE", f"{self._user}/domains/{seg(domain_id)}")

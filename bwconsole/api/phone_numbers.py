"""Numbers the account owns: order, import, link to applications, release."""

from __future__ import annotations

from typing import Any

from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import wire_dict
from bwconsole.api.models import PhoneNumber

__all__ = ["PhoneNumbersApi"]


class PhoneNumbersApi(Resource):
    """``/users/{userId}/phoneNumbers``; ids may be ``n-...`` or the E.164 number itself."""

    def _path(self, id_or_number: str) -> str:
        return f"{self._user}/phoneNumbers/{seg(id_or_number)}"

    def list(
        self,
        *,
        application_id: str | None = None,
        state: str | None = None,
        name: str | None = None,
        city: str | None = None,
        number_state: str | None = None,
        page: int | None = None,
        size: int | None = None,
    ) -> Listing[PhoneNumber]:
        """List owned numbers, page by page."""
        params = wire_dict(
            application_id=application_id,
            state=state,
            name=name,
            city=city,
            number_state=number_state,
            page=page,
            size=size,
        )
        return self._listing(PhoneNumber, f"{self._user}/phoneNumbers", params)

    async def order(
        self,
        *,
        number: str,
        name: str | None = None,
        application_id: str | None = None,
        fallback_number: str | None = None,
    ) -> str:
        """Buy one available number. Never retried on a server error. Returns its id."""
        body = wire_dict(
            number=number,
            name=name,
            application_id=application_id,
            fallback_number=fallback_number,
        )
        return await self._engine.create(f"{self._user}/phoneNumbers", body)

    async def import_number(
        self,
        *,
        number: str,
        account_id: str,
        user_name: str,
        password: str,
        name: str | None = None,
        application_id: str | None = None,
        provider_name: str = "bandwidth-dashboard",
    ) -> str:
        """Import a number from the Bandwidth Dashboard account. Returns its id."""
        body: dict[str, Any] = wire_dict(number=number, name=name, application_id=application_id)
        body["provider"] = {
            "providerName": provider_name,
            "properties": {"accountId": account_id, "userName": user_name, "password": password},
        }
        return await self._engine.create(f"{self._user}/phoneNumbers", body)

    async def get(self, id_or_number: str) -> PhoneNumber:
        """Fetch a number by id or E.164 number."""
        return await self._get(PhoneNumber, self._path(id_or_number))

    async def update(self, id_or_number: str, **fields: Any) -> None:
        """Change ``name``, ``application_id`` (``""`` unlinks) or ``fallback_number``."""
        await self._engine.post(self._path(id_or_number), wire_dict(**fields))

    async def delete(self, id_or_number: str) -> None:
        """Release the number (it cannot be added back)."""
        await self._engine.send("DELETE", self._path(id_or_number))

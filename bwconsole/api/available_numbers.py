"""Searching for and buying numbers (``/v1/availableNumbers``, no user id in the path)."""

from __future__ import annotations

from typing import Any

from bwconsole.api._resource import Resource
from bwconsole.api._wire import wire_dict
from bwconsole.api.errors import ApiError
from bwconsole.api.models import AvailableNumber, OrderedNumber

__all__ = ["AvailableNumbersApi"]


class AvailableNumbersApi(Resource):
    """``/availableNumbers/local`` and ``/availableNumbers/tollFree``."""

    async def search_local(
        self,
        *,
        area_code: str | None = None,
        state: str | None = None,
        zip: str | None = None,
        city: str | None = None,
        local_number: str | None = None,
        in_local_calling_area: bool | None = None,
        pattern: str | None = None,
        quantity: int | None = None,
    ) -> list[AvailableNumber]:
        """Search local numbers; the API wants exactly one of ``state``/``zip``/``area_code``."""
        params = wire_dict(
            area_code=area_code,
            state=state,
            zip=zip,
            city=city,
            local_number=local_number,
            in_local_calling_area=in_local_calling_area,
            pattern=pattern,
            quantity=quantity,
        )
        items = await self._engine.get_array("/availableNumbers/local", params)
        return [AvailableNumber.from_wire(item) for item in items]

    async def search_toll_free(
        self, *, pattern: str | None = None, quantity: int | None = None
    ) -> list[AvailableNumber]:
        """Search toll-free numbers (``?`` one digit, ``*`` any digits in ``pattern``)."""
        params = wire_dict(pattern=pattern, quantity=quantity)
        items = await self._engine.get_array("/availableNumbers/tollFree", params)
        return [AvailableNumber.from_wire(item) for item in items]

    async def order_local(
        self,
        *,
        area_code: str | None = None,
        state: str | None = None,
        zip: str | None = None,
        city: str | None = None,
        local_number: str | None = None,
        in_local_calling_area: bool | None = None,
        pattern: str | None = None,
        quantity: int | None = None,
    ) -> list[OrderedNumber]:
        """Search and buy local numbers in one call (criteria go in the query string).

        Never retried on a server error: it may have bought numbers already.
        ``pattern`` is documented for this call, but errors.md says orders reject it.
        """
        params = wire_dict(
            area_code=area_code,
            state=state,
            zip=zip,
            city=city,
            local_number=local_number,
            in_local_calling_area=in_local_calling_area,
            pattern=pattern,
            quantity=quantity,
        )
        return await self._order("/availableNumbers/local", params)

    async def order_toll_free(self, *, quantity: int | None = None) -> list[OrderedNumber]:
        """Buy toll-free numbers (quantity default 1, max 10)."""
        return await self._order("/availableNumbers/tollFree", wire_dict(quantity=quantity))

    async def _order(self, path: str, params: dict[str, Any]) -> list[OrderedNumber]:
        response = await self._engine.send("POST", path, params=params)
        data = self._engine.json_of(response)
        if not isinstance(data, list):
            raise ApiError(
                response.status_code, "invalid-response", f"Expected a JSON array from {path}"
            )
        return [OrderedNumber.from_wire(item) for item in data]

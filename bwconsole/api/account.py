"""Account balance and transactions."""

from __future__ import annotations

from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import wire_dict
from bwconsole.api.models import Account, Transaction

__all__ = ["AccountApi"]


class AccountApi(Resource):
    """``/users/{userId}/account``."""

    async def get(self) -> Account:
        """Fetch the balance and account type."""
        return await self._get(Account, f"{self._user}/account")

    def transactions(
        self,
        *,
        max_items: int | None = None,
        from_date: str | None = None,
        to_date: str | None = None,
        type: str | None = None,
        number: str | None = None,
        page: int | None = None,
        size: int | None = None,
    ) -> Listing[Transaction]:
        """List transactions, newest first, filtered as documented (dates ``yyyy-MM-dd'T'HH:mm:ssZ``)."""
        params = wire_dict(
            max_items=max_items,
            from_date=from_date,
            to_date=to_date,
            type=type,
            number=number,
            page=page,
            size=size,
        )
        return self._listing(Transaction, f"{self._user}/account/transactions", params)

"""Errors the platform recorded for the account (GET /errors), not client exceptions."""

from __future__ import annotations

from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api._wire import wire_dict
from bwconsole.api.models import UserError

__all__ = ["UserErrorsApi"]


class UserErrorsApi(Resource):
    """``/users/{userId}/errors``."""

    def list(self, *, page: int | None = None, size: int | None = None) -> Listing[UserError]:
        """Recent errors, page by page."""
        return self._listing(UserError, f"{self._user}/errors", wire_dict(page=page, size=size))

    async def get(self, error_id: str) -> UserError:
        """Fetch one recorded error."""
        return await self._get(UserError, f"{self._user}/errors/{seg(error_id)}")

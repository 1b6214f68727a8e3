"""CNAM lookup (``/v1/phoneNumbers/numberInfo``, no user id in the path)."""

from __future__ import annotations

from bwconsole.api._base import seg
from bwconsole.api._resource import Resource
from bwconsole.api.models import NumberInfo

__all__ = ["NumberInfoApi"]


class NumberInfoApi(Resource):
    """``/phoneNumbers/numberInfo/{number}``."""

    async def get(self, number: str) -> NumberInfo:
        """Look up the caller name of an E.164 number."""
        return await self._get(NumberInfo, f"/phoneNumbers/numberInfo/{seg(number)}")

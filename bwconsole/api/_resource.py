"""Base class of the per-family resource clients."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from bwconsole.api._base import Engine
from bwconsole.api._listing import Listing
from bwconsole.api.models import WireModel

__all__ = ["Resource"]

M = TypeVar("M", bound=WireModel)


class Resource:
    """Holds the shared engine; subclasses add one family's operations."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def _user(self) -> str:
        return self._engine.user_path

    def _listing(
        self, model: type[M], path: str, params: Mapping[str, Any], *, paged: bool = True
    ) -> Listing[M]:
        return Listing(
            lambda: self._engine.pages(path, params, paged=paged),
            model.from_wire,
        )

    async def _get(self, model: type[M], path: str) -> M:
        return model.from_wire(await self._engine.get_object(path))

"""``Listing``: what every ``list`` method returns.

A listing can be consumed lazily (``async for item in client.calls.list()`` or
``await anext(listing)``, one page fetched only when reached) or all at once
(``items = await client.domains.list()``), so callers never need to know
whether the endpoint is paged.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator
from contextlib import aclosing
from typing import Any, Generic, TypeVar

__all__ = ["Listing"]

T = TypeVar("T")


class Listing(Generic[T]):
    """A lazily fetched list of API resources."""

    def __init__(
        self, pages: Callable[[], AsyncGenerator[list[Any], None]], parse: Callable[[Any], T]
    ) -> None:
        self._pages = pages
        self._parse = parse
        self._cursor: AsyncGenerator[T, None] | None = None

    def __aiter__(self) -> AsyncIterator[T]:
        """A fresh pass from the first page (each ``async for`` starts over)."""
        return self._iterate()

    async def __anext__(self) -> T:
        """The next item of one shared pass, so ``anext(listing)`` works like an iterator."""
        if self._cursor is None:
            self._cursor = self._iterate()
        return await self._cursor.__anext__()

    async def _iterate(self) -> AsyncGenerator[T, None]:
        async with aclosing(self._pages()) as pages:
            async for page in pages:
                for raw in page:
                    yield self._parse(raw)

    async def collect(self, limit: int | None = None) -> list[T]:
        """Fetch items into a list, stopping after ``limit`` items (pages beyond are not fetched)."""
        items: list[T] = []
        if limit is not None and limit <= 0:
            return items
        async with aclosing(self._iterate()) as iterator:
            async for item in iterator:
                items.append(item)
                if limit is not None and len(items) >= limit:
                    break
        return items

    def __await__(self) -> Generator[Any, None, list[T]]:
        return self.collect().__await__()

"""Media files: streamed upload and download with progress.

Files may be up to 65 MB, so neither direction holds a whole file in memory:
uploads read the source in chunks (with ``Content-Length`` set, which the API
requires) and downloads write each chunk to disk as it arrives.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable, AsyncIterator, Callable
from pathlib import Path
from typing import BinaryIO

import httpx

from bwconsole.api._base import seg
from bwconsole.api._listing import Listing
from bwconsole.api._resource import Resource
from bwconsole.api.errors import ApiConnectionError
from bwconsole.api.models import MediaFile

__all__ = ["CHUNK_SIZE", "MAX_MEDIA_BYTES", "MediaApi", "Progress"]

MAX_MEDIA_BYTES = 65 * 1024 * 1024
"""The largest media file the v1 API stores (methods/media/putMediaMediaName.md: 65 MB)."""

CHUNK_SIZE = 256 * 1024
"""Bytes read or written per step; also the progress-report granularity."""

Progress = Callable[[int, int], None]
"""``on_progress(done_bytes, total_bytes)``; total is 0 when unknown."""

UploadSource = str | os.PathLike[str] | bytes | AsyncIterable[bytes]


class MediaApi(Resource):
    """``/users/{userId}/media``."""

    def _path(self, name: str) -> str:
        return f"{self._user}/media/{seg(name)}"

    def list(self) -> Listing[MediaFile]:
        """All media files (not paged)."""
        return self._listing(MediaFile, f"{self._user}/media", {}, paged=False)

    async def upload(
        self,
        name: str,
        source: UploadSource,
        *,
        content_type: str | None = None,
        cache_control: str | None = None,
        size: int | None = None,
        on_progress: Progress | None = None,
    ) -> None:
        """Create or replace a media file, streaming it from ``source``.

        Args:
            name: Media name (the URL's last segment).
            source: A file path, bytes, or an async iterable of chunks.
            content_type: ``Content-Type`` to store with the file.
            cache_control: ``Cache-Control`` to store with the file.
            size: Total bytes of an async-iterable source, sent as ``Content-Length``
                (the API rejects uploads without it). Ignored for paths and bytes.
            on_progress: Called after each chunk with ``(sent, total)``.

        Raises:
            ApiError: The upload failed. Async-iterable sources can be sent only once,
                so they are not retried.
        """
        total: int | None
        make: Callable[[], AsyncIterator[bytes]]
        if isinstance(source, bytes):
            data = source
            total = len(data)
            make = lambda: _bytes_chunks(data)  # noqa: E731
        elif isinstance(source, str | os.PathLike):
            path = Path(source)
            total = (await asyncio.to_thread(path.stat)).st_size
            make = lambda: _file_chunks(path)  # noqa: E731
        else:
            total = size
            iterable = source
            make = lambda: aiter(iterable)  # noqa: E731
        headers: dict[str, str] = {}
        if total is not None:
            headers["Content-Length"] = str(total)
        if content_type is not None:
            headers["Content-Type"] = content_type
        if cache_control is not None:
            headers["Cache-Control"] = cache_control

        def content() -> AsyncIterator[bytes]:
            return _counting(make(), total or 0, on_progress)

        await self._engine.send(
            "PUT",
            self._path(name),
            content=content,
            headers=headers,
            replayable=not isinstance(source, AsyncIterable),
        )

    async def download(
        self,
        name: str,
        dest: str | os.PathLike[str] | BinaryIO,
        *,
        on_progress: Progress | None = None,
    ) -> int:
        """Stream a media file to ``dest``; a path is written atomically (``.part`` then rename).

        Returns:
            The number of bytes written.
        """
        response = await self._engine.send(
            "GET", self._path(name), stream=True, headers={"Accept": "*/*"}
        )
        total = int(response.headers.get("Content-Length") or 0)
        try:
            if isinstance(dest, str | os.PathLike):
                final = Path(dest)
                partial = final.with_name(final.name + ".part")
                try:
                    with partial.open("wb") as out:
                        done = await _pump(
                            response.aiter_bytes(CHUNK_SIZE), out, total, on_progress
                        )
                    os.replace(partial, final)
                finally:
                    partial.unlink(missing_ok=True)
            else:
                done = await _pump(response.aiter_bytes(CHUNK_SIZE), dest, total, on_progress)
        except httpx.TransportError as exc:
            raise ApiConnectionError(f"download of {name!r} broke off: {exc}") from exc
        finally:
            await response.aclose()
        return done

    async def delete(self, name: str) -> None:
        """Delete a media file; the name can be reused at once."""
        await self._engine.send("DELETE", self._path(name))


async def _pump(
    chunks: AsyncIterator[bytes], out: BinaryIO, total: int, on_progress: Progress | None
) -> int:
    done = 0
    async for chunk in chunks:
        out.write(chunk)
        done += len(chunk)
        if on_progress is not None:
            on_progress(done, total)
    return done


async def _bytes_chunks(data: bytes) -> AsyncIterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(view), CHUNK_SIZE):
        yield bytes(view[start : start + CHUNK_SIZE])


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while True:
            # A thread per read keeps a slow disk from stalling the UI's event loop.
            chunk = await asyncio.to_thread(handle.read, CHUNK_SIZE)
            if not chunk:
                return
            yield chunk


async def _counting(
    chunks: AsyncIterator[bytes], total: int, on_progress: Progress | None
) -> AsyncIterator[bytes]:
    sent = 0
    async for chunk in chunks:
        yield chunk
        sent += len(chunk)
        if on_progress is not None:
            on_progress(sent, total)

"""Media files (methods/media/*.md): upload (PUT), download, list, delete.

Uploads stream to a file under `sandbox.media_dir` (never held in memory) and
replace the stored file atomically once complete; `Content-Length` is
required, 65 MB is the most. Downloads stream the exact bytes back with the
upload's own `Content-Type` (and `Cache-Control` when one was given), never
compressed. Names arrive percent-encoded and may hold any character.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from bwconsole.sandbox.core import Sandbox
from bwconsole.sandbox.faults import ApiFault, not_found, validation
from bwconsole.sandbox.store import Record, public
from bwconsole.sandbox.web import absolute, ok

__all__ = ["MAX_MEDIA_BYTES", "media_file", "routes", "save_media"]

MAX_MEDIA_BYTES = 65 * 1024 * 1024
DEFAULT_TYPE = "application/octet-stream"


def _file_for(sandbox: Sandbox, name: str) -> Path:
    # Hash the name: it may hold `/`, `..` or characters no file system takes.
    return sandbox.media_dir / hashlib.sha256(name.encode()).hexdigest()


def _record(
    sandbox: Sandbox, name: str, size: int, content_type: str, cache_control: str | None
) -> Record:
    record: Record = {"mediaName": name, "contentLength": size, "_contentType": content_type}
    if cache_control:
        record["_cacheControl"] = cache_control
    return sandbox.collection("media").put(name, record)


def save_media(
    sandbox: Sandbox, name: str, data: bytes, content_type: str = DEFAULT_TYPE
) -> Record:
    """Store a media file the sandbox makes itself (e.g. a recording), replacing any of that name."""
    target = _file_for(sandbox, name)
    partial = target.with_name(f".{uuid.uuid4().hex}.part")
    partial.write_bytes(data)
    os.replace(partial, target)
    return _record(sandbox, name, len(data), content_type, None)


def media_file(sandbox: Sandbox, name: str) -> Path | None:
    """Where the bytes of a stored media file are, if it exists."""
    if name not in sandbox.collection("media"):
        return None
    return _file_for(sandbox, name)


def _declared_length(request: Request) -> int:
    header = request.headers.get("content-length")
    if header is None:
        raise validation("The media size must be specified by the `Content-Length` header")
    try:
        length = int(header)
    except ValueError:
        raise ApiFault(
            404,
            "media-invalid-content-lenght",
            "The media source `Content-Length` header could not be parsed as a number",
        ) from None
    if length < 0:
        raise validation("The `Content-Length` header must not be negative")
    return length


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    media = sandbox.collection("media")
    base = "/v1/users/{userId}/media"

    async def upload(request: Request) -> Response:
        name = request.path_params["mediaName"]
        if not name:
            raise validation("A media file needs a name: PUT /media/{mediaName}")
        length = _declared_length(request)
        if length > MAX_MEDIA_BYTES:
            async for _ in request.stream():  # drain, so the client reads the answer cleanly
                pass
            raise ApiFault(
                403,
                "media-size-overflow",
                f"The media size {length} bytes is larger than the maximum {MAX_MEDIA_BYTES} bytes",
            )
        target = _file_for(sandbox, name)
        partial = target.with_name(f".{uuid.uuid4().hex}.part")
        received = 0
        try:
            with partial.open("wb") as sink:
                async for chunk in request.stream():
                    received += len(chunk)
                    if received > length:
                        break
                    sink.write(chunk)
            if received != length:
                raise validation(
                    f"The body has {received} bytes but `Content-Length` says {length}"
                )
            os.replace(partial, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
        content_type = request.headers.get("content-type") or DEFAULT_TYPE
        _record(sandbox, name, length, content_type, request.headers.get("cache-control"))
        location = absolute(request, sandbox.user_path("media", quote(name, safe="")))
        return ok(headers={"Location": location})

    async def download(request: Request) -> Response:
        name = request.path_params["mediaName"]
        record = media.get(name)
        if record is None:
            raise not_found("media", name)
        headers = {"Content-Type": record["_contentType"]}
        if "_cacheControl" in record:
            headers["Cache-Control"] = record["_cacheControl"]
        return FileResponse(_file_for(sandbox, name), headers=headers)

    async def list_all(request: Request) -> Response:
        # `content` is made per request so it names this server even after a move to another port.
        return ok(
            [
                {
                    **public(m),
                    "content": absolute(
                        request, sandbox.user_path("media", quote(m["mediaName"], safe=""))
                    ),
                }
                for m in media
            ]
        )

    async def delete(request: Request) -> Response:
        name = request.path_params["mediaName"]
        if media.delete(name) is None:
            raise not_found("media", name)
        with contextlib.suppress(FileNotFoundError):
            _file_for(sandbox, name).unlink()
        return ok()

    return [
        Route(base, list_all, methods=["GET"]),
        Route(base + "/{mediaName:path}", upload, methods=["PUT"]),
        Route(base + "/{mediaName:path}", download, methods=["GET"]),
        Route(base + "/{mediaName:path}", delete, methods=["DELETE"]),
    ]

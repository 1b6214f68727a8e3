"""Media upload/download streamed byte-exact, list, delete, limits — against the real server."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from bwconsole.sandbox import media

CHUNK = 64 * 1024


def pattern_chunks(total: int) -> Iterator[bytes]:
    """Deterministic, non-repeating-looking bytes, produced a chunk at a time."""
    sent = 0
    counter = 0
    while sent < total:
        block = hashlib.sha256(counter.to_bytes(8, "big")).digest() * (CHUNK // 32)
        block = block[: total - sent]
        sent += len(block)
        counter += 1
        yield block


async def agen(total: int) -> AsyncIterator[bytes]:
    for block in pattern_chunks(total):
        yield block


async def test_20_mb_round_trip_is_byte_identical_and_streamed(
    sandbox_http: httpx.AsyncClient, user: str
) -> None:
    size = 20 * 1024 * 1024
    expected = hashlib.sha256()
    for block in pattern_chunks(size):
        expected.update(block)
    response = await sandbox_http.put(
        f"{user}/media/big%20file.bin",
        content=agen(size),
        headers={
            "Content-Length": str(size),
            "Content-Type": "audio/x-test",
            "Cache-Control": "max-age=60",
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    got = hashlib.sha256()
    received = 0
    async with sandbox_http.stream(
        "GET", f"{user}/media/big%20file.bin", headers={"Accept-Encoding": "gzip"}, timeout=30
    ) as download:
        assert download.status_code == 200
        assert download.headers["content-type"] == "audio/x-test"
        assert download.headers["cache-control"] == "max-age=60"
        assert "content-encoding" not in download.headers
        async for block in download.aiter_raw():
            got.update(block)
            received += len(block)
    assert received == size and got.hexdigest() == expected.hexdigest()


async def test_list_replace_delete_and_encoded_names(
    sandbox_http: httpx.AsyncClient, user: str
) -> None:
    name = "a b/ü?.txt"
    encoded = "a%20b%2F%C3%BC%3F.txt"
    first = await sandbox_http.put(
        f"{user}/media/{encoded}", content=b"one", headers={"Content-Type": "text/plain"}
    )
    assert first.status_code == 200
    await sandbox_http.put(
        f"{user}/media/{encoded}", content=b"second", headers={"Content-Type": "text/plain"}
    )
    listed = (await sandbox_http.get(f"{user}/media")).json()
    assert [(m["mediaName"], m["contentLength"]) for m in listed] == [(name, 6)]
    assert listed[0]["content"].endswith(f"/media/{encoded}")
    download = await sandbox_http.get(listed[0]["content"])
    assert download.content == b"second" and download.headers["content-type"] == "text/plain"
    assert (await sandbox_http.delete(f"{user}/media/{encoded}")).status_code == 200
    missing = await sandbox_http.get(f"{user}/media/{encoded}")
    assert missing.status_code == 404 and missing.json()["code"] == "media-not-found"
    assert (await sandbox_http.get(f"{user}/media")).json() == []
    again = await sandbox_http.put(f"{user}/media/{encoded}", content=b"3")
    assert again.status_code == 200
    assert (await sandbox_http.get(f"{user}/media/{encoded}")).headers[
        "content-type"
    ] == "application/octet-stream"


async def test_content_length_is_required(sandbox_http: httpx.AsyncClient, user: str) -> None:
    response = await sandbox_http.put(f"{user}/media/chunked.bin", content=agen(1000))
    assert response.status_code == 400
    assert "Content-Length" in response.json()["message"]


async def test_over_the_limit_is_403_media_size_overflow(
    sandbox_http: httpx.AsyncClient, user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert media.MAX_MEDIA_BYTES == 65 * 1024 * 1024
    monkeypatch.setattr(media, "MAX_MEDIA_BYTES", 100_000)
    size = 100_001
    response = await sandbox_http.put(
        f"{user}/media/too-big.bin", content=agen(size), headers={"Content-Length": str(size)}
    )
    assert response.status_code == 403 and response.json()["code"] == "media-size-overflow"
    assert (await sandbox_http.get(f"{user}/media")).json() == []


async def test_a_name_is_required(sandbox_http: httpx.AsyncClient, user: str) -> None:
    response = await sandbox_http.put(f"{user}/media/", content=b"x")
    assert response.status_code == 400
    assert (await sandbox_http.get(f"{user}/media/")).json() == []

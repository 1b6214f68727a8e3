"""Media upload and download stream in chunks, report progress, and stay out of memory."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fixtures.api.harness import Recorder, make_client

from bwconsole.api import ApiConnectionError, ApiError
from bwconsole.api.media import CHUNK_SIZE

MB = 1024 * 1024
SIZE = 20 * MB


class Sink:
    """A handler that consumes an upload chunk by chunk, keeping only counts and a hash."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.chunks = 0
        self.largest = 0
        self.total = 0
        self.digest = hashlib.sha256()
        self.headers: httpx.Headers | None = None
        self.calls = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.headers = request.headers
        assert isinstance(request.stream, httpx.AsyncByteStream)
        async for chunk in request.stream:
            self.chunks += 1
            self.largest = max(self.largest, len(chunk))
            self.total += len(chunk)
            self.digest.update(chunk)
        return httpx.Response(self.status)


def pattern_block(i: int) -> bytes:
    return bytes([i % 251]) * (64 * 1024)


@pytest.fixture
def big_file(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "big.wav"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for i in range(SIZE // (64 * 1024)):
            block = pattern_block(i)
            out.write(block)
            digest.update(block)
    return path, digest.hexdigest()


async def test_upload_from_path_streams_with_content_length(big_file: tuple[Path, str]) -> None:
    path, digest = big_file
    sink = Sink()
    progress: list[tuple[int, int]] = []
    tracemalloc.start()
    try:
        async with make_client(Recorder(sink), streaming=True) as client:
            await client.media.upload(
                "big.wav",
                path,
                content_type="audio/wav",
                cache_control="no-cache",
                on_progress=lambda done, total: progress.append((done, total)),
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.headers is not None
    assert sink.headers["Content-Length"] == str(SIZE)
    assert sink.headers["Content-Type"] == "audio/wav"
    assert sink.headers["Cache-Control"] == "no-cache"
    assert "Transfer-Encoding" not in sink.headers
    assert (sink.total, sink.digest.hexdigest()) == (SIZE, digest)
    assert sink.chunks >= SIZE // CHUNK_SIZE and sink.largest <= CHUNK_SIZE
    assert progress[-1] == (SIZE, SIZE)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert peak < 4 * MB, f"upload held {peak / MB:.1f} MB"


async def test_upload_from_async_generator_is_streamed_and_not_retried() -> None:
    produced = 0

    async def generate() -> AsyncIterator[bytes]:
        nonlocal produced
        for i in range(SIZE // (64 * 1024)):
            produced += 1
            yield pattern_block(i)

    sink = Sink(status=500)
    progress: list[tuple[int, int]] = []
    async with make_client(Recorder(sink), streaming=True) as client:
        with pytest.raises(ApiError) as info:
            await client.media.upload(
                "gen.wav", generate(), size=SIZE, on_progress=lambda d, t: progress.append((d, t))
            )
    assert info.value.status == 500
    assert sink.calls == 1  # a one-shot source cannot be replayed, so no retry
    assert sink.headers is not None and sink.headers["Content-Length"] == str(SIZE)
    assert sink.chunks == produced == SIZE // (64 * 1024)
    assert progress[-1] == (SIZE, SIZE)


async def test_upload_from_path_is_replayed_on_500(big_file: tuple[Path, str]) -> None:
    path, digest = big_file
    sinks = [Sink(status=500), Sink()]

    async def handler(request: httpx.Request) -> httpx.Response:
        return await sinks[len([s for s in sinks if s.calls])](request)

    async with make_client(Recorder(handler, handler), streaming=True) as client:
        await client.media.upload("big.wav", path)
    assert [s.total for s in sinks] == [SIZE, SIZE]
    assert sinks[1].digest.hexdigest() == digest


def streamed(total: int, fail_after: int | None = None) -> httpx.Response:
    async def body() -> AsyncIterator[bytes]:
        for i in range(total // (64 * 1024)):
            if fail_after is not None and i == fail_after:
                raise httpx.ReadError("connection dropped")
            yield pattern_block(i)

    return httpx.Response(200, headers={"Content-Length": str(total)}, content=body())


async def test_download_streams_to_disk_with_progress(tmp_path: Path) -> None:
    dest = tmp_path / "out.wav"
    progress: list[tuple[int, int]] = []
    tracemalloc.start()
    try:
        async with make_client(Recorder(streamed(SIZE))) as client:
            written = await client.media.download(
                "big.wav", dest, on_progress=lambda d, t: progress.append((d, t))
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == SIZE == dest.stat().st_size
    expected = hashlib.sha256(b"".join(pattern_block(i) for i in range(SIZE // (64 * 1024))))
    assert hashlib.sha256(dest.read_bytes()).hexdigest() == expected.hexdigest()
    assert len(progress) > 10 and progress[-1] == (SIZE, SIZE)
    assert not (tmp_path / "out.wav.part").exists()
    assert peak < 4 * MB, f"download held {peak / MB:.1f} MB"


async def test_broken_download_leaves_no_file(tmp_path: Path) -> None:
    dest = tmp_path / "out.wav"
    async with make_client(Recorder(streamed(SIZE, fail_after=5))) as client:
        with pytest.raises(ApiConnectionError):
            await client.media.download("big.wav", dest)
    assert not dest.exists() and not dest.with_name("out.wav.part").exists()


async def test_missing_media_is_an_api_error_and_no_file(tmp_path: Path) -> None:
    body = {"category": "not-found", "code": "media-not-found", "message": "no such media"}
    async with make_client(Recorder(httpx.Response(404, json=body))) as client:
        with pytest.raises(ApiError) as info:
            await client.media.download("nope.wav", tmp_path / "nope.wav")
    assert info.value.code == "media-not-found"
    assert not (tmp_path / "nope.wav").exists()

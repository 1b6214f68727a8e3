"""Every client method emits exactly the documented request and parses the reply.

The table lives in ``tests/fixtures/api/shapes.py`` (one section per resource).
"""

from __future__ import annotations

import json

import httpx
import pytest
from fixtures.api.harness import AUTH, Recorder, make_client
from fixtures.api.shapes import ALL_CASES, NO_BODY, Case


def fresh(reply: httpx.Response) -> httpx.Response:
    """A new response with the same status, headers and body (responses are single-use)."""
    return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
async def test_request_shape(case: Case) -> None:
    recorder = Recorder(fresh(case.reply))
    async with make_client(recorder) as client:
        result = await case.call(client)

    assert len(recorder.requests) == 1
    request = recorder.last
    assert request.method == case.method
    assert request.url.host == "api.test"
    assert request.url.raw_path.split(b"?")[0].decode() == case.expected_path()
    assert dict(request.url.params) == case.query
    assert request.headers["Authorization"] == AUTH
    body = recorder.bodies[-1]
    if case.body is NO_BODY:
        assert body == b""
    elif isinstance(case.body, bytes):
        assert body == case.body
        assert request.headers["Content-Length"] == str(len(case.body))
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(body) == case.body
    assert case.result(result), f"unexpected result {result!r}"

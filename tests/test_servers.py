import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bwconsole.servers import serving


async def hello(request):  # type: ignore[no-untyped-def]
    return PlainTextResponse("hi")


async def test_background_server_serves_on_a_free_loopback_port() -> None:
    app = Starlette(routes=[Route("/", hello)])
    async with serving(app) as server:
        assert server.port > 0
        async with httpx.AsyncClient() as client:
            response = await client.get(server.url + "/")
        assert response.text == "hi"

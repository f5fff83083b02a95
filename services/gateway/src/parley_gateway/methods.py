"""HEAD is answered wherever GET is, as GET without the body (RFC 9110 9.3.2).

Litestar 2 has no option for it: it answers HEAD only through a handler of its own that returns no
body, so every GET-only route answered HEAD with a 405, and an uptime monitor probing with HEAD (many
do by default) saw `/health/live` and the chat page as down. Its app-level middleware runs only
after routing, where that 405 is already decided, so `HeadAsGet.around` wraps the app's whole
handler: a HEAD request is routed and answered as a GET (guards, limits, `Content-Length` and
`ETag` included) and its body is not sent. Litestar never sees a HEAD, so the static files' own
HEAD handler goes unused: a HEAD of a file reads it, as a GET does, for the same headers. The plugin
half lists HEAD beside GET in the `Allow` Litestar answers OPTIONS with; errorpages.py does the same
for a 405.
"""

from __future__ import annotations

from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet(ReceiveRoutePlugin):
    """Pass as a plugin, and wrap the app's `asgi_handler` with `around`."""

    def receive_route(self, route: BaseRoute) -> None:
        if isinstance(route, HTTPRoute) and "GET" in route.methods:
            route.methods.add("HEAD")

    @staticmethod
    def around(app: ASGIApp) -> ASGIApp:
        async def handle(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["method"] != "HEAD":
                await app(scope, receive, send)
                return

            async def send_headers_only(message: Message) -> None:
                if message["type"] != "http.response.start":  # a body, or a file sent by path
                    message = {
                        "type": "http.response.body",
                        "body": b"",
                        "more_body": message.get("more_body", False),
                    }
                await send(message)

            # A copy: the server reads its own scope's HEAD and sends no body either.
            await app({**scope, "method": "GET"}, receive, send_headers_only)

        return handle

"""A refused CORS preflight answers in Parley's error shape, as every other failure does.

Litestar's CORS middleware answers a preflight (`OPTIONS` with `Origin`) it refuses with a plain-text
`400 Disallowed CORS Origin` (or `method`, `headers`), before any route or exception handler runs. A
browser shows neither (the page sees only a failed request), but the developer replaying it with
curl does: the refusal becomes `403 forbidden` naming the origin for an origin, as the chat
websocket words it, and `400 invalid_input` for a method or header not allowed.
"""

from __future__ import annotations

import msgspec
from litestar.datastructures import Headers
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

from parley_runtime.http import ErrorBody, ErrorDetail

_REFUSED = b"Disallowed CORS "
_ENCODER = msgspec.json.Encoder()


def json_preflight_refusals(app: ASGIApp) -> ASGIApp:
    """Wrap the app's whole handler (Litestar's middleware runs inside it)."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        is_options = scope["type"] == "http" and scope["method"] == "OPTIONS"
        origin = Headers.from_scope(scope).get("origin") if is_options else None
        if origin is None:  # no preflight
            await app(scope, receive, send)
            return
        held: list[HTTPResponseStartEvent] = []

        async def send_refusal_as_json(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 400:
                held.append(message)  # until its body says whether it is the CORS refusal
                return
            if held and message["type"] == "http.response.body":
                body = message.get("body", b"")
                if body.startswith(_REFUSED):
                    await _send_refusal(send, held[0], origin, body.removeprefix(_REFUSED).decode())
                    return
                await send(held.pop())
            await send(message)

        await app(scope, receive, send_refusal_as_json)

    return handle


async def _send_refusal(send: Send, start: HTTPResponseStartEvent, origin: str, refused: str) -> None:
    failures = [failure.strip() for failure in refused.split(",")]
    if "Origin" in failures:
        status, code = 403, "forbidden"
        message = (
            f"pages on {origin[:100]!r} may not call this API: "
            "only the gateway's own pages and origins in GATEWAY_CORS_ORIGINS may"
        )
    else:
        status, code = 400, "invalid_input"
        message = f"this cross-origin request is refused: its {' and '.join(failures)} may not be sent"
    body = _ENCODER.encode(ErrorBody(error=ErrorDetail(code=code, message=message)))
    kept = [(name, value) for name, value in start.get("headers", []) if name.lower() not in _REPLACED]
    headers = [*kept, (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


_REPLACED = frozenset({b"content-type", b"content-length"})

"""The correlation id of a request: taken from `X-Correlation-ID` when it is sane, else made,
bound to every log line of the request, returned in the response, and carried into dialogue, NLU
and `TurnCompleted`."""

from __future__ import annotations

import re
from contextvars import ContextVar

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from parley_messages import new_id

HEADER = "x-correlation-id"
_HEADER_BYTES = HEADER.encode()
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_current: ContextVar[str | None] = ContextVar("parley_correlation_id", default=None)


def accept_correlation_id(raw: str | None) -> str:
    """The client's id if it is 1-64 safe characters, else a fresh one."""
    return raw if raw and _SANE.fullmatch(raw) else new_id()


def current_correlation_id() -> str:
    """The id of the request being served (a fresh one outside a request)."""
    return _current.get() or new_id()


def correlation_middleware(app: ASGIApp) -> ASGIApp:
    """ASGI middleware for HTTP requests (the websocket makes one id per turn itself). The app wraps
    its whole handler with it, so an answer to a request no route takes carries the header too."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        raw = next((v for k, v in scope["headers"] if k == _HEADER_BYTES), None)
        correlation_id = accept_correlation_id(raw.decode("latin-1") if raw else None)
        header = (_HEADER_BYTES, correlation_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        token = _current.set(correlation_id)
        try:
            with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
                await app(scope, receive, send_with_id)
        finally:
            _current.reset(token)

    return middleware

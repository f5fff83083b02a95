"""`GET /ws/chat?bot=…&conversation_id=…&key=…`: the chat websocket (DESIGN.md §5).

A new conversation gets an id and the bot's welcome; passing `conversation_id` resumes one (after
a reconnect). Each connection is served by its own task and answers one frame at a time, so a slow
client only ever waits on itself; a client that stops reading is dropped after a send timeout.
Opening counts against the client address's request limit; each user message counts against the
key's, as each REST chat request does (over it: a `rate_limited` error frame, the socket stays open).
Close codes: 4400 bad request, 4401 key needed, 4403 key not allowed, 4404 unknown bot, 4408 idle,
4429 too many connections from the address, 1008 not reading, 1013 try again later.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import msgspec
import structlog
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromQuery

from parley_gateway.deps import Gateway, GatewayDep
from parley_gateway.errors import ForbiddenError, RateLimitedError, UnauthorizedError
from parley_gateway.frames import ErrorFrame, FrameError, Ping, PongFrame, parse_frame
from parley_gateway.keys import bearer
from parley_gateway.limits import MessageBucket
from parley_gateway.names import check_bot_name, check_conversation_id
from parley_gateway.routes.guards import client_address
from parley_messages import ChatReply, ChatRequest, new_id
from parley_runtime.errors import InvalidInputError, NotFoundError, ParleyError, TransientError

log = structlog.get_logger(__name__)
_encoder = msgspec.json.Encoder()

CLOSE_NOT_READING = 1008
CLOSE_TRY_LATER = 1013
_CLOSE_CODES: list[tuple[type[ParleyError], int]] = [
    (UnauthorizedError, 4401),
    (ForbiddenError, 4403),
    (NotFoundError, 4404),
    (RateLimitedError, 4429),
    (TransientError, CLOSE_TRY_LATER),
]
CLOSE_BAD_REQUEST = 4400
CLOSE_IDLE = 4408


class _Closed(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


@websocket("/ws/chat")
async def chat_socket(
    socket: WebSocket[Any, Any, Any],
    gateway: GatewayDep,
    bot: FromQuery[str | None] = None,
    conversation_id: FromQuery[str | None] = None,
    key: FromQuery[str | None] = None,
) -> None:
    # `bot` is optional here only so that its absence is answered like any other bad request (an
    # error frame and 4400) instead of a refused handshake, which a browser cannot tell apart.
    await socket.accept()
    gateway.metrics.websockets.inc()
    secret = key or bearer(socket.headers.get("authorization"))
    try:
        chat = await _open(socket, gateway, bot, conversation_id, secret)
        await _converse(socket, gateway, chat)
    except _Closed as closed:
        await _close(socket, closed.code)
    except WebSocketDisconnect:
        pass
    finally:
        gateway.metrics.websockets.dec()


class _Chat(msgspec.Struct, frozen=True, kw_only=True):
    """What a connection was opened for: the bot, the conversation, and the key that opened it."""

    bot: str
    conversation_id: str
    secret: str | None


async def _open(
    socket: WebSocket[Any, Any, Any],
    gateway: Gateway,
    bot: str | None,
    conversation_id: str | None,
    secret: str | None,
) -> _Chat:
    """Admit the connection and greet a new conversation."""
    try:
        if bot is None:
            raise InvalidInputError("the query parameter `bot` is required: /ws/chat?bot=<name>")
        check_bot_name(bot)
        cid = check_conversation_id(conversation_id) if conversation_id else new_id()
        await gateway.access.admit_chat(secret, client_address(socket), bot, count_key=False)
        structlog.contextvars.bind_contextvars(bot=bot, conversation_id=cid)
        if conversation_id is None:
            welcome = await gateway.chat.welcome(bot, cid, {}, new_id())
            if welcome is not None:
                await _send(socket, gateway, welcome)
    except ParleyError as exc:
        gateway.metrics.errors.labels(exc.code).inc()
        await _send(socket, gateway, ErrorFrame(code=exc.code, message=str(exc)))
        raise _Closed(_close_code(exc)) from None
    return _Chat(bot=bot, conversation_id=cid, secret=secret)


def _close_code(exc: ParleyError) -> int:
    return next((code for kind, code in _CLOSE_CODES if isinstance(exc, kind)), CLOSE_BAD_REQUEST)


async def _converse(socket: WebSocket[Any, Any, Any], gateway: Gateway, chat: _Chat) -> None:
    settings = gateway.settings
    bucket = MessageBucket(settings.ws_messages_per_second, settings.ws_message_burst, time.monotonic())
    turn_seconds = gateway.metrics.turn_seconds.labels("websocket")
    while True:
        raw = await _receive(socket, settings.ws_idle_seconds)
        started = time.perf_counter()
        if bucket.take(time.monotonic()):
            frame = await _answer(gateway, chat, raw)
        else:
            frame = _refuse("rate_limited", "slow down: too many messages on this connection", gateway)
        await _send(socket, gateway, frame)
        if isinstance(frame, ChatReply):
            turn_seconds.observe(time.perf_counter() - started)


async def _receive(socket: WebSocket[Any, Any, Any], idle_seconds: float) -> str | bytes:
    try:
        async with asyncio.timeout(idle_seconds):
            event = await socket.receive()
    except TimeoutError:
        raise _Closed(CLOSE_IDLE) from None
    if event["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(detail="client closed", code=event.get("code", 1000))
    return event.get("text") or event.get("bytes") or b""


async def _answer(gateway: Gateway, chat: _Chat, raw: str | bytes) -> msgspec.Struct:
    try:
        frame = parse_frame(raw, max_bytes=gateway.settings.max_frame_bytes)
        if isinstance(frame, Ping):
            return PongFrame()
        await gateway.access.admit_message(chat.secret, chat.bot)
        request = ChatRequest(
            bot=chat.bot,
            text=frame.text,
            conversation_id=chat.conversation_id,
            context=frame.context,
            channel="websocket",
            correlation_id=new_id(),
        )
        structlog.contextvars.bind_contextvars(correlation_id=request.correlation_id)
        return await gateway.chat.turn(request)
    except FrameError as exc:
        return _refuse(exc.code, exc.message, gateway)
    except RateLimitedError as exc:
        return _refuse(exc.code, f"{exc}; try again in {exc.retry_after} s", gateway)
    except ParleyError as exc:
        return _refuse(exc.code, str(exc), gateway)
    except Exception:  # the public edge: log it, answer plainly, keep the socket usable
        log.exception("websocket.turn_failed")
        return _refuse("internal_error", "something went wrong; please try again", gateway)


def _refuse(code: str, message: str, gateway: Gateway) -> ErrorFrame:
    gateway.metrics.errors.labels(code).inc()
    return ErrorFrame(code=code, message=message)


async def _close(socket: WebSocket[Any, Any, Any], code: int) -> None:
    """Close, unless the client is gone or too stuck to take even that."""
    with contextlib.suppress(WebSocketDisconnect, OSError, RuntimeError, TimeoutError):
        async with asyncio.timeout(1):
            await socket.close(code=code)


async def _send(socket: WebSocket[Any, Any, Any], gateway: Gateway, frame: msgspec.Struct) -> None:
    try:
        async with asyncio.timeout(gateway.settings.ws_send_timeout_seconds):
            await socket.send_text(_encoder.encode(frame).decode())
    except TimeoutError:
        raise _Closed(CLOSE_NOT_READING) from None

"""`GET /ws/chat?bot=…&conversation_id=…&key=…`: the chat websocket (DESIGN.md §5).

A new conversation gets an id and the bot's welcome; passing `conversation_id` resumes one (after
a reconnect). Each connection answers its user messages one at a time, in order, and its pings at
once, even while a turn runs, so a slow client only ever waits on itself. One number bounds a
connection's user messages: `GATEWAY_WS_MESSAGE_BURST` may be sent at once, and as many may be
unanswered (the one being answered and those waiting behind it); more get a `rate_limited` error
frame, as do frames beyond `GATEWAY_WS_MESSAGES_PER_SECOND` once the burst is spent. A client that
stops reading is dropped after a send timeout.
Opening counts against the client address's request limit; each user message counts against the
key's, as each REST chat request does (over it: a `rate_limited` error frame, the socket stays open).
Close codes: 4400 bad request, 4401 key needed, 4403 key not allowed, 4404 unknown bot, 4408 idle,
4429 too many connections from the address, 1008 not reading, 1013 try again later.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import msgspec
import structlog
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromQuery

from parley_gateway.deps import Gateway, GatewayDep
from parley_gateway.errors import ForbiddenError, RateLimitedError, UnauthorizedError
from parley_gateway.frames import ErrorFrame, FrameError, Ping, PongFrame, UserMessage
from parley_gateway.keys import bearer
from parley_gateway.names import check_bot_name, check_conversation_id
from parley_gateway.routes.guards import client_address
from parley_gateway.sockets import Backlog, ChatSocket, Closed
from parley_messages import ChatReply, ChatRequest, new_id
from parley_runtime.errors import InvalidInputError, NotFoundError, ParleyError, TransientError

log = structlog.get_logger(__name__)

CLOSE_TRY_LATER = 1013
_CLOSE_CODES: list[tuple[type[ParleyError], int]] = [
    (UnauthorizedError, 4401),
    (ForbiddenError, 4403),
    (NotFoundError, 4404),
    (RateLimitedError, 4429),
    (TransientError, CLOSE_TRY_LATER),
]
CLOSE_BAD_REQUEST = 4400


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
    connection = ChatSocket(socket, gateway.settings, gateway.metrics)
    try:
        chat = await _open(
            socket, connection, gateway, bot=bot, conversation_id=conversation_id, secret=secret
        )
        await _converse(connection, gateway, chat)
    except Closed as closed:
        await connection.close(closed.code)
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
    connection: ChatSocket,
    gateway: Gateway,
    *,
    bot: str | None,
    conversation_id: str | None,
    secret: str | None,
) -> _Chat:
    """Admit the connection and greet a new conversation."""
    try:
        _check_query(socket)
        if bot is None:
            raise InvalidInputError("the query parameter `bot` is required: /ws/chat?bot=<name>")
        check_bot_name(bot)
        cid = new_id() if conversation_id is None else check_conversation_id(conversation_id)
        await gateway.access.admit_chat(secret, client_address(socket), bot, count_key=False)
        structlog.contextvars.bind_contextvars(bot=bot, conversation_id=cid)
        if conversation_id is None:
            welcome = await gateway.chat.welcome(bot, cid, {}, new_id())
            if welcome is not None:
                await connection.send(welcome)
    except ParleyError as exc:
        gateway.metrics.errors.labels(exc.code).inc()
        await connection.send(ErrorFrame(code=exc.code, message=str(exc)))
        raise Closed(_close_code(exc)) from None
    return _Chat(bot=bot, conversation_id=cid, secret=secret)


_PARAMETERS = ("bot", "conversation_id", "key")


def _check_query(socket: WebSocket[Any, Any, Any]) -> None:
    """Each parameter at most once: of two `bot`s, Litestar would take one without a word."""
    for name in _PARAMETERS:
        if len(socket.query_params.getall(name, [])) > 1:
            raise InvalidInputError(f"the query parameter `{name}` is given more than once")


def _close_code(exc: ParleyError) -> int:
    return next((code for kind, code in _CLOSE_CODES if isinstance(exc, kind)), CLOSE_BAD_REQUEST)


async def _converse(connection: ChatSocket, gateway: Gateway, chat: _Chat) -> None:
    """Read frames and answer pings at once, while a second task answers user messages one at a
    time, in order. A turn may run up to the upstream deadline; the client's heartbeat gives up on
    a connection that does not answer its ping sooner than that, so a ping never waits for a turn.
    A client that leaves mid-turn does not cancel the turn: it ends as it would have, unanswered."""
    backlog = Backlog(gateway.settings.ws_message_burst)
    reading = asyncio.create_task(_read(connection, backlog))
    replying = asyncio.create_task(_reply(gateway, chat, connection, backlog))
    try:
        await asyncio.wait((reading, replying), return_when=asyncio.FIRST_COMPLETED)
        if replying.done():  # a reply could not be sent: the client is gone or not reading
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)
            replying.result()
        backlog.close()  # the client left or idled: finish the turn in progress only
        await asyncio.gather(replying, return_exceptions=True)
        reading.result()
    finally:
        reading.cancel()
        replying.cancel()


async def _read(connection: ChatSocket, backlog: Backlog) -> None:
    while True:
        raw = await connection.receive()
        received = time.perf_counter()
        try:
            frame = connection.decode(raw)
            if isinstance(frame, UserMessage) and backlog.full():
                raise FrameError(
                    "rate_limited", f"slow down: {backlog.size} messages are waiting for replies"
                )
        except FrameError as exc:
            await connection.send(connection.refusal(exc.code, exc.message))
            continue
        if isinstance(frame, Ping):
            await connection.send(PongFrame())
        else:
            backlog.add(frame, received)


async def _reply(gateway: Gateway, chat: _Chat, connection: ChatSocket, backlog: Backlog) -> None:
    turn_seconds = gateway.metrics.turn_seconds.labels("websocket")
    while (item := await backlog.next()) is not None:
        message, received = item
        frame = await _answer(gateway, chat, connection, message)
        await connection.send(frame)
        backlog.answered()
        if isinstance(frame, ChatReply):
            turn_seconds.observe(time.perf_counter() - received)


async def _answer(
    gateway: Gateway, chat: _Chat, connection: ChatSocket, message: UserMessage
) -> msgspec.Struct:
    try:
        await gateway.access.admit_message(chat.secret, chat.bot)
        request = ChatRequest(
            bot=chat.bot,
            text=message.text,
            conversation_id=chat.conversation_id,
            context=message.context,
            timezone=message.timezone,
            channel="websocket",
            correlation_id=new_id(),
        )
        structlog.contextvars.bind_contextvars(correlation_id=request.correlation_id)
        return await gateway.chat.turn(request)
    except RateLimitedError as exc:
        return connection.refusal(exc.code, f"{exc}; try again in {exc.retry_after} s")
    except ParleyError as exc:
        return connection.refusal(exc.code, str(exc))
    except Exception:  # the public edge: log it, answer plainly, keep the socket usable
        log.exception("websocket.turn_failed")
        return connection.refusal("internal_error", "something went wrong; please try again")

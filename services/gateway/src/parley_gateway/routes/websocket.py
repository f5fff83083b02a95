"""`GET /ws/chat?bot=…&conversation_id=…&key=…&start=true`: the chat websocket (DESIGN.md §5).

A new conversation gets an id and the bot's welcome; passing `conversation_id` resumes one (after
a reconnect). A client that opens with `start=true` sends a `start` frame first: the welcome waits
for it and is rendered with its context, which the conversation keeps (on a resumed conversation
the first message answered carries it instead), and its time zone holds for every user message of
the connection (a message's own wins). A user message in its place starts the connection as well,
and the welcome takes its context. Without the flag the welcome comes at once, with no context.
A `timezone` the tz database does not list is read as none (dates in UTC) and logged, not refused:
a browser says what its system says (Chromium's `Etc/Unknown`), which its user cannot change.

Each connection answers its user messages one at a time, in order, and its pings at once, even
while a turn runs, so a slow client only ever waits on itself. A user message may carry an `id`: its
answer (reply or refusal) says it as `reply_to`, and a copy of it sent again in the conversation (by
a client whose connection died before the answer came) gets the reply kept for it for 5 minutes,
not a second turn (replays.py). One number bounds a connection's
user messages: `GATEWAY_WS_MESSAGE_BURST` may be sent at once, and as many may be unanswered (the
one being answered and those waiting behind it); more get a `rate_limited` error frame naming
their id, as do user messages beyond `GATEWAY_WS_MESSAGES_PER_SECOND` once the burst is spent
(`start` and pings are not counted). A client that stops reading is dropped after a send timeout.
Opening counts against the client address's request limit; each user message counts against the
key's, as each REST chat request does (over it: a `rate_limited` error frame, the socket stays open).
A browser page may open it from the gateway's own origin or one `GATEWAY_CORS_ORIGINS` allows (as
REST's CORS reads it); a handshake without `Origin` (not a browser) is not checked. A refused
page is told the setting; the operator's log line (`websocket.origin_refused`) the entry to add.
Close codes: 4400 bad request, 4401 key needed, 4403 key or page origin not allowed, 4404 unknown
bot, 4408 idle, 4429 too many connections from the address, 1008 not reading, 1013 try again later.
A refusal's error frame says why, and so does its close frame's reason.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any, Literal

import msgspec
import structlog
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromQuery

from parley_gateway.deps import Gateway, GatewayDep
from parley_gateway.errors import ForbiddenError, RateLimitedError, UnauthorizedError
from parley_gateway.frames import (
    FrameError,
    Ping,
    PongFrame,
    Start,
    UserMessage,
    context_given,
    encode_answer,
    with_defaults,
)
from parley_gateway.keys import bearer
from parley_gateway.names import check_bot_name, check_chat_conversation_id
from parley_gateway.origin_entries import origin_problems
from parley_gateway.origins import origin_allowed
from parley_gateway.queries import check_given_once
from parley_gateway.replays import Answer
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
    *,
    bot: FromQuery[str | None] = None,
    conversation_id: FromQuery[str | None] = None,
    key: FromQuery[str | None] = None,
    start: FromQuery[str | None] = None,
) -> None:
    # Optional strings here only so that a missing `bot` or a bad `start` is answered like any other
    # bad request (an error frame and 4400), not by a refused handshake a browser cannot tell apart.
    await socket.accept()
    gateway.metrics.websockets.inc()
    query = _Query(bot=bot, conversation_id=conversation_id, secret=key, start=start)
    connection = ChatSocket(socket, gateway.settings, gateway.metrics)
    try:
        chat = await _open(socket, connection, gateway, query)
        opening = await _await_start(connection) if chat.announced_start else _Opening()
        if chat.new:
            await _greet(connection, gateway, chat, opening.welcome_context())
        await _converse(connection, gateway, chat, opening)
    except Closed as closed:
        await connection.close(closed)
    except WebSocketDisconnect:
        pass
    finally:
        gateway.metrics.websockets.dec()


class _Query(msgspec.Struct, frozen=True, kw_only=True):
    """The query parameters as given, unchecked."""

    bot: str | None
    conversation_id: str | None
    secret: str | None
    start: str | None


class _Chat(msgspec.Struct, frozen=True, kw_only=True):
    """What a connection was opened for: the bot, the conversation (`new` unless resumed), the key
    that opened it, and whether the client starts with a `start` frame."""

    bot: str
    conversation_id: str
    secret: str | None
    new: bool
    announced_start: bool


class _Opening(msgspec.Struct, frozen=True, kw_only=True):
    """How a client that announced a `start` frame began: with it, or with a user message instead
    (and when that was received). Neither, for a client that announced nothing."""

    start: Start | None = None
    first: tuple[UserMessage, float] | None = None

    def welcome_context(self) -> dict[str, Any]:
        if self.start is not None:
            return self.start.context
        return self.first[0].context if self.first is not None else {}

    def message_defaults(self, *, welcomed: bool) -> Start | None:
        """What the connection's user messages start from: the start frame's time zone, and its
        context until a turn takes it into the conversation's (the welcome, if there was one)."""
        return context_given(self.start) if welcomed else self.start


async def _open(
    socket: WebSocket[Any, Any, Any], connection: ChatSocket, gateway: Gateway, query: _Query
) -> _Chat:
    """Admit the connection."""
    secret = query.secret or bearer(socket.headers.get("authorization"))
    try:
        _check_origin(socket, gateway.settings.cors_origins)
        check_given_once(socket.query_params, _PARAMETERS)
        if query.bot is None:
            raise InvalidInputError("the query parameter `bot` is required: /ws/chat?bot=<name>")
        bot = check_bot_name(query.bot)
        resumed = query.conversation_id
        cid = new_id() if resumed is None else check_chat_conversation_id(resumed)
        announced = _announced_start(query.start)
        await gateway.access.admit_chat(secret, client_address(socket), bot, count_key=False)
    except ParleyError as exc:
        raise await _refused(connection, exc) from None
    structlog.contextvars.bind_contextvars(bot=bot, conversation_id=cid)
    return _Chat(bot=bot, conversation_id=cid, secret=secret, new=resumed is None, announced_start=announced)


async def _await_start(connection: ChatSocket) -> _Opening:
    """Read up to the client's `start` frame, or a user message in its place, answering pings and
    refusing bad frames meanwhile (the socket stays open, as it does later)."""
    while True:
        raw = await connection.receive()
        received = time.perf_counter()
        try:
            frame = connection.decode(raw)
        except FrameError as exc:
            await connection.send(encode_answer(connection.refusal(exc.code, exc.message), exc.reply_to))
            continue
        if isinstance(frame, Start):
            return _Opening(start=frame)
        if isinstance(frame, UserMessage):
            return _Opening(first=(frame, received))
        await connection.send(PongFrame())


async def _greet(connection: ChatSocket, gateway: Gateway, chat: _Chat, context: dict[str, Any]) -> None:
    """Send a new conversation's welcome, rendered with `context`."""
    try:
        welcome = await gateway.chat.welcome(
            chat.bot, chat.conversation_id, context, new_id(), channel="websocket"
        )
    except ParleyError as exc:
        raise await _refused(connection, exc) from None
    if welcome is not None:
        await connection.send(welcome)


async def _refused(connection: ChatSocket, exc: ParleyError) -> Closed:
    """Say why the connection ends; raise the `Closed` returned to close it with the matching code."""
    await connection.send(connection.refusal(exc.code, str(exc)))
    return Closed(_close_code(exc), str(exc))


_PARAMETERS = ("bot", "conversation_id", "key", "start")
"""Each at most once (`check_given_once`): of two `bot`s, Litestar would take one without a word."""


def _check_origin(socket: WebSocket[Any, Any, Any], allowed: list[str]) -> None:
    """Refuse a page whose origin `GATEWAY_CORS_ORIGINS` does not allow (CORS, which guards REST,
    does not apply to websockets: a browser opens one from any page)."""
    origin = socket.headers.get("origin")
    if origin is None or origin_allowed(origin, socket.headers.get("host"), tuple(allowed)):
        return
    # The page's visitor is told which setting refuses it, never its entries nor how to add one:
    # only the operator can, so the operator's line says it.
    log.info("websocket.origin_refused", origin=origin[:100], allowed=allowed, hint=_entry_hint(origin))
    raise ForbiddenError(
        f"pages on {origin[:100]!r} may not open this chat: "
        "only the gateway's own pages and origins in GATEWAY_CORS_ORIGINS may"
    )


def _entry_hint(origin: str) -> str:
    """How the operator would let pages of `origin` open the chat: the entry to add, when a browser
    could have sent it (a client that is not a browser may send any text)."""
    if origin == "null":
        return "a sandboxed frame or a local file: a 'null' entry would let every such page in"
    if len(origin) > 100 or "*" in origin or origin_problems([origin]):
        return "entries of GATEWAY_CORS_ORIGINS are scheme://host[:port], as a browser sends an origin"
    return f"to allow it, add {origin!r} to GATEWAY_CORS_ORIGINS (entries are scheme://host[:port])"


def _announced_start(start: str | None) -> bool:
    if start in {None, "false"}:
        return False
    if start == "true":
        return True
    raise InvalidInputError(f"the query parameter `start` is `true` or `false`, not {start!r}")


def _close_code(exc: ParleyError) -> int:
    return next((code for kind, code in _CLOSE_CODES if isinstance(exc, kind)), CLOSE_BAD_REQUEST)


async def _converse(connection: ChatSocket, gateway: Gateway, chat: _Chat, opening: _Opening) -> None:
    """Read frames and answer pings at once, while a second task answers user messages one at a
    time, in order. A turn may run up to the upstream deadline; the client's heartbeat gives up on
    a connection that does not answer its ping sooner than that, so a ping never waits for a turn.
    A client that leaves mid-turn does not cancel the turn: it ends as it would have, unanswered."""
    backlog = Backlog(gateway.settings.ws_message_burst)
    if opening.first is not None:
        backlog.add(*opening.first)
    reading = asyncio.create_task(_read(connection, backlog))
    defaults = opening.message_defaults(welcomed=chat.new)
    replying = asyncio.create_task(_reply(gateway, chat, connection, backlog, defaults))
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
    """Answer pings, refuse bad frames and queue user messages."""
    while True:
        raw = await connection.receive()
        received = time.perf_counter()
        try:
            frame = connection.decode(raw)
            if isinstance(frame, Start):
                raise FrameError("unexpected_frame", _START_ONCE)
            if isinstance(frame, UserMessage) and backlog.full():
                raise FrameError(
                    "rate_limited",
                    f"slow down: {backlog.size} messages are waiting for replies",
                    reply_to=frame.id,
                )
        except FrameError as exc:
            await connection.send(encode_answer(connection.refusal(exc.code, exc.message), exc.reply_to))
            continue
        if isinstance(frame, Ping):
            await connection.send(PongFrame())
        else:
            backlog.add(frame, received)


_START_ONCE = "a `start` frame comes once, first, on a connection opened with start=true"


async def _reply(
    gateway: Gateway, chat: _Chat, connection: ChatSocket, backlog: Backlog, defaults: Start | None
) -> None:
    """Answer the queued user messages in order, each over the connection's `defaults`."""
    turn_seconds = gateway.metrics.turn_seconds.labels("websocket")
    while (item := await backlog.next()) is not None:
        message, received = item
        text, outcome = await _answer_once(gateway, chat, connection, with_defaults(message, defaults))
        await connection.send(text)
        backlog.answered()
        if outcome == "reply":
            turn_seconds.observe(time.perf_counter() - received)
        if outcome != "refusal":  # the turn that replied gave the conversation the context
            defaults = context_given(defaults)


async def _answer_once(
    gateway: Gateway, chat: _Chat, connection: ChatSocket, message: UserMessage
) -> tuple[str, Literal["reply", "replay", "refusal"]]:
    """The frame answering `message`, as JSON text naming its id (`reply_to`), and what it is: a
    turn's reply, the reply kept for an earlier copy of the message (replays.py), or a refusal."""
    replied: list[bool] = []

    async def turn() -> Answer:
        frame = await _answer(gateway, chat, connection, message)
        replied.append(isinstance(frame, ChatReply))
        return encode_answer(frame, message.id), replied[0]

    if message.id is None:
        text, _ = await turn()
        return text, "reply" if replied[0] else "refusal"
    try:
        answered = await gateway.replays.once(_replay_key(chat, message), turn)
    except ParleyError as exc:
        return encode_answer(connection.refusal(exc.code, str(exc)), message.id), "refusal"
    if answered is None:
        refusal = connection.refusal("timeout", _STILL_ANSWERED)
        return encode_answer(refusal, message.id), "refusal"
    if answered.replayed:
        return answered.text, "replay"
    return answered.text, "reply" if replied[0] else "refusal"


_STILL_ANSWERED = "this message is still being answered on an earlier connection; send it again later"


def _replay_key(chat: _Chat, message: UserMessage) -> str:
    """Where the reply to `message` is kept: by its id and its text, so that an id a client uses
    again for another text is a new message, never answered with the first one's reply."""
    text = hashlib.sha256(message.text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{chat.bot}:{chat.conversation_id}:{message.id}:{text}"


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

"""`POST /api/v1/bots/{bot}/chat`: one turn over REST, answering the same body as a `bot_message` frame."""

from __future__ import annotations

import time
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, post
from litestar.exceptions import HTTPException
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE

from parley_gateway.correlation import current_correlation_id
from parley_gateway.deps import GatewayDep
from parley_gateway.frames import FrameError, check_context, check_text, limited_to
from parley_gateway.names import CHOSEN_ID_MIN_LENGTH, BotPath, check_chat_conversation_id
from parley_gateway.routes.guards import chat_guard
from parley_gateway.routes.openapi import CHAT_ERRORS, errors
from parley_messages import MAX_TEXT_CHARS, ChatReply, ChatRequest, TimeZoneName
from parley_messages.turn import MAX_CONTEXT_BYTES
from parley_runtime.errors import InvalidInputError
from parley_runtime.timezones import check_timezone
from parley_runtime.web import ErrorBody, error_response

_CONVERSATION_ID = (
    "The conversation to continue: the `conversation_id` of its last answer. Leave it out to start a "
    "new one, whose id the server assigns; an id you choose yourself starts one too, and must be "
    f"{CHOSEN_ID_MIN_LENGTH} to 64 letters, digits, '-' or '_', as hard to guess as the server's: "
    "whoever sends a conversation's id continues it and is answered its slots."
)

_CONTEXT = (
    "Values the bot's replies and webhooks read as `context` (`{{ context.username }}`); the "
    f"conversation keeps each key given until a message gives it again. At most {MAX_CONTEXT_BYTES:,} "
    "bytes encoded."
)
_TIMEZONE = (
    'The user\'s IANA time zone ("Europe/Paris"): dates such as "tomorrow" are read as theirs. '
    "Without one, the bot's `settings.timezone`, else UTC."
)


class ChatBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(description=f"What the user said: 1 to {MAX_TEXT_CHARS:,} characters")]
    conversation_id: Annotated[str | None, msgspec.Meta(description=_CONVERSATION_ID)] = None
    context: Annotated[dict[str, Any], msgspec.Meta(description=_CONTEXT)] = {}
    timezone: Annotated[TimeZoneName | None, msgspec.Meta(description=_TIMEZONE)] = None


async def chat(bot: BotPath, data: JSONBody[ChatBody], gateway: GatewayDep) -> ChatReply:
    """Send a user message to `bot`; omit `conversation_id` to start a new conversation, and send the
    answer's `conversation_id` with the next message to continue it.

    Public bots need no key; a bot whose setting `chat_access` is `key` needs a chat (or admin) key.
    """
    started = time.perf_counter()
    if data.conversation_id is not None:
        check_chat_conversation_id(data.conversation_id)
    check_timezone(data.timezone)
    try:
        check_text(data.text)
    except FrameError as exc:
        raise InvalidInputError(exc.message, details={"field": "text"}) from None
    try:
        check_context(data.context)
    except FrameError as exc:
        raise InvalidInputError(exc.message, details={"field": "context"}) from None
    request = ChatRequest(
        bot=bot,
        text=data.text,
        conversation_id=data.conversation_id,
        context=data.context,
        timezone=data.timezone,
        channel="rest",
        correlation_id=current_correlation_id(),
    )
    reply = await gateway.chat.turn(request)
    gateway.metrics.turn_seconds.labels("rest").observe(time.perf_counter() - started)
    return reply


def chat_route(max_body_bytes: int) -> HTTPRouteHandler:
    """The REST chat route, its request body bounded like a websocket frame, and refused as one is:
    saying the limit in bytes and how escapes count."""

    def too_large(_: Request[Any, Any, Any], exc: HTTPException) -> Response[ErrorBody]:
        message = f"a chat request body is {limited_to(max_body_bytes)}"
        return error_response(exc.status_code, "too_large", message, {"max_bytes": max_body_bytes})

    return post(
        "/api/v1/bots/{bot:str}/chat",
        status_code=200,
        tags=["chat"],
        guards=[chat_guard],
        request_max_body_size=max_body_bytes,
        exception_handlers={HTTP_413_REQUEST_ENTITY_TOO_LARGE: too_large},
        responses=errors(*CHAT_ERRORS),
        security=[{}, {"bearer": []}],
    )(chat)

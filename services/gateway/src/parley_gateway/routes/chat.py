"""`POST /api/v1/bots/{bot}/chat`: one turn over REST, answering the same body as a `bot_message` frame."""

from __future__ import annotations

import time
from typing import Any

import msgspec
from litestar import post
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody

from parley_gateway.correlation import current_correlation_id
from parley_gateway.deps import GatewayDep
from parley_gateway.frames import FrameError, check_text
from parley_gateway.names import BotPath, check_conversation_id
from parley_gateway.routes.guards import chat_guard
from parley_gateway.routes.openapi import CHAT_ERRORS, errors
from parley_messages import ChatReply, ChatRequest, TimeZoneName
from parley_runtime.errors import InvalidInputError
from parley_runtime.timezones import check_timezone


class ChatBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: str
    conversation_id: str | None = None
    context: dict[str, Any] = {}
    timezone: TimeZoneName | None = None
    """The user's IANA time zone ("Europe/Paris"): dates such as "tomorrow" are read as theirs."""


async def chat(bot: BotPath, data: JSONBody[ChatBody], gateway: GatewayDep) -> ChatReply:
    """Send a user message to `bot`; omit `conversation_id` to start a new conversation.

    Public bots need no key; a bot whose setting `chat_access` is `key` needs a chat (or admin) key.
    """
    started = time.perf_counter()
    if data.conversation_id is not None:
        check_conversation_id(data.conversation_id)
    check_timezone(data.timezone)
    try:
        check_text(data.text)
    except FrameError as exc:
        raise InvalidInputError(exc.message, details={"field": "text"}) from None
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
    """The REST chat route, its request body bounded like a websocket frame."""
    return post(
        "/api/v1/bots/{bot:str}/chat",
        status_code=200,
        tags=["chat"],
        guards=[chat_guard],
        request_max_body_size=max_body_bytes,
        responses=errors(*CHAT_ERRORS),
        security=[{}, {"bearer": []}],
    )(chat)

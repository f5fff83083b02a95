"""`POST /api/v1/bots/{bot}/chat`: one turn over REST, answering the same body as a `bot_message` frame."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import post
from litestar.params import FromPath, JSONBody

from parley_gateway.deps import GatewayDep
from parley_gateway.frames import FrameError, check_text
from parley_gateway.names import check_bot_name, check_conversation_id
from parley_messages import ChatReply, ChatRequest
from parley_runtime.errors import InvalidInputError


class ChatBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    text: str
    conversation_id: str | None = None
    context: dict[str, Any] = {}


@post("/api/v1/bots/{bot:str}/chat", status_code=200, tags=["chat"])
async def chat(bot: FromPath[str], data: JSONBody[ChatBody], gateway: GatewayDep) -> ChatReply:
    """Send a user message to `bot`; omit `conversation_id` to start a new conversation."""
    check_bot_name(bot)
    if data.conversation_id is not None:
        check_conversation_id(data.conversation_id)
    try:
        check_text(data.text)
    except FrameError as exc:
        raise InvalidInputError(exc.message, details={"field": "text"}) from None
    request = ChatRequest(
        bot=bot, text=data.text, conversation_id=data.conversation_id, context=data.context, channel="rest"
    )
    return await gateway.chat.turn(request)

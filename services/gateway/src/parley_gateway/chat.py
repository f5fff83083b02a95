"""One chat turn as the gateway runs it, for both the websocket and REST: answer, then publish."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import structlog

from parley_gateway.metrics import GatewayMetrics
from parley_gateway.outbox import BackgroundPublisher
from parley_gateway.ports import Conversations
from parley_messages import ChatReply, ChatRequest, TurnCompleted, WelcomeRequest, new_id
from parley_runtime.errors import TransientError

log = structlog.get_logger(__name__)

FALLBACK_INTENT = "fallback"


class ChatTurns:
    def __init__(
        self,
        conversations: Conversations,
        *,
        publisher: BackgroundPublisher,
        metrics: GatewayMetrics,
        timeout_seconds: float,
    ) -> None:
        self._timeout = timeout_seconds
        self._conversations = conversations
        self._publisher = publisher
        self._metrics = metrics

    async def turn(self, request: ChatRequest) -> ChatReply:
        """Answer one user message and publish `TurnCompleted` for the workers."""
        started = time.perf_counter()
        correlation_id = new_id()
        structlog.contextvars.bind_contextvars(correlation_id=correlation_id, bot=request.bot)
        try:
            async with asyncio.timeout(self._timeout):
                reply = await self._conversations.turn(request)
        except TimeoutError:
            raise TransientError("the bot took too long to answer; please try again") from None
        elapsed = time.perf_counter() - started
        self._metrics.turn_seconds.labels(request.channel).observe(elapsed)
        self._publisher.submit(turn_completed(request, reply, elapsed * 1000, correlation_id))
        log.info(
            "turn.answered",
            conversation_id=reply.conversation_id,
            intent=reply.intent.name if reply.intent else None,
            latency_ms=round(elapsed * 1000, 2),
        )
        return reply

    async def welcome(self, bot: str, conversation_id: str, context: dict[str, Any]) -> ChatReply | None:
        request = WelcomeRequest(bot=bot, conversation_id=conversation_id, context=context)
        return await self._conversations.welcome(request)


def turn_completed(
    request: ChatRequest, reply: ChatReply, latency_ms: float, correlation_id: str
) -> TurnCompleted:
    intent = reply.intent
    return TurnCompleted(
        bot=request.bot,
        conversation_id=reply.conversation_id,
        channel=request.channel,
        user_text=request.text,
        replies=[m.text for m in reply.messages],
        intent=intent.name if intent else None,
        confidence=intent.confidence if intent else None,
        entities=[
            {"entity": e.entity, "value": e.value, "start": e.start, "end": e.end} for e in reply.entities
        ],
        slots=reply.slots,
        complete=reply.complete,
        fallback=intent is None or intent.name == FALLBACK_INTENT,
        latency_ms=latency_ms,
        correlation_id=correlation_id,
    )

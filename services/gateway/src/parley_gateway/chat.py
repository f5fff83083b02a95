"""One chat turn as the gateway runs it, for both the websocket and REST: answer, then publish."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

import msgspec
import structlog

from parley_gateway.errors import UpstreamTimeoutError
from parley_gateway.metrics import GatewayMetrics
from parley_gateway.outbox import BackgroundPublisher
from parley_gateway.ports import Conversations
from parley_messages import ChatReply, ChatRequest, TurnCompleted, WelcomeRequest
from parley_runtime.errors import DeadlineExceededError, TransientError

log = structlog.get_logger(__name__)

T = TypeVar("T")
_TOO_LONG = "the bot took too long to answer; please try again"


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
        self._timeout_ms = max(1, round(timeout_seconds * 1000))
        self._conversations = conversations
        self._publisher = publisher
        self._upstream_turn = metrics.upstream_seconds.labels("dialogue", "turn")

    async def turn(self, request: ChatRequest) -> ChatReply:
        """Answer one user message and publish `TurnCompleted` for the workers. The dialogue hears how
        long the gateway waits, and gives up a turn before then with nothing changed."""
        started = time.perf_counter()
        bounded = msgspec.structs.replace(request, timeout_ms=self._timeout_ms)
        reply = await within_timeout(self._conversations.turn(bounded), self._timeout, "dialogue")
        elapsed = time.perf_counter() - started
        self._upstream_turn.observe(elapsed)
        self._publisher.submit(turn_completed(request, reply, elapsed * 1000))
        log.info(
            "turn.answered",
            conversation_id=reply.conversation_id,
            intent=reply.intent.name if reply.intent else None,
            latency_ms=round(elapsed * 1000, 2),
        )
        return reply

    async def welcome(
        self, bot: str, conversation_id: str, context: dict[str, Any], correlation_id: str, *, channel: str
    ) -> ChatReply | None:
        """A new conversation's welcome (None when the bot has none), published as a turn without user
        text (`TurnCompleted.welcome`): the transcript shows the greeting, and a visitor who leaves
        after it is a conversation."""
        started = time.perf_counter()
        request = WelcomeRequest(
            bot=bot, conversation_id=conversation_id, context=context, timeout_ms=self._timeout_ms
        )
        with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
            reply = await within_timeout(self._conversations.welcome(request), self._timeout, "dialogue")
        if reply is not None:
            latency_ms = (time.perf_counter() - started) * 1000
            event = welcome_completed(
                request, reply, latency_ms, channel=channel, correlation_id=correlation_id
            )
            self._publisher.submit(event)
        return reply

    async def forget(self, bot: str, conversation_id: str) -> None:
        """Have the dialogue delete the conversation's state (an erasure), after a turn it runs."""
        await within_timeout(
            self._conversations.forget_conversation(bot, conversation_id), self._timeout, "dialogue"
        )


async def within_timeout(call: Awaitable[T], seconds: float, upstream: str) -> T:
    """The upstream answer, or an error fit to show a user (the cause goes to the log)."""
    try:
        async with asyncio.timeout(seconds):
            return await call
    except TimeoutError:
        log.warning("upstream.timeout", upstream=upstream, timeout_s=seconds)
        raise UpstreamTimeoutError(_TOO_LONG) from None
    except DeadlineExceededError as exc:
        log.warning("upstream.deadline", upstream=upstream, timeout_s=seconds, error=str(exc))
        raise UpstreamTimeoutError(_TOO_LONG) from exc
    except TransientError as exc:
        log.warning("upstream.unavailable", upstream=upstream, error=str(exc))
        raise TransientError("the bot is unavailable right now; please try again in a moment") from exc


def turn_completed(request: ChatRequest, reply: ChatReply, latency_ms: float) -> TurnCompleted:
    return _completed(
        reply,
        bot=request.bot,
        channel=request.channel,
        user_text=request.text,
        latency_ms=latency_ms,
        correlation_id=request.correlation_id,
    )


def welcome_completed(
    request: WelcomeRequest, reply: ChatReply, latency_ms: float, *, channel: str, correlation_id: str
) -> TurnCompleted:
    return _completed(
        reply,
        bot=request.bot,
        channel=channel,
        user_text="",
        latency_ms=latency_ms,
        correlation_id=correlation_id,
        welcome=True,
    )


def _completed(
    reply: ChatReply,
    *,
    bot: str,
    channel: str,
    user_text: str,
    latency_ms: float,
    correlation_id: str | None,
    welcome: bool = False,
) -> TurnCompleted:
    intent = reply.intent
    return TurnCompleted(
        bot=bot,
        conversation_id=reply.conversation_id,
        channel=channel,
        user_text=user_text,
        replies=[m.text for m in reply.messages],
        intent=intent.name if intent else None,
        confidence=intent.confidence if intent else None,
        intent_source=reply.intent_source,
        entities=[
            {"entity": e.entity, "value": e.value, "start": e.start, "end": e.end} for e in reply.entities
        ],
        slots=reply.slots,
        complete=reply.complete,
        fallback=reply.fallback,
        latency_ms=latency_ms,
        correlation_id=correlation_id,
        welcome=welcome,
    )

"""Queue handlers of the logger worker."""

from __future__ import annotations

import structlog

from parley_logger.store import TranscriptStore
from parley_messages import AnyMessage, BotDeleted, TurnCompleted

log = structlog.get_logger(__name__)


async def handle(message: AnyMessage, *, store: TranscriptStore) -> None:
    """Store `TurnCompleted` events as transcript turns and purge the transcripts of a deleted bot;
    ignore other messages on the queue."""
    if isinstance(message, TurnCompleted):
        outcome = await store.append(message)
        log.debug(f"turn.{outcome}", conversation_id=message.conversation_id)
    elif isinstance(message, BotDeleted):
        purged = await store.purge(message.bot, message.occurred_at)
        log.info(
            "bot.purged",
            bot=message.bot,
            through=message.occurred_at.isoformat(),
            turns=purged.turns,
            conversations=purged.conversations,
        )
    else:
        log.warning("logger.unexpected_message", type=type(message).__name__)

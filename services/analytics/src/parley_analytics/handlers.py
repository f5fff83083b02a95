"""Queue handlers of the analytics worker."""

from __future__ import annotations

import structlog

from parley_analytics.store import AnalyticsStore
from parley_messages import AnyMessage, BotDeleted, ModelPublished, TurnCompleted

log = structlog.get_logger(__name__)


async def handle(message: AnyMessage, *, store: AnalyticsStore) -> None:
    """Count turns and published models into the daily aggregates, once per event; drop a deleted
    bot's aggregates."""
    if isinstance(message, TurnCompleted):
        outcome = await store.count_turn(message)
    elif isinstance(message, ModelPublished):
        outcome = await store.count_model(message)
    elif isinstance(message, BotDeleted):
        dropped = await store.purge(message.bot, message.occurred_at)
        log.info("bot.purged", bot=message.bot, through=message.occurred_at.isoformat(), buckets=dropped)
        return
    else:
        log.warning("analytics.unexpected_message", type=type(message).__name__)
        return
    log.debug(f"analytics.{outcome}", type=type(message).__name__)

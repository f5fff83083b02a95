"""Queue handlers of the analytics worker."""

from __future__ import annotations

import structlog

from parley_analytics.store import AnalyticsStore
from parley_messages import AnyMessage, ModelPublished, TurnCompleted

log = structlog.get_logger(__name__)


async def handle(message: AnyMessage, *, store: AnalyticsStore) -> None:
    """Count turns and published models into the daily aggregates, once per event."""
    if isinstance(message, TurnCompleted):
        counted = await store.count_turn(message)
    elif isinstance(message, ModelPublished):
        counted = await store.count_model(message)
    else:
        log.warning("analytics.unexpected_message", type=type(message).__name__)
        return
    log.debug("analytics.counted" if counted else "analytics.duplicate", type=type(message).__name__)

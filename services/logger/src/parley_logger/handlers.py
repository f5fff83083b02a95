"""Queue handlers of the logger worker."""

from __future__ import annotations

import structlog

from parley_logger.store import TranscriptStore
from parley_messages import AnyMessage, TurnCompleted

log = structlog.get_logger(__name__)


async def handle(message: AnyMessage, *, store: TranscriptStore) -> None:
    """Store `TurnCompleted` events as transcript turns; ignore other messages on the queue."""
    if not isinstance(message, TurnCompleted):
        log.warning("logger.unexpected_message", type=type(message).__name__)
        return
    stored = await store.append(message)
    log.debug("turn.stored" if stored else "turn.duplicate", conversation_id=message.conversation_id)

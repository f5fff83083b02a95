"""The logger and analytics workers as their bootstraps compose them, plus a fault: a poison message.

The only difference from `parley_logger.bootstrap` / `parley_analytics.bootstrap` is the handler
wrapper that crashes on one message id, standing in for a bug that no retry can get past.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from parley_analytics.handlers import handle as count
from parley_analytics.store import MongoAnalyticsStore
from parley_logger.handlers import handle as log_turn
from parley_logger.store import MongoTranscriptStore
from parley_messages import LOGGER_QUEUE, AnyMessage
from parley_runtime.bus.ports import Bus
from parley_runtime.worker import Handler, Worker
from parley_runtime.worker_settings import WorkerSettings


def poisoned(handler: Handler, poison_id: str) -> Handler:
    async def handle(message: AnyMessage) -> None:
        if message.message_id == poison_id:
            raise RuntimeError("poison: this message crashes its handler every time")
        await handler(message)

    return handle


async def build_worker(queue: str, *, db: Any, bus: Bus, settings: WorkerSettings, poison_id: str) -> Worker:
    if queue == LOGGER_QUEUE:
        transcripts = MongoTranscriptStore(db)
        await transcripts.ensure_indexes()
        handler: Handler = partial(log_turn, store=transcripts)
    else:
        analytics = MongoAnalyticsStore(db)
        await analytics.ensure_indexes()
        handler = partial(count, store=analytics)
    return Worker.configured(bus, queue, poisoned(handler, poison_id), settings, name=queue)

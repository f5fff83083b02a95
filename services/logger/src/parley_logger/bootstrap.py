"""Composition root of the logger worker."""

from __future__ import annotations

from functools import partial

from parley_logger.handlers import handle
from parley_logger.store import MongoTranscriptStore
from parley_messages import LOGGER_QUEUE
from parley_runtime.infra import Infra
from parley_runtime.worker import Worker
from parley_runtime.worker_settings import WorkerSettings


async def build_logger_worker(infra: Infra, settings: WorkerSettings | None = None) -> Worker:
    store = MongoTranscriptStore(infra.db)
    await store.ensure_indexes()
    handler = partial(handle, store=store)
    return Worker.configured(infra.bus, LOGGER_QUEUE, handler, settings or WorkerSettings(), name="logger")

"""Composition root of the analytics worker."""

from __future__ import annotations

from functools import partial

from parley_analytics.handlers import handle
from parley_analytics.store import MongoAnalyticsStore
from parley_messages import ANALYTICS_QUEUE
from parley_runtime.infra import Infra
from parley_runtime.worker import Worker
from parley_runtime.worker_settings import WorkerSettings


async def build_analytics_worker(infra: Infra, settings: WorkerSettings | None = None) -> Worker:
    store = MongoAnalyticsStore(infra.db)
    await store.ensure_indexes()
    handler = partial(handle, store=store)
    return Worker.configured(
        infra.bus, ANALYTICS_QUEUE, handler, settings or WorkerSettings(), name="analytics"
    )

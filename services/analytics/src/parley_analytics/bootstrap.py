"""Composition root of the analytics worker."""

from __future__ import annotations

from functools import partial

from parley_analytics.handlers import handle
from parley_analytics.store import MongoAnalyticsStore
from parley_messages import ANALYTICS_QUEUE
from parley_runtime.infra import Infra
from parley_runtime.worker import Worker


async def build_analytics_worker(infra: Infra) -> Worker:
    store = MongoAnalyticsStore(infra.db)
    await store.ensure_indexes()
    return Worker(infra.bus, ANALYTICS_QUEUE, partial(handle, store=store), name="analytics")

from typing import Any

import pytest

from parley_analytics.store import MongoAnalyticsStore
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import connect_mongo


@pytest.fixture
async def analytics() -> tuple[MongoAnalyticsStore, Any]:
    """A store with its indexes, and its database (a fresh in-memory one per test unless
    MONGODB_URL is set), for tests that read the documents it writes."""
    db = connect_mongo(InfraSettings())
    store = MongoAnalyticsStore(db)
    await store.ensure_indexes()
    return store, db

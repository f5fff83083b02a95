"""One fixture per port, parametrised over its adapters; real ones get a private namespace, cleaned up."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import aioboto3
import pytest
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis
from tests import localstack

from parley_messages import QUEUES
from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.blobs.ports import BlobStore
from parley_runtime.blobs.s3 import S3BlobStore
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.bus.ports import Bus
from parley_runtime.bus.sqs import SqsBus
from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import close_mongo, connect_mongo
from parley_runtime.redis import connect_redis

VISIBILITY_TIMEOUT = 1
"""Seconds; short so that the redelivery test is quick (test_bus.py relies on this value)."""
MAX_RECEIVES = 5
"""As in production (localstack/init, helm): the sixth receive dead-letters a message."""

Record = Callable[[str, str], None]
FindBackend = Callable[..., Any]
"""The `real_backend` fixture of tests/conftest.py."""


# --- bus ---------------------------------------------------------------------------------------------


@pytest.fixture
def sqs_queues(real_backend: FindBackend, init_script: ModuleType) -> Iterator[tuple[str, str]]:
    """(endpoint, prefix): every queue and its DLQ under a fresh prefix, as `parley_init` creates them."""
    backend = real_backend("localstack_server", "bus", "sqs", required=True)
    prefix = f"t{uuid.uuid4().hex[:12]}-"
    sqs = localstack.sqs_client(backend.url)
    try:
        init_script.ensure_queues(sqs, prefix, QUEUES, VISIBILITY_TIMEOUT)
        yield backend.url, prefix
    finally:
        init_script.delete_queues(sqs, prefix, QUEUES)
        sqs.close()


@pytest.fixture(params=["memory", pytest.param("sqs", marks=pytest.mark.integration)])
async def bus(request: pytest.FixtureRequest, record_backend: Record) -> AsyncIterator[Bus]:
    if request.param == "memory":
        record_backend("bus", "MemoryBus (in-process)")
        yield MemoryBus(max_receives=MAX_RECEIVES, visibility_timeout=VISIBILITY_TIMEOUT)
        return
    endpoint, prefix = request.getfixturevalue("sqs_queues")
    session = aioboto3.Session(region_name="us-east-1", **localstack.credentials())
    async with SqsBus(endpoint_url=endpoint, queue_prefix=prefix, session=session) as sqs_bus:
        yield sqs_bus


# --- blobs -------------------------------------------------------------------------------------------


@pytest.fixture
def s3_bucket(real_backend: FindBackend) -> Iterator[tuple[str, str]]:
    """(endpoint, bucket): a fresh bucket, emptied and removed afterwards."""
    backend = real_backend("localstack_server", "blobs", "s3", required=True)
    with localstack.fresh_bucket("parley-test", backend.url) as bucket:
        yield backend.url, bucket


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.integration)])
async def blobs(
    request: pytest.FixtureRequest, record_backend: Record, tmp_path: Path
) -> AsyncIterator[BlobStore]:
    if request.param == "local":
        record_backend("blobs", "LocalBlobStore (temporary directory)")
        yield LocalBlobStore(tmp_path / "blobs")
        return
    endpoint, bucket = request.getfixturevalue("s3_bucket")
    session = aioboto3.Session(region_name="us-east-1", **localstack.credentials())
    # A small page size makes every listing test exercise pagination.
    async with S3BlobStore(bucket, endpoint_url=endpoint, session=session, page_size=2) as store:
        yield store


# --- redis -------------------------------------------------------------------------------------------


@pytest.fixture(params=["fakeredis", pytest.param("redis", marks=pytest.mark.integration)])
async def redis(
    request: pytest.FixtureRequest, record_backend: Record, real_backend: FindBackend
) -> AsyncIterator[Redis]:
    if request.param == "fakeredis":
        record_backend("redis", "fakeredis (in-process)")
        client = connect_redis(InfraSettings())
    else:
        backend = real_backend("redis_server", "redis", "redis-server", required=True)
        client = connect_redis(InfraSettings(redis_url=backend.url))
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def key_prefix(redis: Redis) -> AsyncIterator[str]:
    """A namespace for this test's keys and channels; its keys are deleted afterwards."""
    prefix = f"test:{uuid.uuid4().hex}:"
    yield prefix
    keys = [key async for key in redis.scan_iter(match=f"{prefix}*")]
    if keys:
        await redis.delete(*keys)


# --- mongo -------------------------------------------------------------------------------------------


@pytest.fixture(params=["emulation", pytest.param("mongodb", marks=pytest.mark.integration)])
async def mongo(
    request: pytest.FixtureRequest, record_backend: Record, real_backend: FindBackend
) -> AsyncIterator[AsyncDatabase[Any]]:
    database = f"parley_test_{uuid.uuid4().hex[:12]}"
    if request.param == "emulation":
        record_backend("mongo", "pymongo_async_mock emulation (in-process)")
        settings = InfraSettings(mongodb_database=database)
    else:
        backend = real_backend("mongodb_server", "mongo", "mongodb", required=False)
        settings = InfraSettings(mongodb_url=backend.url, mongodb_database=database)
    db = connect_mongo(settings)
    try:
        yield db
    finally:
        await db.client.drop_database(database)
        await close_mongo(db)

"""Shared infrastructure: its settings and the connected clients and adapters they select.

Unset URLs select the in-process adapters (embedded mode); `connect_infra` is what a composition
root (`bootstrap.py`) calls once at start, and `Infra.aclose` what it calls at shutdown.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from parley_runtime.blobs.local import LocalBlobStore
from parley_runtime.blobs.ports import BlobStore
from parley_runtime.blobs.s3 import S3BlobStore
from parley_runtime.bus.memory import MemoryBus
from parley_runtime.bus.ports import Bus, QueueAdmin
from parley_runtime.bus.sqs import SqsBus
from parley_runtime.mongo import Document, close_mongo, connect_mongo, ping
from parley_runtime.mongo_persistence import MongoPersistence, connect_persistent_mongo
from parley_runtime.redis import connect_redis, ping_redis
from parley_runtime.settings import env

if TYPE_CHECKING:
    from parley_runtime.web import ReadinessCheck


class InfraSettings(msgspec.Struct, frozen=True, kw_only=True):
    mongodb_url: Annotated[str | None, env("MONGODB_URL")] = None
    """MongoDB connection string; unset means the in-process Mongo emulation."""
    mongodb_database: Annotated[str, env("MONGODB_DATABASE")] = "parley"
    """Database name inside MongoDB."""
    redis_url: Annotated[str | None, env("REDIS_URL")] = None
    """Redis URL (`redis://host:6379/0`); unset means in-process fakeredis (and conversation state
    kept in process memory by the dialogue service)."""
    redis_max_connections: Annotated[int, env("REDIS_MAX_CONNECTIONS"), msgspec.Meta(ge=1)] = 512
    """Connections one process keeps to Redis; past it, commands wait for a free one."""
    aws_endpoint_url: Annotated[str | None, env("AWS_ENDPOINT_URL")] = None
    """Override for AWS endpoints (LocalStack: `http://127.0.0.1:4566`)."""
    aws_region: Annotated[str, env("AWS_DEFAULT_REGION")] = "us-east-1"
    """AWS region of the queues and the bucket."""
    bus: Annotated[Literal["memory", "sqs"], env("PARLEY_BUS")] = "memory"
    """`sqs` for Amazon SQS (or LocalStack), `memory` for the in-process bus."""
    queue_prefix: Annotated[str, env("PARLEY_QUEUE_PREFIX")] = ""
    """Prefix added to every queue name (separates environments sharing one account)."""
    bucket: Annotated[str | None, env("PARLEY_BUCKET")] = None
    """S3 bucket for models, datasets and archives; unset means the local directory below."""
    data_dir: Annotated[str, env("PARLEY_DATA_DIR")] = "var/data"
    """Local directory for blobs when no bucket is set."""
    log_level: Annotated[
        str, env("PARLEY_LOG_LEVEL"), msgspec.Meta(pattern=r"(?i)^(?:debug|info|warning|error|critical)$")
    ] = "INFO"
    """Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL (any case)."""


@dataclass(frozen=True)
class Infra:
    """The shared clients and adapters of one process. Services take what they need from it."""

    settings: InfraSettings
    db: AsyncDatabase[Document]
    redis: Redis
    bus: Bus
    queues: QueueAdmin
    """The same broker as `bus`, seen by operators: depths, moving dead letters back."""
    blobs: BlobStore
    _resources: AsyncExitStack = field(default_factory=AsyncExitStack, repr=False, compare=False)

    def ready_checks(self) -> list[ReadinessCheck]:
        """Checks for `/health/ready`: MongoDB and Redis answer."""

        async def mongo() -> None:
            await ping(self.db)

        async def redis() -> None:
            await ping_redis(self.redis)

        return [mongo, redis]

    def on_close(self, callback: Callable[[], Awaitable[object]]) -> None:
        """Run `callback` when the infrastructure closes (clients a composition root opened on it)."""
        self._resources.push_async_callback(callback)

    async def aclose(self) -> None:
        """Close every client `connect_infra` opened, in reverse order."""
        await self._resources.aclose()


async def connect_infra(settings: InfraSettings, *, snapshot_seconds: float | None = None) -> Infra:
    """Open the adapters `settings` select: SQS or the memory bus, S3 or a local directory, and so on.

    With `snapshot_seconds` (the embedded runner), the Mongo emulation is loaded from its snapshot
    under `settings.data_dir` and saved there that often and at close (`mongo_persistence`); it
    changes nothing when `settings.mongodb_url` is set.
    """
    resources = AsyncExitStack()
    try:
        db = await _open_mongo(settings, resources, snapshot_seconds)
        redis = connect_redis(settings)
        resources.push_async_callback(redis.aclose)
        bus = await _open_bus(settings, resources)
        blobs = await _open_blobs(settings, resources)
    except BaseException:
        await resources.aclose()
        raise
    return Infra(
        settings=settings, db=db, redis=redis, bus=bus, queues=bus, blobs=blobs, _resources=resources
    )


async def _open_mongo(
    settings: InfraSettings, resources: AsyncExitStack, snapshot_seconds: float | None
) -> AsyncDatabase[Document]:
    if settings.mongodb_url or snapshot_seconds is None:
        db = connect_mongo(settings)
        resources.push_async_callback(close_mongo, db)
        return db
    persistence = await MongoPersistence.open(Path(settings.data_dir), interval_seconds=snapshot_seconds)
    db = connect_persistent_mongo(persistence, settings.mongodb_database)
    resources.push_async_callback(close_mongo, db)
    # At close (last in, first out) after everything opened later, before the client: the final
    # save sees every write the workers and the other clients made.
    resources.push_async_callback(persistence.aclose)
    return db


async def _open_bus(settings: InfraSettings, resources: AsyncExitStack) -> MemoryBus | SqsBus:
    if settings.bus != "sqs":
        return MemoryBus()
    bus = SqsBus(
        region=settings.aws_region, endpoint_url=settings.aws_endpoint_url, queue_prefix=settings.queue_prefix
    )
    return await resources.enter_async_context(bus)


async def _open_blobs(settings: InfraSettings, resources: AsyncExitStack) -> BlobStore:
    if not settings.bucket:
        return LocalBlobStore(Path(settings.data_dir))
    store = S3BlobStore(settings.bucket, region=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    return await resources.enter_async_context(store)
